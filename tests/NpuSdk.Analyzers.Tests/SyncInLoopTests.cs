using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2002: a buffer Sync inside a loop body.</summary>
public class SyncInLoopTests
{
    [Fact]
    public async Task PerTileToDeviceSyncMovesAfterThePackLoop()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length))|};
                }
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait().ThrowIfNotCompleted();
        """);
        var expected = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                }
                input.Sync(SyncDirection.ToDevice);
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, expected);
    }

    [Fact]
    public async Task PerTileFromDeviceSyncMovesBeforeTheUnpackLoop()
    {
        var markup = Snippet.InMethod("""
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                long sum = 0;
                var results = output.Map<int>();
                for (int t = 0; t < tiles; t++)
                {
                    for (int e = 0; e < 16; e++)
                    {
                        {|NPU2002:output.Sync(SyncDirection.FromDevice, 4, (ulong)(4 * (t * 16 + e)))|};
                        sum += results[t * 16 + e];
                    }
                }
                Console.WriteLine(sum);
        """);
        var fixedCode = await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId);
        // Hoisted past both loops: the outer one neither launches nor syncs the buffer the other way.
        Assert.True(fixedCode.IndexOf("output.Sync(SyncDirection.FromDevice);", StringComparison.Ordinal)
            < fixedCode.IndexOf("for (int t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyncInALoopThatLaunchesIsReportedWithoutAFix()
    {
        var markup = Snippet.InMethod("""
                var tile = new byte[64];
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data);
                    {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                    runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.SyncInLoopId);
    }

    [Fact]
    public async Task SyncAfterAWaitInTheSameIterationHasNoFix()
    {
        // Each tile's sync must follow the wait for the run that wrote it: moving it before the loop would
        // read results that are not there yet.
        var markup = Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                var tile = new byte[64];
                for (int t = 0; t < tiles; t++)
                {
                    runs[t].Wait().ThrowIfNotCompleted();
                    {|NPU2002:output.Sync(SyncDirection.FromDevice, 64, (ulong)(t * 64))|};
                    output.Read(tile, (ulong)(t * 64));
                }
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.SyncInLoopId);
    }

    [Fact]
    public async Task SyncingEachOfSeveralBuffersOnceIsNotReported()
    {
        // One sync per distinct buffer is the minimum; only the same buffer synced per iteration is per tile.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var weights = new[] { input, instr };
                foreach (var weight in weights) weight.Sync(SyncDirection.ToDevice);
                for (int w = 0; w < weights.Length; w++) weights[w].Sync(SyncDirection.ToDevice);
        """));
    }

    [Fact]
    public async Task OneSyncOutsideTheLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var view = input.Map();
                for (int t = 0; t < tiles; t++) data.AsSpan().CopyTo(view[(t * data.Length)..]);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
        """));
    }

    [Fact]
    public async Task SyncInALambdaIsNotJudgedByTheLoopAroundIt()
    {
        // When the lambda runs is up to its caller; the analyzer does not guess.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var actions = new List<Action>();
                for (int t = 0; t < tiles; t++) actions.Add(() => input.Sync(SyncDirection.ToDevice));
        """));
    }

    [Fact]
    public async Task WithoutTheRuntimeNothingIsReported()
    {
        // A look-alike type in another namespace: the rules key on NpuSdk.Bo by metadata name.
        await NpuVerifier.VerifyAsync("""
            namespace Other
            {
                public enum SyncDirection { ToDevice, FromDevice }
                public sealed class Bo { public void Sync(SyncDirection d) { } }
                public static class User
                {
                    public static void Run(Bo bo) { for (int i = 0; i < 4; i++) bo.Sync(SyncDirection.ToDevice); }
                }
            }
            """, withRuntime: false);
    }
}
