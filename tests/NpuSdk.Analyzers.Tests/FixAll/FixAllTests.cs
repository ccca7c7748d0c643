using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.FixAll;

/// <summary>
/// Fix-all passes where a batch of independent text edits would collide: every fix of a document is applied
/// in turn to the result of the previous ones. The harness also checks each fix-all scope against the result
/// of fixing one diagnostic at a time, in every fix test.
/// </summary>
public class FixAllTests
{
    [Fact]
    public async Task TwoSyncsOfOneBufferInOneLoopBecomeOneWholeBufferSync()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * 128));
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)(t * 128))|};
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)(t * 128 + 64))|};
                }
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * 128));
                }
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task SyncsOfTwoBuffersMovedOutOfOneLoopBothArrive()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * 64));
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)(t * 64))|};
                    instr.Write(data, (ulong)(t * 64));
                    {|NPU2002:instr.Sync(SyncDirection.ToDevice, 64, (ulong)(t * 64))|};
                }
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * 64));
                    instr.Write(data, (ulong)(t * 64));
                }
                instr.Sync(SyncDirection.ToDevice);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task TwoReadsOfOneUnsyncedOutputGetOneSync()
    {
        var markup = Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var first = new byte[4];
                {|NPU2006:output.Read(first)|};
                if (flag)
                {
                    {|NPU2006:output.Read(data)|};
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.MissingSyncId, Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var first = new byte[4];
                output.Sync(SyncDirection.FromDevice);
                output.Read(first);
                if (flag)
                {
                    output.Read(data);
                }
        """));
    }

    [Fact]
    public async Task TwoWaitLoopsInOneMethodGetListsOfTheirOwn()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, output, input);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId, Snippet.InMethod("""
                var startedRuns = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    startedRuns.Add(run);
                }
                foreach (var startedRun in startedRuns) startedRun.Wait().ThrowIfNotCompleted();
                var startedRuns2 = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, output, input);
                    startedRuns2.Add(run);
                }
                foreach (var startedRun2 in startedRuns2) startedRun2.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task SeveralStateChecksAddOneImport()
    {
        var markup = """
            public static class Launcher
            {
                public static void Go(NpuSdk.Kernel kernel)
                {
                    {|NPU2007:kernel.Start(3UL).Wait()|};
                    {|NPU2007:kernel.Start(4UL).Wait()|};
                }
            }
            """;
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, """
            using NpuSdk;

            public static class Launcher
            {
                public static void Go(NpuSdk.Kernel kernel)
                {
                    kernel.Start(3UL).Wait().ThrowIfNotCompleted();
                    kernel.Start(4UL).Wait().ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task TwoBuffersHoistedBeforeOneLoopKeepTheirOrder()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var a = {|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|};
                    using var b = {|NPU2003:new Bo(device, 128, BoFlags.HostOnly, 0)|};
                    a.Write(data);
                    b.Write(data);
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.BufferInLoopId, Snippet.InMethod("""
                using var a = new Bo(device, 64, BoFlags.HostOnly, 0);
                using var b = new Bo(device, 128, BoFlags.HostOnly, 0);
                for (int t = 0; t < tiles; t++)
                {
                    a.Write(data);
                    b.Write(data);
                }
        """));
    }
}
