extern alias generator;

using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using generator::NpuSdk.Generators;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests;

/// <summary>Runs the generator in memory over C# source and AdditionalFiles written to a per-test folder.</summary>
internal sealed class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = LoadReferences();
    private readonly List<AdditionalText> _files = new();

    public GeneratorHarness(string testName)
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "generator-inputs", testName);
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The folder the test's AdditionalFiles live in (the generator reads xclbins from disk).</summary>
    public string Directory { get; }

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, warningLevel: 9999);

    /// <summary>Adds an xclbin with the mlir-aie ABI and <paramref name="buffers"/> data buffers, plus its instruction stream.</summary>
    public GeneratorHarness AddMlirAieKernel(string fileName, int buffers, bool instructions = true, string kernelName = "MLIR_AIE")
    {
        AddBinary(fileName, XclbinWriter.Write(XclbinSpec.MlirAie(buffers, kernelName, uuidSeed: fileName)));
        if (instructions) AddText(Path.ChangeExtension(fileName, null) + ".insts.txt", "0x00000001\n0x00000002\n");
        return this;
    }

    public GeneratorHarness AddBinary(string fileName, byte[] data)
    {
        string path = Path.Combine(Directory, fileName);
        File.WriteAllBytes(path, data);
        _files.Add(new DiskText(path));
        return this;
    }

    public GeneratorHarness AddText(string fileName, string text)
    {
        string path = Path.Combine(Directory, fileName);
        File.WriteAllText(path, text);
        _files.Add(new DiskText(path));
        return this;
    }

    public ImmutableArray<AdditionalText> AdditionalTexts => _files.ToImmutableArray();

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("GeneratorTest",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Test{i}.cs")),
            s_references, CompilationOptions);

    public GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(new[] { new NpuKernelGenerator().AsSourceGenerator() }, AdditionalTexts, ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once and returns the run plus the compilation with generated sources added.</summary>
    public (GeneratorDriverRunResult Run, Compilation Output) Run(params string[] sources)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(NpuSession).Assembly.Location);
        paths.Add(typeof(XclbinFile).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    private sealed class DiskText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) =>
            SourceText.From(File.ReadAllText(Path), Encoding.UTF8);
    }
}
