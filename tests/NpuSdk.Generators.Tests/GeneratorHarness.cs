extern alias generator;

using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using generator::NpuSdk.Generators;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests;

/// <summary>Runs the generator in memory over C# source and AdditionalFiles written to a per-test folder.</summary>
internal sealed class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = LoadReferences();
    private readonly List<AdditionalText> _files = new();
    private readonly Dictionary<string, string> _outputPaths = new(StringComparer.Ordinal);

    public GeneratorHarness(string testName)
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "generator-inputs", testName);
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The folder the test's AdditionalFiles live in (the generator reads xclbins from disk).</summary>
    public string Directory { get; }

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    /// <summary>What every compilation of the harness references: the framework, NpuSdk and the xclbin reader.</summary>
    public static ImmutableArray<MetadataReference> References => s_references;

    public static CSharpCompilationOptions CompilationOptions { get; } = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true, warningLevel: 9999);

    /// <summary>Adds an xclbin with the mlir-aie ABI and <paramref name="buffers"/> data buffers, plus its instruction stream.</summary>
    public GeneratorHarness AddMlirAieKernel(string fileName, int buffers, bool instructions = true, string kernelName = "MLIR_AIE")
    {
        AddBinary(fileName, XclbinWriter.Write(XclbinSpec.MlirAie(buffers, kernelName, uuidSeed: fileName)));
        if (instructions) AddText(Path.ChangeExtension(fileName, null) + ".insts.txt", "0x00000001\n0x00000002\n");
        return this;
    }

    /// <summary>
    /// Adds an instruction file holding binary transaction data, as newer toolchains write even into <c>.insts.txt</c>:
    /// the header <c>00 01 devgen rows cols memrows 00 00</c>, the op count, the total size, then the ops.
    /// </summary>
    public GeneratorHarness AddTransactionInstructions(string fileName, int words = 32) => AddBinary(fileName, TransactionStream(words));

    public static byte[] TransactionStream(int words)
    {
        var data = new byte[words * 4];
        data[1] = 1; data[2] = 1; data[3] = 6; data[4] = 5; data[5] = 1;   // Phoenix: 6 rows, 5 columns, 1 memory-tile row
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), (uint)(words - 4) / 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)data.Length);
        for (int i = 16; i < data.Length; i++) data[i] = (byte)i;
        return data;
    }

    /// <summary>
    /// Adds a file. <paramref name="outputPath"/> is the NpuSdkOutputPath metadata NpuSdk.props gives a project's kernel
    /// files (their path in the output folder); without it the generator takes the file to be copied flat.
    /// </summary>
    public GeneratorHarness AddBinary(string fileName, byte[] data, string? outputPath = null)
    {
        string path = Path.Combine(Directory, fileName);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, data);
        return Track(path, outputPath);
    }

    public GeneratorHarness AddText(string fileName, string text, string? outputPath = null)
    {
        string path = Path.Combine(Directory, fileName);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return Track(path, outputPath);
    }

    private readonly Dictionary<string, string> _properties = new();

    private GeneratorHarness Track(string path, string? outputPath)
    {
        _files.Add(new DiskText(path));
        if (outputPath is not null) _outputPaths[path] = outputPath;
        return this;
    }

    public ImmutableArray<AdditionalText> AdditionalTexts => _files.ToImmutableArray();

    /// <summary>Sets an MSBuild property the generator sees (a <c>CompilerVisibleProperty</c>), e.g. <c>NpuSdkDeviceProfile</c>.</summary>
    public GeneratorHarness WithProperty(string name, string value)
    {
        _properties[name] = value;
        return this;
    }

    /// <summary>The AdditionalFile the harness tracks for <paramref name="fileName"/>.</summary>
    public AdditionalText Text(string fileName) => _files.Single(f => f.Path == Path.Combine(Directory, fileName));

    /// <summary>
    /// Rewrites a tracked file as an editor saving it would: the driver sees a new AdditionalText for the same path (pass
    /// both to <see cref="GeneratorDriver.ReplaceAdditionalText"/>).
    /// </summary>
    public (AdditionalText Old, AdditionalText New) Rewrite(string fileName, string text)
    {
        var old = Text(fileName);
        File.WriteAllText(old.Path, text);
        var edited = new DiskText(old.Path);
        _files[_files.IndexOf(old)] = edited;
        return (old, edited);
    }

    public static CSharpCompilation Compile(params string[] sources) => Compile(ParseOptions, sources);

    public static CSharpCompilation Compile(CSharpParseOptions parseOptions, params string[] sources) =>
        CSharpCompilation.Create("GeneratorTest",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"Test{i}.cs")),
            s_references, CompilationOptions);

    public GeneratorDriver CreateDriver(bool trackSteps = false, CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(new[] { new NpuKernelGenerator().AsSourceGenerator() }, AdditionalTexts, parseOptions ?? ParseOptions,
            new MetadataOptions(_outputPaths, Directory, _properties),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once and returns the run plus the compilation with generated sources added.</summary>
    public (GeneratorDriverRunResult Run, Compilation Output) Run(params string[] sources) => Run(ParseOptions, sources);

    /// <summary>Runs the generator once on sources parsed with <paramref name="parseOptions"/> (a project's language version).</summary>
    public (GeneratorDriverRunResult Run, Compilation Output) Run(CSharpParseOptions parseOptions, params string[] sources)
    {
        var driver = CreateDriver(parseOptions: parseOptions).RunGeneratorsAndUpdateCompilation(Compile(parseOptions, sources), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>
    /// The errors of the compilation the generator produced that the generator is answerable for: any error in a
    /// generated file, and an unimplemented partial method (CS8795) when the generator reported no error of its own
    /// for it. An error in the user's own code that exists without the generator is not counted.
    /// </summary>
    public static IReadOnlyList<Diagnostic> GeneratorErrors(GeneratorDriverRunResult run, Compilation output)
    {
        var reported = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var generated = run.GeneratedTrees.ToHashSet();
        return output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Where(d => (d.Location.SourceTree is { } tree && generated.Contains(tree))
                        || (d.Id == "CS8795" && !reported.Any(r => Excuses(r, d))))
            .ToList();

        // An error the generator reported on the method (or a type around it), or one in a file it reads that names it.
        static bool Excuses(Diagnostic reported, Diagnostic unimplemented)
        {
            if (reported.Location.GetLineSpan().Path == unimplemented.Location.SourceTree?.FilePath)
                return Answerable(unimplemented).Any(span => span.IntersectsWith(reported.Location.SourceSpan));
            var node = unimplemented.Location.SourceTree!.GetRoot().FindNode(unimplemented.Location.SourceSpan);
            var method = node.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>();
            var type = method?.Parent as Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax;
            return method is not null && type is not null
                && reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains($"'{type.Identifier.ValueText}.{method.Identifier.ValueText}'", StringComparison.Ordinal);
        }

        // The method with its attributes, and the head of each type around it (a diagnostic about a containing type).
        static IEnumerable<TextSpan> Answerable(Diagnostic d)
        {
            var node = d.Location.SourceTree!.GetRoot().FindNode(d.Location.SourceSpan);
            var method = node.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>();
            if (method is null) { yield return d.Location.SourceSpan; yield break; }
            yield return method.FullSpan;
            foreach (var type in method.Ancestors().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>())
                yield return TextSpan.FromBounds(type.FullSpan.Start, type.OpenBraceToken.Span.End);
        }
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(NpuSession).Assembly.Location);
        paths.Add(typeof(XclbinFile).Assembly.Location);
        paths.Add(typeof(NpuSdk.KernelModel.KernelDesign).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    /// <summary>The build's item metadata as the compiler hands it to the generator.</summary>
    private sealed class MetadataOptions(Dictionary<string, string> outputPaths, string projectDirectory, IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(
            properties.Select(p => ("build_property." + p.Key, p.Value)).Append(("build_property.projectdir", projectDirectory + "/")).ToDictionary(p => p.Item1, p => p.Item2));
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(
            outputPaths.TryGetValue(textFile.Path, out var o) ? new Dictionary<string, string> { ["build_metadata.AdditionalFiles.NpuSdkOutputPath"] = o } : []);

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                values.TryGetValue(name, out value);
        }
    }

    private sealed class DiskText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) =>
            SourceText.From(File.ReadAllText(Path), Encoding.UTF8);
    }
}
