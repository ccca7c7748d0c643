using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2001: a run's Wait inside a loop body that also starts runs.</summary>
public class WaitInLaunchLoopTests
{
    [Fact]
    public async Task WaitOnEachStartedRunIsReportedAndFixedByWaitingAfterTheLoop()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait(TimeSpan.FromSeconds(1))|}.ThrowIfNotCompleted();
                }
        """);
        var expected = Snippet.InMethod("""
                var startedRuns = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    startedRuns.Add(run);
                }
                foreach (var startedRun in startedRuns) startedRun.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId, expected);
    }

    [Fact]
    public async Task UncheckedWaitGetsACheckWhenMovedAfterTheLoop()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = new Run(kernel);
                    run.SetArg(3, input);
                    run.Start();
                    {|NPU2001:{|NPU2007:run.Wait()|}|};
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId, Snippet.InMethod("""
                var startedRuns = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = new Run(kernel);
                    run.SetArg(3, input);
                    run.Start();
                    startedRuns.Add(run);
                }
                foreach (var startedRun in startedRuns) startedRun.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WaitThroughAHelperCalledFromTheLoopIsReported()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) LaunchTile(kernel, input, output);
        """, """
            private static void LaunchTile(Kernel kernel, Bo input, Bo output)
            {
                var run = kernel.Start(3UL, input, output);
                {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
            }
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId);
    }

    [Fact]
    public async Task PerTileLocalFunctionCalledFromTheLoopIsReported()
    {
        // A line-for-line port may keep matmul_tile as a local function.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int i = 0; i < tiles; i++)
                    for (int j = 0; j < tiles; j++)
                        Tile();

                void Tile()
                {
                    input.Write(data);
                    {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                    var run = {|NPU2004:kernel.Start(3UL, instr, 7u, input, output)|};
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    {|NPU2002:output.Sync(SyncDirection.FromDevice)|};
                    output.Read(data);
                }
        """));
    }

    [Fact]
    public async Task WaitFollowedByReadsInTheIterationHasNoFix()
    {
        // Moving the wait would let the sync and read see an unfinished run.
        var markup = Snippet.InMethod("""
                var tile = new byte[64];
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    {|NPU2002:output.Sync(SyncDirection.FromDevice)|};
                    output.Read(tile);
                }
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId);
    }

    [Fact]
    public async Task IterationThatRefillsASharedBufferHasNoFix()
    {
        // Without the wait, the next iteration would overwrite the input while the previous run reads it.
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data);
                    {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId);
    }

    [Fact]
    public async Task WaitAfterTheLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WaitInALoopThatNeverLaunchesIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new Run[tiles];
                for (int t = 0; t < tiles; t++) runs[t] = new Run(kernel);
                for (int t = 0; t < tiles; t++) runs[t].Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WaitForTheOldestRunOfABoundedWindowIsNotReported()
    {
        // The in-flight window pattern: the wait is for a run started in an earlier iteration, others keep running.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var inFlight = new Queue<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    if (inFlight.Count == 8)
                    {
                        var oldest = inFlight.Dequeue();
                        oldest.Wait().ThrowIfNotCompleted();
                    }
                    inFlight.Enqueue(kernel.Start(3UL, instr, 7u, input, output));
                }
                while (inFlight.Count > 0) inFlight.Dequeue().Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task ReusedRunStartedAndWaitedEachIterationIsReported()
    {
        await NpuVerifier.VerifyNoFixAsync(Snippet.InMethod("""
                var run = new Run(kernel);
                run.SetArg(3, input);
                for (int t = 0; t < tiles; t++)
                {
                    run.Start();
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
        """), NpuDiagnostics.WaitInLaunchLoopId);
    }

    [Fact]
    public async Task LaunchAndWaitInOneExpressionIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                    {|NPU2001:kernel.Start(3UL, instr, 7u, input, output).Wait()|}.ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task RunListWaitPerBatchIsNotARunWait()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var list = new RunList(context);
                for (int t = 0; t < tiles; t++)
                {
                    list.Execute();
                    list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                }
        """));
    }
}
