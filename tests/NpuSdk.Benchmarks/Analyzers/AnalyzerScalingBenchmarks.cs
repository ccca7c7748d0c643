using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NpuSdk.Testing;

namespace NpuSdk.Benchmarks.Analyzers;

/// <summary>
/// How analysis time grows with the size of the input, compiled alone and compiled with every NPU analyzer: one loop
/// body of allocation + sync pairs (it was quadratic before issue 15), and the shapes whose depth is their size (issue
/// 21): a chain of helpers calling each other (in one type, and across types), a sum of as many terms, an if/else-if
/// chain, nested loops and nested per-element lambdas. The figure is the analyzed time over the compiled time (or the
/// analyzed time per 1,000 units of size): it should stay flat as the size grows. Sizes go to 20,000 where the compiler
/// goes: it refuses loops and lambdas nested that deep (CS8078) and binds nested loops in time quadratic in their
/// depth, so those stop earlier.
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*AnalyzerScaling*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 1, iterationCount: 5)]
public class AnalyzerScalingBenchmarks
{
    private SyntaxTree _tree = null!;
    private MetadataReference[] _references = [];

    /// <summary>A shape and its size (statements, helpers, terms, branches or nesting depth).</summary>
    [ParamsSource(nameof(Cases))]
    public ScalingCase Case { get; set; } = null!;

    public static IEnumerable<ScalingCase> Cases()
    {
        foreach (var shape in new[] { LoopBody, nameof(DeepShapes.HelperChain), nameof(DeepShapes.HelperChainAcrossTypes), nameof(DeepShapes.Expression), nameof(DeepShapes.IfChain) })
            foreach (var size in new[] { 1_000, 5_000, 20_000 })
                yield return new ScalingCase(shape, size);
        foreach (var depth in new[] { 100, 250, 500 })
        {
            yield return new ScalingCase(nameof(DeepShapes.NestedLoops), depth);
            yield return new ScalingCase(nameof(DeepShapes.NestedLambdas), depth);
        }
    }

    private const string LoopBody = "LoopBody";

    [GlobalSetup]
    public void Setup()
    {
        var source = Case.Shape == LoopBody ? AllocationLoop(Case.Size) : DeepShapes.Source(Case.Shape, Case.Size);
        _tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        _references = AnalyzerInputs.References();
    }

    [Benchmark(Baseline = true)]
    public int CompileOnly() => AnalyzerInputs.CompileOnly(NewCompilation());

    [Benchmark]
    public int CompileAndAnalyze() => AnalyzerInputs.CompileAndAnalyze(NewCompilation());

    private CSharpCompilation NewCompilation() =>
        CSharpCompilation.Create("Scaling", [_tree], _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <summary>One loop whose body is <paramref name="lines"/> statements: allocation + sync pairs, every one a finding.</summary>
    private static string AllocationLoop(int lines)
    {
        var source = new StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\npublic static class Pack\n{\n    public static void Run(Device device, Kernel kernel, Bo instr, Bo output, int tiles)\n    {\n");
        source.Append("        for (int t = 0; t < tiles; t++)\n        {\n");
        for (int i = 0; i < lines / 2; i++)
        {
            source.Append($"            var b{i} = new Bo(device, 64, BoFlags.HostOnly, 0);\n");
            source.Append($"            b{i}.Sync(SyncDirection.ToDevice);\n");
        }
        source.Append("        }\n    }\n}\n");
        return source.ToString();
    }
}

/// <summary>One benchmark case: a shape of <see cref="DeepShapes"/> (or the allocation loop) at a size.</summary>
public sealed record ScalingCase(string Shape, int Size)
{
    public override string ToString() => $"{Shape}-{Size}";
}
