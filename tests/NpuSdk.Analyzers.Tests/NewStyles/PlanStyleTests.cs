using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.NewStyles;

/// <summary>
/// Issue 21, plans of buffers: "Solution B" (a whole buffer per tile kept in a list, synced and launched one by one) is
/// found, and the same cached buffer synced once per chunk through a method or a cache entry; buffer factories whose
/// callers keep what they return, and a cache filled and synced once on a miss, are left alone. Written with LINQ,
/// local functions, async methods, wrapper classes and helpers in other types.
/// </summary>
public class PlanStyleTests
{
    private const string Usings = "using System.Linq;\nusing System.Threading.Tasks;\n" + Snippet.Usings;

    [Fact]
    public async Task SolutionBInNestedLoopsReportsEachBufferItsSyncsAndItsLaunches()
    {
        // 32,768 buffers, syncs and runs for one 512-cube product: the plan is made of whole buffers, one per tile.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var inputs = new List<Bo>();
                var outputs = new List<Bo>();
                for (int i = 0; i < tiles; i++)
                    for (int j = 0; j < tiles; j++)
                    {
                        var packed = {|NPU2003:new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3))|};
                        packed.Write(data);
                        inputs.Add(packed);
                        outputs.Add({|NPU2003:new Bo(device, 256, BoFlags.HostOnly, kernel.GroupId(4))|});
                    }
                foreach (var packed in inputs) {|NPU2002:packed.Sync(SyncDirection.ToDevice)|};
                var runs = new List<Run>();
                for (int t = 0; t < inputs.Count; t++) runs.Add({|NPU2004:kernel.Start(3UL, instr, 7u, inputs[t], outputs[t])|});
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                foreach (var result in outputs) {|NPU2002:result.Sync(SyncDirection.FromDevice)|};
        """));
    }

    [Fact]
    public async Task SolutionBWrittenWithLinqIsReported()
    {
        // One loop over the tiles; the buffers are per tile because the method launches them one by one.
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var chunks = Enumerable.Range(0, tiles).Select(t => data.AsSpan(t * 512, 512).ToArray()).ToList();
                var buffers = chunks.Select(chunk =>
                {
                    var bo = {|NPU2003:new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3))|};
                    bo.Write(chunk);
                    return bo;
                }).ToList();
                buffers.ForEach(bo => {|NPU2002:bo.Sync(SyncDirection.ToDevice)|});
                var runs = buffers.Select(bo => {|NPU2004:kernel.Start(3UL, instr, 7u, bo, output)|}).ToList();
                runs.ForEach(run => run.Wait().ThrowIfNotCompleted());
        """));
    }

    [Fact]
    public async Task SolutionBThroughAFactoryOfAnotherTypeInAnAsyncMethodIsReportedAtTheCall()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public static class TileBuffers
            {
                public static Bo Create(Device device, int bytes) => new Bo(device, (ulong)bytes, BoFlags.HostOnly, 0);
            }

            public static class Product
            {
                public static async Task RunAsync(Device device, Kernel kernel, Bo instr, byte[][] packed)
                {
                    var tiles = new Bo[packed.Length];
                    for (int t = 0; t < packed.Length; t++)
                    {
                        tiles[t] = {|NPU2003:TileBuffers.Create(device, packed[t].Length)|};
                        tiles[t].Write(packed[t]);
                    }
                    for (int t = 0; t < tiles.Length; t++) {|NPU2002:tiles[t].Sync(SyncDirection.ToDevice)|};
                    var runs = new List<Run>();
                    foreach (var tile in tiles) runs.Add({|NPU2004:kernel.Start(3UL, instr, 7u, tile)|});
                    foreach (var run in runs) (await Task.Run(() => run.Wait())).ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task SolutionBInAWrapperClassWithALocalFunctionFactoryIsReportedAtTheCall()
    {
        // The plan is built by one method of the class and synced and launched by another.
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class TilePlan(Device device, Kernel kernel, Bo instr)
            {
                private readonly List<Bo> _inputs = new();

                public void Build(int rows, int columns)
                {
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                            _inputs.Add({|NPU2003:NewTile()|});

                    Bo NewTile() => new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3));
                }

                public void Run()
                {
                    _inputs.ForEach(tile => {|NPU2002:tile.Sync(SyncDirection.ToDevice)|});
                    var runs = _inputs.Select(tile => {|NPU2004:kernel.Start(3UL, instr, 7u, tile)|}).ToList();
                    runs.ForEach(run => run.Wait().ThrowIfNotCompleted());
                }
            }
            """);
    }

    [Fact]
    public async Task OneBufferPerDistinctTensorAndSubBuffersOfOneParentAreNotReported()
    {
        // The harness style (a buffer per tensor, launched together), the cure (one parent, a sub-buffer per tile), and
        // weights made in nested loops but launched by a whole-job layer loop.
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var tensors = new[] { 4096, 4096, 1024 }.Select(size => new Bo(device, (ulong)size, BoFlags.HostOnly, 0)).ToArray();
                foreach (var tensor in tensors) tensor.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, tensors[0], tensors[1], tensors[2]).Wait().ThrowIfNotCompleted();
                using var all = new Bo(device, (ulong)(tiles * 512), BoFlags.HostOnly, 0);
                var slices = Enumerable.Range(0, tiles).Select(t => new Bo(all, 512, (ulong)(t * 512))).ToList();
                all.Sync(SyncDirection.ToDevice);
                var runs = slices.Select(slice => kernel.Start(3UL, instr, 7u, slice)).ToList();
                runs.ForEach(run => run.Wait().ThrowIfNotCompleted());
                // Weights per layer and projection, uploaded once each and used by a layer loop that feeds each output on.
                var weights = new List<Bo>();
                for (int layer = 0; layer < 4; layer++)
                    for (int projection = 0; projection < 3; projection++)
                        weights.Add(new Bo(device, 4096, BoFlags.HostOnly, 0));
                foreach (var weight in weights) weight.Sync(SyncDirection.ToDevice);
                var x = (byte[])data.Clone();
                for (int l = 0; l < weights.Count; l++)
                {
                    input.Write(x);
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, weights[l], output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    output.Read(x);
                }
        """));
    }

    [Fact]
    public async Task CachedBufferSyncedPerChunkThroughAMethodAPropertyOrACacheEntryIsReported()
    {
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.Usings + """
            public sealed class Staging(Device device)
            {
                private readonly Dictionary<string, Bo> _cache = new();
                private Bo? _staging;

                private Bo Stage => _staging ??= new Bo(device, 1 << 20, BoFlags.HostOnly, 0);

                private Bo Weights(string key) =>
                    _cache.TryGetValue(key, out var cached) ? cached : _cache[key] = new Bo(device, 4096, BoFlags.HostOnly, 0);

                public void Upload(byte[][] chunks, string key)
                {
                    for (int c = 0; c < chunks.Length; c++)
                    {
                        Stage.Write(chunks[c], (ulong)(c * 4096));
                        {|NPU2002:Stage.Sync(SyncDirection.ToDevice, 4096, (ulong)(c * 4096))|};
                    }
                    foreach (var chunk in chunks)
                    {
                        Weights(key).Write(chunk);
                        {|NPU2002:Weights(key).Sync(SyncDirection.ToDevice)|};
                    }
                    chunks.ToList().ForEach(chunk =>
                    {
                        if (!_cache.TryGetValue(key, out var entry)) return;
                        entry.Write(chunk);
                        {|NPU2002:entry.Sync(SyncDirection.ToDevice)|};
                    });
                }
            }
            """);
    }

    [Fact]
    public async Task CachedBufferOfAnotherTypeSyncedPerChunkIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class BufferCache(Bo staging)
            {
                public Bo Staging() => staging;
            }

            public static class Uploader
            {
                public static void Upload(BufferCache cache, byte[][] chunks)
                {
                    foreach (var chunk in chunks)
                    {
                        cache.Staging().Write(chunk);
                        {|NPU2002:cache.Staging().Sync(SyncDirection.ToDevice)|};
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task BufferFactoriesWhoseCallersKeepWhatTheyReturnAreNotReported()
    {
        // Through a switch expression, a record, a tuple taken apart, a local function and another type's factory.
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public enum Precision { Int8, Int16 }
            public sealed record Operands(Bo Input, Bo Output);

            public static class Buffers
            {
                public static Bo For(Device device, Precision precision, int elements) => precision switch
                {
                    Precision.Int8 => new Bo(device, (ulong)elements, BoFlags.HostOnly, 0),
                    _ => new Bo(device, (ulong)elements * 2, BoFlags.HostOnly, 0),
                };
            }

            public sealed class Model(Device device)
            {
                private readonly Dictionary<string, Bo> _weights = new();
                private readonly List<Operands> _layers = new();
                private readonly List<Bo> _scratch = new();

                private Bo Make(Precision precision, int elements) => precision switch
                {
                    Precision.Int8 => new Bo(device, (ulong)elements, BoFlags.HostOnly, 0),
                    _ => new Bo(device, (ulong)elements * 2, BoFlags.HostOnly, 0),
                };

                private Operands Pair(int elements) =>
                    new Operands(new Bo(device, (ulong)elements, BoFlags.HostOnly, 0), new Bo(device, (ulong)elements, BoFlags.HostOnly, 0));

                private (Bo In, Bo Out) Split(int elements) =>
                    (new Bo(device, (ulong)elements, BoFlags.HostOnly, 0), new Bo(device, (ulong)elements, BoFlags.HostOnly, 0));

                public void Load(string[] names, int[] sizes)
                {
                    for (int i = 0; i < names.Length; i++)
                    {
                        _weights[names[i]] = Make(i % 2 == 0 ? Precision.Int8 : Precision.Int16, sizes[i]);
                        _layers.Add(Pair(sizes[i]));
                        var (input, output) = Split(sizes[i]);
                        _scratch.Add(input);
                        _scratch.Add(output);
                        _scratch.Add(Buffers.For(device, Precision.Int16, sizes[i]));
                        _scratch.Add(Local(sizes[i]));
                    }

                    Bo Local(int elements) => new Bo(device, (ulong)elements, BoFlags.HostOnly, 0);
                }
            }
            """);
    }

    [Fact]
    public async Task InstructionBufferAllocatedAndSyncedOnACacheMissIsNotReported()
    {
        // Cached setup, in three styles: TryGetValue in the loop's helper, ??= through a helper, another type's cache.
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class InstructionCache(Device device, Kernel kernel)
            {
                private readonly Dictionary<string, Bo> _cache = new();

                public Bo Get(string name, uint[] words)
                {
                    if (!_cache.TryGetValue(name, out var bo))
                    {
                        bo = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
                        words.AsSpan().CopyTo(bo.Map<uint>());
                        bo.Sync(SyncDirection.ToDevice);
                        _cache[name] = bo;
                    }
                    return bo;
                }
            }

            public sealed class Layers(Device device, Kernel kernel, InstructionCache cache)
            {
                private Bo? _instr;

                public void Run(string[] names, uint[][] words, Bo input, Bo output, int passes)
                {
                    var runs = new List<Run>();
                    for (int pass = 0; pass < passes; pass++)
                        for (int i = 0; i < names.Length; i++)
                        {
                            _instr ??= Upload(words[i]);
                            runs.Add({|NPU2004:kernel.Start(3UL, cache.Get(names[i], words[i]), (uint)words[i].Length, input, output)|});
                        }
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                }

                private Bo Upload(uint[] words)
                {
                    var bo = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
                    words.AsSpan().CopyTo(bo.Map<uint>());
                    bo.Sync(SyncDirection.ToDevice);
                    return bo;
                }
            }
            """);
    }
}
