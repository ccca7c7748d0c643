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
                public static void Go(NpuSdk.Xrt.Kernel kernel)
                {
                    {|NPU2007:kernel.Start(3UL).Wait()|};
                    {|NPU2007:kernel.Start(4UL).Wait()|};
                }
            }
            """;
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, """
            using NpuSdk.Xrt;

            public static class Launcher
            {
                public static void Go(NpuSdk.Xrt.Kernel kernel)
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

    [Fact]
    public async Task WaitsReturnedFromTaskRunLambdasAreCheckedInPlace()
    {
        // Issue 21: the state a Task.Run lambda returns is dropped one await later; the check goes inside the lambda.
        var markup = "using System.Threading.Tasks;\n" + Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                Task.Run(() => {|NPU2007:run.Wait(TimeSpan.FromSeconds(1))|}).GetAwaiter().GetResult();
                Task.Run(() => {|NPU2007:kernel.Start(3UL, instr, 7u, output, input).Wait()|}).Wait();
                {|NPU2007:run.Wait()|};
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, "using System.Threading.Tasks;\n" + Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                Task.Run(() => run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted()).GetAwaiter().GetResult();
                Task.Run(() => kernel.Start(3UL, instr, 7u, output, input).Wait().ThrowIfNotCompleted()).Wait();
                run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task SyncsOfBuffersHeldByARecordOrPackedThroughAHelperAreInsertedForEachAccess()
    {
        // Issue 21: a record's buffers are synced as written ('buffers.A'); a packing helper's write is synced too.
        var usings = "using System.Linq;\n" + Snippet.Usings;
        var markup = usings + """
            public sealed record GemmBuffers(Bo A, Bo B, Bo C);

            public static class Gemm
            {
                public static float Run(Kernel kernel, GemmBuffers buffers, float[] x, float[] w)
                {
                    x.AsSpan().CopyTo(buffers.A.Map<float>());
                    {|NPU2006:kernel.Start(3UL, buffers.A, buffers.C)|}.Wait().ThrowIfNotCompleted();
                    Pack(w, buffers.B.Map<float>());
                    {|NPU2006:kernel.Start(3UL, buffers.B, buffers.C)|}.Wait().ThrowIfNotCompleted();
                    return {|NPU2006:buffers.C.Map<float>()[0]|};
                }

                private static void Pack(float[] source, Span<float> destination) => source.AsSpan().CopyTo(destination);
            }
            """;
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.MissingSyncId, usings + """
            public sealed record GemmBuffers(Bo A, Bo B, Bo C);

            public static class Gemm
            {
                public static float Run(Kernel kernel, GemmBuffers buffers, float[] x, float[] w)
                {
                    x.AsSpan().CopyTo(buffers.A.Map<float>());
                    buffers.A.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, buffers.A, buffers.C).Wait().ThrowIfNotCompleted();
                    Pack(w, buffers.B.Map<float>());
                    buffers.B.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, buffers.B, buffers.C).Wait().ThrowIfNotCompleted();
                    buffers.C.Sync(SyncDirection.FromDevice);
                    return buffers.C.Map<float>()[0];
                }

                private static void Pack(float[] source, Span<float> destination) => source.AsSpan().CopyTo(destination);
            }
            """);
    }

    [Fact]
    public async Task PerTileDiagnosticsWithoutAFixStayWhileTheFixableOnesAreFixed()
    {
        // Issue 21: whole buffers kept one per tile, and their syncs, have no mechanical fix; the per-tile sync of one
        // buffer beside them still moves after its loop, and the scratch buffer still moves before its loop.
        var markup = Snippet.InMethod("""
                var tilesList = new List<Bo>();
                for (int i = 0; i < tiles; i++)
                {
                    for (int j = 0; j < tiles; j++)
                    {
                        tilesList.Add({|NPU2003:new Bo(device, 512, BoFlags.HostOnly, 0)|});
                        using var scratch = {|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|};
                        scratch.Write(data);
                        input.Write(data, (ulong)(i * 64));
                        {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)(i * 64))|};
                    }
                }
                foreach (var tile in tilesList) {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                foreach (var tile in tilesList) {|NPU2001:{|NPU2004:kernel.Start(3UL, instr, 7u, tile, input)|}.Wait()|}.ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, Snippet.InMethod("""
                var tilesList = new List<Bo>();
                for (int i = 0; i < tiles; i++)
                {
                    for (int j = 0; j < tiles; j++)
                    {
                        tilesList.Add({|NPU2003:new Bo(device, 512, BoFlags.HostOnly, 0)|});
                        using var scratch = {|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|};
                        scratch.Write(data);
                        input.Write(data, (ulong)(i * 64));
                    }
                }
                input.Sync(SyncDirection.ToDevice);
                foreach (var tile in tilesList) {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                foreach (var tile in tilesList) {|NPU2001:{|NPU2004:kernel.Start(3UL, instr, 7u, tile, input)|}.Wait()|}.ThrowIfNotCompleted();
        """));
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.BufferInLoopId, Snippet.InMethod("""
                var tilesList = new List<Bo>();
                using var scratch = new Bo(device, 64, BoFlags.HostOnly, 0);
                for (int i = 0; i < tiles; i++)
                {
                    for (int j = 0; j < tiles; j++)
                    {
                        tilesList.Add({|NPU2003:new Bo(device, 512, BoFlags.HostOnly, 0)|});
                        scratch.Write(data);
                        input.Write(data, (ulong)(i * 64));
                        {|NPU2002:input.Sync(SyncDirection.ToDevice, 64, (ulong)(i * 64))|};
                    }
                }
                foreach (var tile in tilesList) {|NPU2002:tile.Sync(SyncDirection.ToDevice)|};
                foreach (var tile in tilesList) {|NPU2001:{|NPU2004:kernel.Start(3UL, instr, 7u, tile, input)|}.Wait()|}.ThrowIfNotCompleted();
        """));
    }
}
