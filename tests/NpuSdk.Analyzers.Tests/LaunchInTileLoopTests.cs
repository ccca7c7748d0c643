using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2004: a launch nested two or more loops deep (info).</summary>
public class LaunchInTileLoopTests
{
    [Fact]
    public async Task LaunchTwoLoopsDeepIsReportedAsInfo()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int i = 0; i < tiles; i++)
                    for (int j = 0; j < tiles; j++)
                        runs.Add({|#0:kernel.Start(3UL, instr, 7u, input, output)|});
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """), NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0)
            .WithSeverity(Microsoft.CodeAnalysis.DiagnosticSeverity.Info).WithArguments("kernel.Start", "2 loops deep"));
    }

    [Fact]
    public async Task RunStartedInAWhileInsideAForeachIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                foreach (var row in new[] { 0, 1 })
                {
                    int column = 0;
                    while (column++ < tiles)
                    {
                        var run = new Run(kernel);
                        {|NPU2004:run.Start()|};
                        runs.Add(run);
                    }
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task LaunchInOneLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int i = 0; i < tiles; i++) runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task ForeachCollectionAndForInitializerRunOnce()
    {
        // A launch in a foreach's collection expression or a for's initializer is not repeated by that loop.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int i = 0; i < tiles; i++)
                {
                    foreach (var run in new[] { kernel.Start(3UL, instr, 7u, input, output) }) runs2.Add(run);
                    for (var run = kernel.Start(3UL, instr, 7u, input, output); run is null; ) { }
                }
        """, "    private readonly List<Run> runs2 = new();"));
    }
}
