using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.HeldStyles;

/// <summary>Waits and launches hidden by ordinary C# (issue 13): awaited Task.Run, returned runs, polling helpers, flat tile loops.</summary>
public class HiddenWaitTests
{
    private static string AsyncMethod(string body, string members = "") =>
        "using System.Threading.Tasks;\n" + Snippet.InMethod(body, members).Replace("public void Run(", "public async Task Run(");

    [Fact]
    public async Task WaitInsideAnAwaitedTaskRunIsReported()
    {
        await NpuVerifier.VerifyAsync(AsyncMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    var state = await Task.Run(() => {|NPU2001:run.Wait(TimeSpan.FromSeconds(1))|});
                    state.ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task WaitInsideATaskRunBlockedOnWithGetResultIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                foreach (var tile in new[] { input, output })
                {
                    var run = kernel.Start(3UL, instr, 7u, tile);
                    System.Threading.Tasks.Task.Run(() => {|NPU2001:run.Wait()|}.ThrowIfNotCompleted()).GetAwaiter().GetResult();
                }
        """));
    }

    [Fact]
    public async Task TaskRunWaitsAwaitedTogetherAfterTheLoopAreNotReported()
    {
        await NpuVerifier.VerifyAsync(AsyncMethod("""
                var pending = new List<Task<CommandState>>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    pending.Add(Task.Run(() => run.Wait()));
                }
                foreach (var state in await Task.WhenAll(pending)) state.ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task RunReturnedByAHelperAndWaitedInTheLoopIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = Launch(kernel, instr, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
        """, """
            private static Run Launch(Kernel kernel, Bo instr, Bo input, Bo output)
            {
                var run = new Run(kernel);
                run.SetArg(1, instr);
                run.SetArg(3, input);
                run.SetArg(4, output);
                run.Start();
                return run;
            }
        """));
    }

    [Fact]
    public async Task RunReturnedByAnExpressionBodiedHelperWaitedInOneExpressionIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                foreach (var tile in new[] { input, output }) {|NPU2001:Launch(tile).Wait()|}.ThrowIfNotCompleted();
        """, """
            private Kernel? _kernel;
            private Run Launch(Bo tile) => _kernel!.Start(3UL, tile);
        """));
    }

    [Fact]
    public async Task RunsReturnedByAHelperAndWaitedAfterTheLoopAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(Launch(kernel, input));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """, """
            private static Run Launch(Kernel kernel, Bo input) => kernel.Start(3UL, input);
        """));
    }

    [Fact]
    public async Task PollingWaitInAHelperTheLaunchLoopCallsIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    WaitFor(run);
                }
        """, """
            private static void WaitFor(Run run)
            {
                while ({|NPU2001:run.Wait(TimeSpan.FromMilliseconds(1))|} == CommandState.Timeout)
                    System.Threading.Thread.Yield();
            }
        """));
    }

    [Fact]
    public async Task PollingLoopInlineInTheLaunchLoopIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                foreach (var tile in new[] { input, output })
                {
                    var run = kernel.Start(3UL, instr, 7u, tile);
                    CommandState state;
                    do { state = {|NPU2001:run.Wait(TimeSpan.FromMilliseconds(5))|}; } while (state == CommandState.Timeout);
                    state.ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task PollingARunStartedBeforeAnyLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                WaitFor(run);
        """, """
            private static void WaitFor(Run run)
            {
                while (run.Wait(TimeSpan.FromMilliseconds(1)) == CommandState.Timeout) System.Threading.Thread.Yield();
            }
        """));
    }

    [Fact]
    public async Task FlatLoopOfThousandsOfLaunchesIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int call = 0; call < 4096; call++) runs.Add({|#0:kernel.Start(3UL, instr, (uint)call, input, output)|});
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """), NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0).WithArguments("kernel.Start", "in a loop of 4096 iterations"));
    }

    [Fact]
    public async Task FlatLoopOverAFlattenedTileGridIsReported()
    {
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var runs = new List<Run>();
                foreach (var call in Enumerable.Range(0, tiles * tiles))
                {
                    int i = call / tiles, j = call % tiles;
                    runs.Add({|#0:kernel.Start(3UL, instr, (uint)(i * 64 + j), input, output)|});
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """), NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0).WithArguments("kernel.Start", "in one loop over a flattened tile grid"));
    }

    [Fact]
    public async Task ShortFlatLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int call = 0; call < 16; call++) runs.Add(kernel.Start(3UL, instr, (uint)call, input, output));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task StateReadFromTheRunAfterItsWaitIsNotIgnored()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait(TimeSpan.FromSeconds(1));
                if (run.State != CommandState.Completed) throw new InvalidOperationException(run.State.ToString());
        """));
    }

    [Fact]
    public async Task StateReadInAHelperStyleAfterAWaitIsNotIgnored()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Job(Kernel kernel)
            {
                private Run? _run;

                public bool Finish()
                {
                    _run = kernel.Start(3UL);
                    _run.Wait();
                    return _run.State == CommandState.Completed;
                }
            }
            """);
    }

    [Fact]
    public async Task StateKeptInALocalNothingReadsIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                var state = {|NPU2007:run.Wait(TimeSpan.FromSeconds(1))|};
                CommandState later;
                later = {|NPU2007:kernel.Start(3UL).Wait()|};
        """));
    }

    [Fact]
    public async Task StateReadBeforeTheWaitDoesNotCountAsACheck()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                Console.WriteLine(run.State);
                {|NPU2007:run.Wait()|};
        """));
    }
}
