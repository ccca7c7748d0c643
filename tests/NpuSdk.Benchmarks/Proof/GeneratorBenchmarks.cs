extern alias generator;

using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using generator::NpuSdk.Generators;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// The [NpuKernel] generator on a project of 100 kernel methods over six library kernels (16x16, 64x64, K-strip and
/// whole-array matmuls, layer norm, GELU): a first run (every xclbin and manifest read, every method bound and written),
/// and a run after an edit to an unrelated file, which the incremental pipeline should answer from its cache.
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*GeneratorBenchmarks*'
/// </summary>
[MemoryDiagnoser]
[InProcessEightIterations]
public class GeneratorBenchmarks
{
    public const int Methods = 100;

    private static readonly (string Kernel, string Signature)[] Kernels =
    [
        ("matmul_16x16_int8", "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c"),
        ("matmul_64x64_int8", "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c"),
        ("matmul_kstrip_64x64_int8", "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c"),
        ("matmul_whole_array_int8", "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c"),
        ("layernorm_bf16", "ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y"),
        ("gelu_bf16", "ReadOnlySpan<BFloat16> x, Span<BFloat16> y"),
    ];

    private CSharpCompilation _compilation = null!;
    private ImmutableArray<AdditionalText> _files;
    private GeneratorDriver _ran = null!;
    private SyntaxTree _unrelated = null!, _edited = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The library's kernel files, as the build hands them to the generator.
        _files = Kernels.SelectMany(k => new[] { ".xclbin", ".insts.txt", ".kernel.json" }.Select(e => (AdditionalText)new DiskText(Path.Combine(AppContext.BaseDirectory, k.Kernel + e))))
            .ToImmutableArray();
        var source = new StringBuilder("using System;\nusing NpuSdk;\nnamespace Project;\n");
        for (int type = 0; type < Methods / 10; type++)
        {
            source.Append($"public static partial class Ops{type}\n{{\n");
            for (int m = 0; m < 10; m++)
            {
                var (kernel, signature) = Kernels[(type * 10 + m) % Kernels.Length];
                source.Append($"    [NpuKernel(\"{kernel}.xclbin\")]\n    public static partial void Op{m}(NpuSession session, {signature});\n");
            }
            source.Append("}\n");
        }
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        _unrelated = CSharpSyntaxTree.ParseText("namespace Project; public static class Other { public static int Value => 1; }", parse, "Other.cs");
        _edited = CSharpSyntaxTree.ParseText("namespace Project; public static class Other { public static int Value => 2; }", parse, "Other.cs");
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Append(typeof(NpuSession).Assembly.Location).Append(typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location).Append(typeof(NpuSdk.KernelModel.KernelDesign).Assembly.Location)
            .Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        _compilation = CSharpCompilation.Create("Project", [CSharpSyntaxTree.ParseText(source.ToString(), parse, "Ops.cs"), _unrelated], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _ran = NewDriver().RunGenerators(_compilation);
        int generated = _ran.GetRunResult().GeneratedTrees.Length;
        var errors = _ran.GetRunResult().Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (generated != Methods || errors.Count > 0)
            throw new InvalidOperationException($"The generator wrote {generated} files for {Methods} methods; {string.Join("; ", errors)}");
    }

    [Benchmark(Baseline = true, Description = "first run, 100 methods")]
    public int FirstRun() => NewDriver().RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;

    [Benchmark(Description = "after an unrelated edit")]
    public int AfterUnrelatedEdit() => _ran.RunGenerators(_compilation.ReplaceSyntaxTree(_unrelated, _edited)).GetRunResult().GeneratedTrees.Length;

    private GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new NpuKernelGenerator().AsSourceGenerator()], _files, new CSharpParseOptions(LanguageVersion.Latest));

    private sealed class DiskText(string path) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText? GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path), Encoding.UTF8);
    }
}
