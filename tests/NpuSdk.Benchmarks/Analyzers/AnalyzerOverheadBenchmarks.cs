using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NpuSdk.Analyzers;

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
    private static readonly ImmutableArray<DiagnosticAnalyzer> NpuAnalyzers =
        ImmutableArray.Create<DiagnosticAnalyzer>(new LoopPatternAnalyzer(), new MissingSyncAnalyzer(), new RunStateAnalyzer());

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
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        _references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDirectory)
            .Append(typeof(Device).Assembly.Location)
            .Append(typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }

    // Sequential, like the baseline's GetDiagnostics, so the ratio is work and not parallelism on a shared machine.
    private static readonly CompilationWithAnalyzersOptions Sequential =
        new(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);

    [Benchmark(Baseline = true)]
    public int CompileOnly() => NewCompilation().GetDiagnostics().Length;

    [Benchmark]
    public int CompileAndAnalyze() =>
        NewCompilation().WithAnalyzers(NpuAnalyzers, Sequential).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;

    private CSharpCompilation NewCompilation() =>
        CSharpCompilation.Create("PerTileStyle", _trees, _references, new CSharpCompilationOptions(OutputKind.ConsoleApplication));
}
