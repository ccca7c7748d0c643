using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Cli.Plans;

/// <summary>
/// What a generated call of a kernel does at given shapes, worked out from its manifest with the runtime's own pattern
/// strategies and buffer layout (no device, nothing run): invocations, chain commands, syncs and bytes, the first call's
/// allocations, and the time a latency model projects, charged in the order a call issues them (each
/// input buffer synced once, one run list, one wait, each output buffer synced once), so it equals what the emulator
/// projects for the same call.
/// </summary>
internal sealed class CallPlan
{
    private CallPlan(KernelManifest manifest, IReadOnlyList<int> dims, LaunchGeometry grid, IReadOnlyList<PlanBufferLayout> buffers, LatencyModel model, uint instructionWords)
    {
        Manifest = manifest;
        Dims = dims;
        Invocations = grid.Invocations;
        Buffers = buffers;
        ChainCommands = model.ChainCommands(Invocations);
        var inputs = buffers.Where(b => b.Manifest.Role == BufferRole.Input).ToList();
        var outputs = buffers.Where(b => b.Manifest.Role == BufferRole.Output).ToList();
        (SyncsToDevice, BytesToDevice) = (inputs.Count, inputs.Sum(b => b.Bytes));
        (SyncsFromDevice, BytesFromDevice) = (outputs.Count, outputs.Sum(b => b.Bytes));
        SubBuffers = buffers.Where(b => b.SlotCount > 1).Sum(b => (long)b.SlotCount);
        AllocatedBytes = buffers.Sum(b => b.Bytes);

        long macs = KernelWork.MacsPerInvocation(manifest, grid.Key.StripLength);
        ComputeSeconds = Invocations * model.ComputeSeconds(LatencyModel.PrecisionOf(KernelWork.ComputeType(manifest)), macs, manifest.Cores);
        RunSeconds = Invocations * model.PerRun.TotalSeconds;
        CommandSeconds = ChainCommands * model.PerCommandOnDevice.TotalSeconds;

        // The first call: LoadedKernel opens the context and writes the instructions, the plan allocates its buffers.
        var timeline = new ProjectedTimeline(model);
        timeline.OpenContext();
        timeline.Allocate(instructionWords * 4UL);
        timeline.Sync(instructionWords * 4UL);
        foreach (var b in buffers) timeline.Allocate((ulong)b.Bytes);
        Call(timeline);
        FirstCallSeconds = timeline.Seconds;
        double before = timeline.Seconds;
        Call(timeline);
        CallSeconds = timeline.Seconds - before;
        // A call whose context was evicted since the last one: the context is closed, reopened, and the call runs.
        before = timeline.Seconds;
        timeline.CloseContext();
        timeline.OpenContext();
        Call(timeline);
        ReopenedCallSeconds = timeline.Seconds - before;

        void Call(ProjectedTimeline t)
        {
            foreach (var b in inputs) t.Sync((ulong)b.Bytes);
            t.Wait(t.Submit(Invocations, ComputeSeconds, chained: true));
            foreach (var b in outputs) t.Sync((ulong)b.Bytes);
        }
    }

    public KernelManifest Manifest { get; }
    public IReadOnlyList<int> Dims { get; }
    public int Invocations { get; }
    public int ChainCommands { get; }
    public IReadOnlyList<PlanBufferLayout> Buffers { get; }
    public int SyncsToDevice { get; }
    public int SyncsFromDevice { get; }
    public long BytesToDevice { get; }
    public long BytesFromDevice { get; }
    public long SubBuffers { get; }
    public long AllocatedBytes { get; }

    /// <summary>Projected seconds of a call once the plan is built (the plan is kept for the next call).</summary>
    public double CallSeconds { get; }

    /// <summary>Projected seconds of a call whose context was evicted since the last: closing and reopening it come first.</summary>
    public double ReopenedCallSeconds { get; }

    /// <summary>Projected seconds of the first call: the context, instruction buffer and plan are made first.</summary>
    public double FirstCallSeconds { get; }

    /// <summary>The device's share: its cost per run over every run.</summary>
    public double RunSeconds { get; }

    /// <summary>The device's share: its fixed cost per chain command.</summary>
    public double CommandSeconds { get; }

    /// <summary>The device's share: the runs' multiply-accumulates at the design's cores.</summary>
    public double ComputeSeconds { get; }

    /// <summary>
    /// The plan of a call of <paramref name="manifest"/> at <paramref name="dims"/> (the shape's dimensions: M x K x N
    /// for a matmul, M x K for a GEMV, elements, rows x cols, queries x keys x dim).
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions do not fit the pattern or the kernel; the message says why.</exception>
    public static CallPlan Make(KernelManifest manifest, IReadOnlyList<int> dims, LatencyModel model, uint instructionWords)
    {
        var strategy = PatternStrategy.For(manifest.Pattern);
        var operands = strategy.Operands(manifest);
        var shapes = Shapes(manifest, operands, dims);
        var key = strategy.Measure(manifest, shapes, operands.Select(o => o.Name).ToArray());
        var grid = strategy.Geometry(manifest, key);
        var buffers = manifest.UsedBuffers.Select(b => PlanBufferLayout.For(b, grid, key.StripLength)).ToArray();
        return new CallPlan(manifest, dims, grid, buffers, model, instructionWords);
    }

    /// <summary>What <c>--shape</c> means for each pattern.</summary>
    public static string ShapeMeaning(NpuPattern pattern) => pattern switch
    {
        NpuPattern.TileMatMul or NpuPattern.WholeArray or NpuPattern.KStripMatMul => "MxKxN (A is M x K, B is K x N)",
        NpuPattern.Gemv => "MxK (A is M x K, b has K values)",
        NpuPattern.Elementwise => "N (elements of every operand)",
        NpuPattern.Rowwise => "ROWSxCOLS",
        NpuPattern.Attention => "QUERIESxKEYSxDIM",
        _ => "(the manifest's pattern)",
    };

    private static CallShapes Shapes(KernelManifest manifest, IReadOnlyList<MethodOperand> operands, IReadOnlyList<int> d)
    {
        int expected = manifest.Pattern switch
        {
            NpuPattern.TileMatMul or NpuPattern.WholeArray or NpuPattern.KStripMatMul or NpuPattern.Attention => 3,
            NpuPattern.Gemv or NpuPattern.Rowwise => 2,
            _ => 1,
        };
        if (d.Count != expected)
            throw new ArgumentException($"a {KernelManifestParser.PatternName(manifest.Pattern)} kernel's shape is {ShapeMeaning(manifest.Pattern)}, not {d.Count} number{(d.Count == 1 ? "" : "s")}");
        var shapes = new CallShapes();
        foreach (var o in operands)
        {
            var (rows, cols) = manifest.Pattern switch
            {
                NpuPattern.TileMatMul or NpuPattern.WholeArray or NpuPattern.KStripMatMul => o.Name switch
                {
                    "a" => (d[0], d[1]),
                    "b" => (d[1], d[2]),
                    _ => (d[0], d[2]),
                },
                NpuPattern.Gemv => o.Name switch { "a" => (d[0], d[1]), "b" => (1, d[1]), _ => (1, d[0]) },
                NpuPattern.Elementwise => (1, d[0]),
                NpuPattern.Rowwise => o.Kind == OperandShapeKind.Matrix ? (d[0], d[1]) : (1, d[1]),
                _ => o.Name is "k" or "v" ? (d[1], d[2]) : (d[0], d[2]),
            };
            shapes.Add(rows, cols);
        }
        return shapes;
    }
}
