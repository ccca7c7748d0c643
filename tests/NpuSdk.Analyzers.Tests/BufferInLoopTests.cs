using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2003: a buffer or sub-buffer created per loop iteration.</summary>
public class BufferInLoopTests
{
    [Fact]
    public async Task LoopInvariantBufferIsHoistedBeforeTheLoop()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var scratch = {|NPU2003:new Bo(device, (ulong)data.Length, BoFlags.HostOnly, kernel.GroupId(3))|};
                    scratch.Write(data);
                }
        """);
        var expected = Snippet.InMethod("""
                using var scratch = new Bo(device, (ulong)data.Length, BoFlags.HostOnly, kernel.GroupId(3));
                for (int t = 0; t < tiles; t++)
                {
                    scratch.Write(data);
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.BufferInLoopId, expected);
    }

    [Fact]
    public async Task HoistStopsAtTheLoopWhoseVariableTheSizeUses()
    {
        var markup = Snippet.InMethod("""
                for (int size = 1; size <= 4; size++)
                {
                    {|#1:for (int t = 0; t < tiles; t++)
                    {
                        var scratch = {|#0:new Bo(device, (ulong)size * 64, BoFlags.HostOnly, 0)|};
                        scratch.Write(data.AsSpan(0, size));
                    }|}
                }
        """);
        // The fix's boundary (the additional location) is the inner loop.
        await NpuVerifier.VerifyAsync(markup,
            NpuVerifier.Diagnostic(NpuDiagnostics.BufferInLoop).WithLocation(0).WithLocation(1).WithArguments("Buffer 'scratch'"));
    }

    [Fact]
    public async Task SubBufferAtAPerTileOffsetIsReportedWithoutAFix()
    {
        var markup = Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var slice = {|NPU2003:new Bo(output, 64, (ulong)(t * 64))|};
                    runs.Add(kernel.Start(3UL, instr, 7u, input, slice));
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.BufferInLoopId);
    }

    [Fact]
    public async Task BufferOfARunLeftInFlightHasNoFix()
    {
        // Each run keeps its own buffer until the waits after the loop; one hoisted buffer would be shared.
        var markup = Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var tileInput = {|NPU2003:new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3))|};
                    tileInput.Write(data);
                    {|NPU2002:tileInput.Sync(SyncDirection.ToDevice)|};
                    runs.Add(kernel.Start(3UL, instr, 7u, tileInput, output));
                }
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.BufferInLoopId);
    }

    [Fact]
    public async Task BufferKeptInACollectionThroughItsLocalIsAPlan()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var slices = new List<Bo>();
                for (int t = 0; t < tiles; t++)
                {
                    var slice = new Bo(output, 64, (ulong)(t * 64));
                    slices.Add(slice);
                }
        """));
    }

    [Fact]
    public async Task BufferDisposedInsideTheLoopHasNoFix()
    {
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var scratch = {|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|};
                    scratch.Write(data.AsSpan(0, 64));
                    scratch.Dispose();
                }
        """);
        await NpuVerifier.VerifyNoFixAsync(markup, NpuDiagnostics.BufferInLoopId);
    }

    [Fact]
    public async Task BuffersAllocatedOnceOrKeptAsAPlanAreNotReported()
    {
        // One parent allocation, and one sub-buffer per invocation kept in an array: a launch plan being
        // built, not a buffer thrown away every tile.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                using var all = new Bo(device, (ulong)(tiles * 64), BoFlags.HostOnly, kernel.GroupId(3));
                var slices = new Bo[tiles];
                for (int t = 0; t < tiles; t++) slices[t] = new Bo(all, 64, (ulong)(t * 64));
        """));
    }

    [Fact]
    public async Task BuffersKeptInAFieldListAsNamedTupleElementsAreAPlanNotAPerTileAllocation()
    {
        // A tuple literal stored into a list of named tuples is converted to the element type on the way: the buffer
        // still lives in the field, as long as the object does.
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    if (t % 2 == 0) continue;
                    _scratch.Add((t, new Bo(device, 64, BoFlags.HostOnly, 0)));
                }
        """, members: """
            private readonly List<(int Index, Bo Buffer)> _scratch = new();
        """);
        await NpuVerifier.VerifyAsync(markup);
    }

    [Fact]
    public async Task ABufferWhoseStoreDoesNotBindIsNotCalledPerIteration()
    {
        // The tuple's other element names a member that does not exist (code being typed, or a project that does
        // not compile yet): the store cannot be followed, so no report on a guess.
        var markup = Snippet.InMethod("""
                foreach (var x in data)
                {
                    _scratch.Add(({|CS0103:unknown|}.Index, new Bo(device, 64, BoFlags.HostOnly, 0)));
                }
        """, members: """
            private readonly List<(int Index, Bo Buffer)> _scratch = new();
        """);
        await NpuVerifier.VerifyAsync(markup);
    }
}
