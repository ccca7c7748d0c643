using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Benchmarks.Analyzers;

/// <summary>
/// What the NPU2xxx analyzers add to a build: compiling samples/PerTileStyle (binding and all compiler
/// diagnostics) alone, side by side with the same compilation plus every NPU analyzer. The ratio is the
/// figure; both start from fresh compilations over the same parsed trees, so both bind everything once.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class AnalyzerOverheadBenchmarks
{
    private SyntaxTree[] _trees = [];
    private MetadataReference[] _references = [];

    [GlobalSetup]
    public void Setup()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NpuSdk.sln"))) directory = directory.Parent;
        var sample = Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("NpuSdk.sln not found above " + AppContext.BaseDirectory), "samples", "PerTileStyle");
        var sources = Directory.GetFiles(sample, "*.cs").Select(File.ReadAllText)
            .Append("global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic;");
        _trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))).ToArray();
        _references = AnalyzerInputs.References();
    }

    [Benchmark(Baseline = true)]
    public int CompileOnly() => AnalyzerInputs.CompileOnly(NewCompilation());

    [Benchmark]
    public int CompileAndAnalyze() => AnalyzerInputs.CompileAndAnalyze(NewCompilation());

    private CSharpCompilation NewCompilation() =>
        CSharpCompilation.Create("PerTileStyle", _trees, _references, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
}
