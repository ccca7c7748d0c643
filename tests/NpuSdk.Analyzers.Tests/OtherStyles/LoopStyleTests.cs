using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.OtherStyles;

/// <summary>
/// The loop rules over loops written in other styles: while, do-while, foreach over tile lists and 2-D index
/// arrays, loops in async and iterator methods, and lambdas that run once per element (List.ForEach,
/// Array.ForEach, Parallel.For, LINQ) — those count as loop bodies.
/// </summary>
public class LoopStyleTests
{
    private const string Usings = "using System.Linq;\n" + Snippet.Usings;

    private static string InMethod(string body, string members = "") => "using System.Linq;\n" + Snippet.InMethod(body, members);

    [Fact]
    public async Task WhileLoopWaitingOnEachLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                int t = 0;
                while (t < tiles)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    t++;
                }
        """));
    }

    [Fact]
    public async Task DoWhileLoopSyncingTheSameBufferIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                int t = 0;
                do
                {
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)t * 64)|};
                    t++;
                } while (t < tiles);
        """));
    }

    [Fact]
    public async Task ForeachOverATwoDimensionalIndexArrayCountsBothLoops()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var grid = new (int Row, int Col)[tiles, tiles];
                foreach (var (row, col) in grid)
                    for (int k = 0; k < tiles; k++)
                        {|NPU2001:{|NPU2004:kernel.Start(3UL, instr, 7u, input, output)|}.Wait()|}.ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task ListForEachLambdaIsALoopBody()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                Enumerable.Range(0, tiles).ToList().ForEach(t =>
                {
                    using var tile = {|NPU2003:new Bo(input, 64, (ulong)t * 64)|};
                    {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                    var run = kernel.Start(3UL, instr, 7u, tile, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                });
        """));
    }

    [Fact]
    public async Task ArrayForEachOverTileBuffersLaunchingInsideIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var tileBuffers = new[] { input, output };
                Array.ForEach(tileBuffers, tile =>
                {
                    {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                    {|NPU2001:kernel.Start(3UL, instr, 7u, tile, output).Wait()|}.ThrowIfNotCompleted();
                });
        """));
    }

    [Fact]
    public async Task ForEachLambdaInsideALoopIsTwoLoopsDeep()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int i = 0; i < tiles; i++)
                    Enumerable.Range(0, tiles).ToList().ForEach(j => {|NPU2004:kernel.Start(3UL, instr, 7u, input, output)|});
        """));
    }

    [Fact]
    public async Task ParallelForOpeningTheSameKernelEachIterationIsReportedButItsWaitIsNot()
    {
        // Parallel.For bodies overlap across workers, so their waits do not serialize the launches (no NPU2001);
        // opening the same kernel per iteration is still a re-open.
        await NpuVerifier.VerifyAsync(InMethod("""
                System.Threading.Tasks.Parallel.For(0, tiles, t =>
                {
                    using var k = {|NPU2005:new Kernel(context, "MLIR_AIE")|};
                    k.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                });
        """));
    }

    [Fact]
    public async Task ParallelForOpeningDeviceByIndexIsNotReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                System.Threading.Tasks.Parallel.For(0, tiles, t =>
                {
                    using var d = Device.Open(t);
                    Console.WriteLine(d.BackendName);
                });
        """));
    }

    [Fact]
    public async Task LinqSelectThatLaunchesAndWaitsIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var states = Enumerable.Range(0, tiles)
                    .Select(t => {|NPU2001:kernel.Start(3UL, instr, 7u, input, output).Wait()|})
                    .ToList();
                Console.WriteLine(states.Count);
        """));
    }

    [Fact]
    public async Task QuerySyntaxSelectThatLaunchesAndWaitsIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var states = (from t in Enumerable.Range(0, tiles)
                              where t % 2 == 0
                              select {|NPU2001:kernel.Start(3UL, instr, 7u, input, output).Wait()|}).ToList();
                Console.WriteLine(states.Count);
        """));
    }

    [Fact]
    public async Task RecursionIsNotALoop()
    {
        // Report only when sure: a recursive helper's depth is not known here.
        await NpuVerifier.VerifyAsync(InMethod("""
                Tile(0);

                void Tile(int t)
                {
                    if (t == tiles) return;
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    Tile(t + 1);
                }
        """));
    }

    [Fact]
    public async Task LinqSelectThatOnlyStartsIsAPlanNotAWait()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var runs = Enumerable.Range(0, tiles).Select(t => kernel.Start(3UL, instr, 7u, input, output)).ToList();
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task StoredLambdaIsNotALoopBody()
    {
        // When (and how often) a stored delegate runs is not known here: report only when sure.
        await NpuVerifier.VerifyAsync(InMethod("""
                Action launch = () => kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                launch();
        """));
    }

    [Fact]
    public async Task LoopInALocalFunctionIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                RunAll();

                void RunAll()
                {
                    foreach (var t in Enumerable.Range(0, tiles))
                        {|NPU2001:kernel.Start(3UL, instr, 7u, input, output).Wait()|}.ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task LoopInAnAsyncMethodWithAwaitIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class AsyncTiles
            {
                public async System.Threading.Tasks.Task RunAsync(Kernel kernel, Bo instr, Bo input, Bo output, int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                        var run = kernel.Start(3UL, instr, 7u, input, output);
                        await System.Threading.Tasks.Task.Yield();
                        {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task LoopInAnIteratorMethodIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public static class TileIterator
            {
                public static IEnumerable<CommandState> Tiles(Kernel kernel, Bo instr, Bo input, Bo output, int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        using var tile = {|NPU2003:new Bo(output, 64, (ulong)t * 64)|};
                        yield return {|NPU2001:kernel.Start(3UL, instr, 7u, input, tile).Wait()|};
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task WaitOnTheRunStoredInAnArrayElementIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var runs = new Run[tiles];
                for (int t = 0; t < tiles; t++)
                {
                    runs[t] = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:runs[t].Wait()|}.ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task WaitOnAnEarlierRunOfTheArrayIsNotReported()
    {
        // A bounded window: the oldest run is waited for while the others keep running.
        await NpuVerifier.VerifyAsync(InMethod("""
                var runs = new Run[tiles];
                for (int t = 0; t < tiles; t++)
                {
                    runs[t] = kernel.Start(3UL, instr, 7u, input, output);
                    if (t >= 2) runs[t - 2].Wait().ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task WaitThroughAHelperTakingTheRunIsReportedAtTheWait()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    Finish(run);
                }
        """, """
            private static void Finish(Run run) => {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task HelperWaitingForRunsStartedElsewhereIsNotReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                for (int t = 0; t < tiles; t++) Finish(runs[t]);
        """, """
            private static void Finish(Run run) => run.Wait().ThrowIfNotCompleted();
        """));
    }
}

/// <summary>Loop rules: method groups run per element, nested mixed loops, field runs, and what is left to other types.</summary>
public class LoopStyleMoreTests
{
    private static string InMethod(string body, string members = "") => "using System.Linq;\n" + Snippet.InMethod(body, members);

    [Fact]
    public async Task MethodGroupPassedToForEachIsCalledFromALoop()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                _kernel = kernel;
                Enumerable.Range(0, tiles).ToList().ForEach(LaunchTile);
        """, """
            private Kernel? _kernel;

            private void LaunchTile(int tile)
            {
                using var k = {|NPU2005:new Kernel(_kernel!.Context, "MLIR_AIE")|};
                using var device = Device.Open(tile);
                {|NPU2001:k.Start(3UL, tile).Wait()|}.ThrowIfNotCompleted();
            }
        """));
    }

    [Fact]
    public async Task NestedWhileAndForeachLaunchIsATileLoop()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var rows = new List<int> { 0, 1 };
                int k = 0;
                while (k < tiles)
                {
                    foreach (var row in rows)
                    {
                        var run = new Run(kernel);
                        run.SetArg(3, input);
                        {|NPU2004:run.Start()|};
                        {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    }
                    k++;
                }
        """));
    }

    [Fact]
    public async Task WaitOnARunKeptInAFieldIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    _current = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:_current.Wait()|}.ThrowIfNotCompleted();
                }
        """, """
            private Run? _current;
        """));
    }

    [Fact]
    public async Task HelperWaitingForTheRunFieldTheLoopStartsIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    _current = kernel.Start(3UL, instr, 7u, input, output);
                    Finish();
                }
                for (int t = 0; t < tiles; t++) Finish();
        """, """
            private Run? _current;

            private void Finish() => {|NPU2001:_current!.Wait()|}.ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task HelperWaitingForARunFieldNoLoopStartsIsNotReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                _current = kernel.Start(3UL, instr, 7u, input, output);
                for (int t = 0; t < tiles; t++) Finish();
        """, """
            private Run? _current;

            private void Finish() => _current!.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task SubBuffersOfOnePlanSyncedOneByOneAreReported()
    {
        // One DMA transfer per tile: syncing the parent once moves the same bytes (issue 13 made this a finding).
        await NpuVerifier.VerifyAsync(InMethod("""
                var plan = new List<Bo>();
                for (int t = 0; t < tiles; t++) plan.Add(new Bo(input, 64, (ulong)t * 64));
                foreach (var tile in plan) {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
        """));
    }

    [Fact]
    public async Task PerTileSubBufferSyncedInTheLoopIsThePerTilePattern()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var tile = {|NPU2003:new Bo(input, 64, (ulong)t * 64)|};
                    tile.Write(data);
                    {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                }
        """));
    }

    [Fact]
    public async Task HelperInAnotherTypeIsFollowedAndReportedAtTheCall()
    {
        // Another type's helper that launches and waits blocks the loop that calls it just as inline code would; the
        // helper is fine on its own (called once it would be right), so the call in the loop is what is reported.
        await NpuVerifier.VerifyAsync(InMethod("""
                for (int t = 0; t < tiles; t++) {|NPU2001:Launcher.LaunchAndWait(kernel, input, output)|};
        """) + """

            public static class Launcher
            {
                public static void LaunchAndWait(Kernel kernel, Bo input, Bo output) =>
                    kernel.Start(3UL, input, output).Wait().ThrowIfNotCompleted();
            }
            """);
    }

    [Fact]
    public async Task ParallelForEachWaitIsNotAWaitInALaunchLoop()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var buffers = new[] { input, output };
                System.Threading.Tasks.Parallel.ForEach(buffers, buffer => kernel.Start(3UL, instr, 7u, buffer).Wait().ThrowIfNotCompleted());
        """));
    }
}

/// <summary>Per-element lambdas that build plans or touch distinct buffers once each stay quiet.</summary>
public class LoopStylePlanTests
{
    private static string InMethod(string body) => "using System.Linq;\n" + Snippet.InMethod(body);

    [Fact]
    public async Task SubBuffersMadeByASelectAreAPlan()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                var plan = Enumerable.Range(0, tiles).Select(t => new Bo(input, 64, (ulong)t * 64)).ToList();
                var views = Enumerable.Range(0, tiles).ToDictionary(t => t, t => { var view = new Bo(output, 64, (ulong)t * 64); return view; });
                Console.WriteLine(plan.Count + views.Count);
        """));
    }

    [Fact]
    public async Task EachDistinctBufferSyncedOnceByForEachIsNotReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                new List<Bo> { input, instr }.ForEach(b => b.Sync(SyncDirection.ToDevice));
        """));
    }

    [Fact]
    public async Task SubBufferAllocatedAndDroppedInAForEachIsReported()
    {
        await NpuVerifier.VerifyAsync(InMethod("""
                Enumerable.Range(0, tiles).ToList().ForEach(t =>
                {
                    using var tile = {|NPU2003:new Bo(output, 64, (ulong)t * 64)|};
                    Console.WriteLine(tile.Size);
                });
        """));
    }
}
