using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.OtherStyles;

/// <summary>
/// The loop rules over code organised in other ways: an instance "NpuMatMul" wrapper with fields, property
/// getters that open or cache, helpers that sync or allocate, static helpers, records, generic helpers and
/// top-level statements.
/// </summary>
public class WrapperStyleTests
{
    [Fact]
    public async Task WrapperClassWithFieldsShowsEachPerTileRule()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuMatMul
            {
                private readonly Kernel _kernel;
                private readonly Bo _instr;
                private readonly Bo _a;
                private readonly Bo _c;

                public NpuMatMul(Kernel kernel, Bo instr, Bo a, Bo c)
                {
                    _kernel = kernel;
                    _instr = instr;
                    _a = a;
                    _c = c;
                }

                public void Multiply(byte[] tile, int rows, int cols)
                {
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < cols; j++)
                            MultiplyTile(tile);
                }

                private void MultiplyTile(byte[] tile)
                {
                    _a.Write(tile);
                    {|NPU2002:_a.Sync(SyncDirection.ToDevice)|};
                    var run = {|NPU2004:_kernel.Start(3UL, _instr, 7u, _a, _c)|};
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    {|NPU2002:_c.Sync(SyncDirection.FromDevice)|};
                    _c.Read(tile);
                }
            }
            """);
    }

    [Fact]
    public async Task PropertyGetterThatOpensAKernelOnEachReadIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuMatMul
            {
                private readonly HwContext _context;

                public NpuMatMul(HwContext context) => _context = context;

                private Kernel MatMul => {|NPU2005:new Kernel(_context, "MLIR_AIE")|};

                public void Multiply(Bo instr, Bo a, Bo c, int tiles)
                {
                    var runs = new List<Run>();
                    for (int t = 0; t < tiles; t++) runs.Add(MatMul.Start(3UL, instr, 7u, a, c));
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task PropertyGetterThatCachesTheKernelIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuMatMul
            {
                private readonly HwContext _context;
                private Kernel? _kernel;

                public NpuMatMul(HwContext context) => _context = context;

                private Kernel MatMul => _kernel ??= new Kernel(_context, "MLIR_AIE");

                public void Multiply(Bo instr, Bo a, Bo c, int tiles)
                {
                    var runs = new List<Run>();
                    for (int t = 0; t < tiles; t++) runs.Add(MatMul.Start(3UL, instr, 7u, a, c));
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task IndexerThatOpensTheKernelItIsAskedForIsJudgedByItsArgument()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class KernelSet
            {
                private readonly HwContext _context;
                private readonly string[] _names;

                public KernelSet(HwContext context, string[] names)
                {
                    _context = context;
                    _names = names;
                }

                public Kernel this[int index] => {|NPU2005:new Kernel(_context, _names[index])|};

                public void Probe()
                {
                    for (int k = 0; k < _names.Length; k++) Console.WriteLine(this[k].Name);
                    for (int t = 0; t < 4; t++) Console.WriteLine(this[0].Name);
                }
            }
            """);
    }

    [Fact]
    public async Task HelperThatOpensOnlyWhenNotCachedIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuMatMul
            {
                private Device? _device;

                private Device GetDevice()
                {
                    if (_device is null) _device = Device.Open();
                    return _device;
                }

                public void Probe(int tiles)
                {
                    for (int t = 0; t < tiles; t++) Console.WriteLine(GetDevice().BackendName);
                }
            }
            """);
    }

    [Fact]
    public async Task HelperThatOpensTheDeviceEachCallIsReportedWithTheCall()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public static class Probe
            {
                private static Device OpenNpu() => {|NPU2005:Device.Open()|};

                public static void Run(int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        using var device = OpenNpu();
                        Console.WriteLine(device.BackendName);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task SyncThroughAPropertyAndAnArrayElementOfTheSameBuffer()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Staging
            {
                public Bo Input { get; }
                private readonly Bo[] _pool;

                public Staging(Bo input, Bo[] pool)
                {
                    Input = input;
                    _pool = pool;
                }

                public void Upload(int tiles)
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        {|NPU2002:Input.Sync(SyncDirection.ToDevice, 64, (ulong)t * 64)|};
                        {|NPU2002:_pool[0].Sync(SyncDirection.ToDevice)|};
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task OneSyncPerDistinctPoolBufferIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Staging
            {
                private readonly Bo[] _pool;

                public Staging(Bo[] pool) => _pool = pool;

                public void Upload()
                {
                    for (int t = 0; t < _pool.Length; t++) _pool[t].Sync(SyncDirection.ToDevice);
                }
            }
            """);
    }

    [Fact]
    public async Task SyncHelperCalledPerTileIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) Upload(input, t);
        """, """
            private static void Upload(Bo buffer, int tile) => {|NPU2002:buffer.Sync(SyncDirection.ToDevice, 64, (ulong)tile * 64)|};
        """));
    }

    [Fact]
    public async Task SyncHelperIsPerTileWhenAnyLoopPassesTheSameBuffer()
    {
        // The first loop uploads each pool buffer once (fine); the second re-syncs the same buffer every time.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var pool = new[] { input, output };
                for (int t = 0; t < pool.Length; t++) Upload(pool[t]);
                for (int t = 0; t < tiles; t++) Upload(input);
        """, """
            private static void Upload(Bo buffer) => {|NPU2002:buffer.Sync(SyncDirection.ToDevice)|};
        """));
    }

    [Fact]
    public async Task SyncHelperCalledOncePerDistinctBufferIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var pool = new[] { input, output };
                for (int t = 0; t < pool.Length; t++) Upload(pool[t]);
        """, """
            private static void Upload(Bo buffer) => buffer.Sync(SyncDirection.ToDevice);
        """));
    }

    [Fact]
    public async Task AllocationInAHelperCalledFromALoopIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) Scratch(device);
        """, """
            private static void Scratch(Device device)
            {
                using var scratch = {|NPU2003:new Bo(device, 4096, BoFlags.HostOnly, 0)|};
                scratch.Sync(SyncDirection.ToDevice);
            }
        """));
    }

    [Fact]
    public async Task PlanBuiltInALoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var plan = new List<Bo>();
                for (int t = 0; t < tiles; t++) plan.Add(new Bo(output, 64, (ulong)t * 64));
                var views = new Bo[tiles];
                for (int t = 0; t < tiles; t++)
                {
                    var view = new Bo(input, 64, (ulong)t * 64);
                    views[t] = view;
                }
        """));
    }

    [Fact]
    public async Task PlanBuiltThroughAHelperThatReturnsTheBufferIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var plan = new List<Bo>();
                for (int t = 0; t < tiles; t++) plan.Add(Tile(output, t));
        """, """
            private static Bo Tile(Bo parent, int t) => new Bo(parent, 64, (ulong)t * 64);
        """));
    }

    [Fact]
    public async Task HelperReturningABufferTheLoopDropsIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var tile = Tile(output, t);
                    tile.Sync(SyncDirection.FromDevice);
                }
        """, """
            private static Bo Tile(Bo parent, int t) => {|NPU2003:new Bo(parent, 64, (ulong)t * 64)|};
        """));
    }

    [Fact]
    public async Task GenericHelperAndRecordAreAnalyzedLikeAnyType()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed record TileJob(Kernel Kernel, Bo Instr, Bo Input, Bo Output)
            {
                public void RunAll<T>(IReadOnlyList<T> tiles) where T : notnull
                {
                    foreach (var tile in tiles)
                        Launch(tile);
                }

                private void Launch<T>(T tile) where T : notnull
                {
                    Console.WriteLine(tile);
                    {|NPU2001:Kernel.Start(3UL, Instr, 7u, Input, Output).Wait()|}.ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task GenericWrapperClassCallingItsGenericHelperFromNestedLoops()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class TileRunner<TElement> where TElement : unmanaged
            {
                private readonly Kernel _kernel;
                private readonly Bo _input;
                private readonly Bo _output;

                public TileRunner(Kernel kernel, Bo input, Bo output)
                {
                    _kernel = kernel;
                    _input = input;
                    _output = output;
                }

                public void RunAll(TElement[] values, int rows, int cols)
                {
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < cols; j++)
                            RunTile<int>(values, i * cols + j);
                }

                private void RunTile<TIndex>(TElement[] values, int tile)
                {
                    _input.Map<TElement>()[0] = values[tile];
                    {|NPU2002:_input.Sync(SyncDirection.ToDevice)|};
                    {|NPU2001:{|NPU2004:_kernel.Start(3UL, _input, _output)|}.Wait()|}.ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task TopLevelStatementsAreAnalyzed()
    {
        var source = Snippet.Usings + """
            using var device = Device.Open();
            var uuid = device.RegisterXclbin("matmul.xclbin");
            using var context = new HwContext(device, uuid);
            using var kernel = new Kernel(context, "MLIR_AIE");
            using var instr = new Bo(device, 64, BoFlags.Cacheable, kernel.GroupId(1));
            using var input = new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(3));
            using var output = new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(4));
            for (int t = 0; t < 8; t++)
            {
                using var k = {|NPU2005:new Kernel(context, "MLIR_AIE")|};
                {|NPU2001:k.Start(3UL, instr, 7u, input, output).Wait()|}.ThrowIfNotCompleted();
            }
            """;
        await NpuVerifier.VerifyProgramAsync(source);
    }
}
