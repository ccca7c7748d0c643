using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Benchmarks.Analyzers;

/// <summary>
/// How analysis time grows with the size of one loop: a loop body of <see cref="Lines"/> statements (allocation +
/// sync pairs, every one a finding), compiled alone and compiled with every NPU analyzer. Time per 1,000 lines is
/// the analyzed time over Lines / 1000; it should stay flat as Lines grows (it was quadratic before issue 15).
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*AnalyzerScaling*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class AnalyzerScalingBenchmarks
{
    private SyntaxTree _tree = null!;
    private MetadataReference[] _references = [];

    /// <summary>Statements in the loop body.</summary>
    [Params(1000, 2000, 4000)]
    public int Lines { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var source = new StringBuilder("using NpuSdk;\npublic static class Pack\n{\n    public static void Run(Device device, Kernel kernel, Bo instr, Bo output, int tiles)\n    {\n");
        source.Append("        for (int t = 0; t < tiles; t++)\n        {\n");
        for (int i = 0; i < Lines / 2; i++)
        {
            source.Append($"            var b{i} = new Bo(device, 64, BoFlags.HostOnly, 0);\n");
            source.Append($"            b{i}.Sync(SyncDirection.ToDevice);\n");
        }
        source.Append("        }\n    }\n}\n");
        _tree = CSharpSyntaxTree.ParseText(source.ToString(), new CSharpParseOptions(LanguageVersion.Latest));
        _references = AnalyzerInputs.References();
    }

    [Benchmark(Baseline = true)]
    public int CompileOnly() => AnalyzerInputs.CompileOnly(NewCompilation());

    [Benchmark]
    public int CompileAndAnalyze() => AnalyzerInputs.CompileAndAnalyze(NewCompilation());

    private CSharpCompilation NewCompilation() =>
        CSharpCompilation.Create("Scaling", [_tree], _references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
}
