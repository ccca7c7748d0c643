using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.HeldStyles;

/// <summary>Plans and caches kept through any store (issue 13) stay quiet; the same objects dropped are reported.</summary>
public class PlanAndCacheTests
{
    [Fact]
    public async Task PlanKeptThroughATupleElementIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                    _plan.Add((new Bo(input, 64, (ulong)t * 64), new Bo(output, 64, (ulong)t * 64)));
        """, "    private readonly List<(Bo In, Bo Out)> _plan = new();"));
    }

    [Fact]
    public async Task PlanKeptThroughARecordAndAStructConstructorIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed record TilePlan(Bo Input, Bo Output);
            public readonly record struct Slot(Bo Buffer, int Tile);

            public sealed class Planner
            {
                private readonly List<TilePlan> _plans = new();
                private readonly Dictionary<int, Slot> _slots = new();

                public void Build(Bo input, Bo output, int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        var slice = new Bo(input, 64, (ulong)t * 64);
                        _plans.Add(new TilePlan(slice, new Bo(output, 64, (ulong)t * 64)));
                        _slots[t] = new Slot(new Bo(output, 64, (ulong)t * 64), t);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task PlanYieldedByAnIteratorAndCollectedByToArrayIsNotReported()
    {
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.Usings + """
            public sealed class Planner
            {
                private Bo[] _slices = Array.Empty<Bo>();

                public void Build(Bo parent, int tiles) => _slices = Slices(parent, tiles).ToArray();

                private static IEnumerable<Bo> Slices(Bo parent, int tiles)
                {
                    for (int t = 0; t < tiles; t++) yield return new Bo(parent, 64, (ulong)t * 64);
                }
            }
            """);
    }

    [Fact]
    public async Task TryGetValueAssignAddKernelCacheIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Kernels(HwContext context)
            {
                private readonly Dictionary<string, Kernel> _cache = new();

                public void RunAll(string[] requests, Bo instr, Bo input, Bo output)
                {
                    var runs = new List<Run>();
                    foreach (var name in requests)
                    {
                        if (!_cache.TryGetValue(name, out var kernel))
                        {
                            kernel = new Kernel(context, "MLIR_AIE");
                            _cache.Add(name, kernel);
                        }
                        runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                    }
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task KernelCachedInALocalAcrossIterationsIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                Kernel? cached = null;
                for (int t = 0; t < tiles; t++)
                {
                    if (cached is null) cached = new Kernel(context, "MLIR_AIE");
                    Console.WriteLine(cached.Name);
                }
        """));
    }

    [Fact]
    public async Task RecordHoldingABufferDroppedEachIterationIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed record TilePlan(Bo Input);

            public static class Planner
            {
                public static void Each(Bo input, int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        var plan = new TilePlan({|NPU2003:new Bo(input, 64, (ulong)t * 64)|});
                        Console.WriteLine(plan.Input.Size);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task HarnessLoopAllocatingAndSyncingEachTensorOnceIsNotReported()
    {
        // mlir-aie's host harness: one buffer per distinct tensor, filled and synced once, kept by name.
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed record Tensor(string Name, byte[] Data, int Argument);

            public sealed class Harness(Device device, Kernel kernel)
            {
                private readonly Dictionary<string, Bo> _buffers = new();

                public void Upload(IEnumerable<Tensor> tensors)
                {
                    foreach (var tensor in tensors)
                    {
                        var bo = new Bo(device, (ulong)tensor.Data.Length, BoFlags.HostOnly, kernel.GroupId(tensor.Argument));
                        tensor.Data.AsSpan().CopyTo(bo.Map());
                        bo.Sync(SyncDirection.ToDevice);
                        _buffers[tensor.Name] = bo;
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task HarnessInLinqStyleIsNotReported()
    {
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var sizes = new[] { 64, 128, 256 };
                var buffers = sizes.Select(size =>
                {
                    var bo = new Bo(device, (ulong)size, BoFlags.HostOnly, kernel.GroupId(3));
                    bo.Map().Clear();
                    bo.Sync(SyncDirection.ToDevice);
                    return bo;
                }).ToArray();
                Console.WriteLine(buffers.Length);
        """));
    }

    [Fact]
    public async Task BuffersKeptInALocalListOfAHelperCalledPerTileAreReported()
    {
        // The list dies with each call, and the helper is called once per tile: a buffer per tile after all.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) Stage(device, t);
        """, """
            private static void Stage(Device device, int tile)
            {
                var staged = new List<Bo>();
                for (int part = 0; part < 4; part++) staged.Add({|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|});
                Console.WriteLine(staged.Count + tile);
            }
        """));
    }

    [Fact]
    public async Task BuffersKeptInALocalArrayOfAMethodCalledPerRequestAreReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Server(Device device)
            {
                public void Serve(IEnumerable<byte[]> requests)
                {
                    foreach (var request in requests) Handle(request);
                }

                private void Handle(byte[] request)
                {
                    var tiles = new Bo[request.Length / 64];
                    for (int t = 0; t < tiles.Length; t++) tiles[t] = {|NPU2003:new Bo(device, 64, BoFlags.HostOnly, 0)|};
                    Console.WriteLine(tiles.Length);
                }
            }
            """);
    }

    [Fact]
    public async Task LocalPlanReturnedToACallerThatKeepsItIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int layer = 0; layer < 4; layer++) _plans.Add(Plan(output, tiles));
        """, """
            private readonly List<List<Bo>> _plans = new();

            private static List<Bo> Plan(Bo parent, int tiles)
            {
                var slices = new List<Bo>();
                for (int t = 0; t < tiles; t++) slices.Add(new Bo(parent, 64, (ulong)t * 64));
                return slices;
            }
        """));
    }
}
