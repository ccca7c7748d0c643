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
        // Hoisted past both loops: the outer one neither launches nor syncs the buffer the other way.
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, Snippet.InMethod("""
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                long sum = 0;
                var results = output.Map<int>();
                output.Sync(SyncDirection.FromDevice);
                for (int t = 0; t < tiles; t++)
                {
                    for (int e = 0; e < 16; e++)
                    {
                        sum += results[t * 16 + e];
                    }
                }
                Console.WriteLine(sum);
        """));
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
    public async Task WavesOverABufferPoolAreReported()
    {
        // The port's 11.5 s version: waves of runs over a pool of per-tile buffers, synced buffer by buffer
        // on every wave. Each pass syncs every buffer again; one buffer and one sync per direction was the cure.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var inputs = new Bo[8];
                var outputs = new Bo[8];
                for (int s = 0; s < 8; s++)
                {
                    inputs[s] = new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3));
                    outputs[s] = new Bo(device, 256, BoFlags.HostOnly, kernel.GroupId(4));
                }
                var tile = new byte[256];
                for (int wave = 0; wave < tiles / 8; wave++)
                {
                    for (int s = 0; s < 8; s++)
                    {
                        inputs[s].Write(data);
                        {|NPU2002:inputs[s].Sync(SyncDirection.ToDevice)|};
                    }
                    var runs = new List<Run>();
                    for (int s = 0; s < 8; s++) runs.Add({|NPU2004:kernel.Start(3UL, instr, 7u, inputs[s], outputs[s])|});
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                    for (int s = 0; s < 8; s++)
                    {
                        {|NPU2002:outputs[s].Sync(SyncDirection.FromDevice)|};
                        outputs[s].Read(tile);
                    }
                }
        """));
    }

    [Fact]
    public async Task PerTileBufferSyncedNextToItsLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var slices = new Bo[tiles];
                for (int t = 0; t < tiles; t++) slices[t] = new Bo(input, 64, (ulong)(t * 64));
                var runs = new List<Run>();
                foreach (var slice in slices)
                {
                    {|NPU2002:slice.Sync(SyncDirection.ToDevice)|};
                    runs.Add(kernel.Start(3UL, instr, 7u, slice, output));
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
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
        // A look-alike type in another namespace: the rules key on NpuSdk.Xrt.Bo by metadata name.
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
