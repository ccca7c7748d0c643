using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NpuSdk.Analyzers;

namespace NpuSdk.Benchmarks.Analyzers;

/// <summary>What the analyzer benchmarks share: the analyzers, the references a user project has, and a fresh compilation.</summary>
internal static class AnalyzerInputs
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> NpuAnalyzers =
        ImmutableArray.Create<DiagnosticAnalyzer>(new LoopPatternAnalyzer(), new MissingSyncAnalyzer(), new RunStateAnalyzer());

    // Sequential, like the baseline's GetDiagnostics, so the ratio is work and not parallelism on a shared machine.
    public static readonly CompilationWithAnalyzersOptions Sequential =
        new(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);

    /// <summary>The framework this process runs on, plus the runtime and its xclbin model.</summary>
    public static MetadataReference[] References()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDirectory)
            .Append(typeof(Device).Assembly.Location)
            .Append(typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location)
            .Append(typeof(NpuSdk.KernelModel.KernelDesign).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }

    public static int CompileOnly(CSharpCompilation compilation) => compilation.GetDiagnostics().Length;

    public static int CompileAndAnalyze(CSharpCompilation compilation) =>
        compilation.WithAnalyzers(NpuAnalyzers, Sequential).GetAllDiagnosticsAsync().GetAwaiter().GetResult().Length;
}
