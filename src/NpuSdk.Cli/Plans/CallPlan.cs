using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli.Plans;

/// <summary>
/// What a generated call of a kernel does at given shapes, found by doing it: the call's descriptor as the generator
/// writes it, and the runtime's own launch pipeline (<c>NpuLaunch</c>, the stages every generated call runs) over operands of
/// those shapes, on a counting emulator (everything validated, counted and projected, nothing computed) with the
/// profile's latency model. A first call (it opens the context, writes the instructions and builds the plan), a second
/// (the steady state) and a third after the context was evicted give the counts and times; nothing here restates the
/// launch sequence.
/// </summary>
internal sealed class CallPlan
{
    private CallPlan(KernelManifest manifest, IReadOnlyList<int> dims, IReadOnlyList<PlanBufferLayout> buffers, LatencyModel model, Measured measured, int stripLength)
    {
        Manifest = manifest;
        Dims = dims;
        Buffers = buffers;
        Invocations = checked((int)measured.Steady.Runs);
        ChainCommands = model.ChainCommands(Invocations);
        (SyncsToDevice, BytesToDevice) = ((int)measured.Steady.SyncsToDevice, measured.Steady.BytesToDevice);
        (SyncsFromDevice, BytesFromDevice) = ((int)measured.Steady.SyncsFromDevice, measured.Steady.BytesFromDevice);
        Submissions = measured.Steady.Submissions;
        Waits = measured.Steady.Waits;
        SubBuffers = measured.First.SubBuffers;
        AllocatedBytes = buffers.Sum(b => b.Bytes);
        FirstCallSeconds = measured.FirstSeconds;
        CallSeconds = measured.SteadySeconds;
        ReopenedCallSeconds = measured.ReopenedSeconds;

        // The device's share of a call, in the model's terms.
        long macs = KernelWork.MacsPerInvocation(manifest, stripLength);
        ComputeSeconds = Invocations * model.ComputeSeconds(LatencyModel.PrecisionOf(KernelWork.ComputeType(manifest)), macs, manifest.Cores);
        RunSeconds = Invocations * model.PerRun.TotalSeconds;
        CommandSeconds = ChainCommands * model.PerCommandOnDevice.TotalSeconds;
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
    public long Submissions { get; }
    public long Waits { get; }
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
    /// for a matmul, M x K for a GEMV, elements, rows x cols, queries x keys x dim), found by running it.
    /// </summary>
    /// <exception cref="ArgumentException">The dimensions do not fit the pattern or the kernel; the message says why.</exception>
    public static CallPlan Make(KernelManifest manifest, IReadOnlyList<int> dims, LatencyModel model, uint instructionWords)
    {
        var strategy = PatternStrategy.For(manifest.Pattern);
        var operands = strategy.Operands(manifest);
        var shapes = Shapes(manifest, operands, dims);
        // Shapes that do not fit are refused here, naming the operand, before any memory is taken for them.
        var key = strategy.Measure(manifest, shapes, operands.Select(o => o.Name).ToArray());
        var grid = strategy.Geometry(manifest, key);
        var buffers = manifest.UsedBuffers.Select(b => PlanBufferLayout.For(b, grid, key.StripLength)).ToArray();
        var measured = Measured.Run(manifest, operands, shapes, model, instructionWords);
        return new CallPlan(manifest, dims, buffers, model, measured, key.StripLength);
    }

    /// <summary>What the device counted over one call.</summary>
    private readonly record struct Counts(long Runs, long Submissions, long Waits, long SyncsToDevice, long SyncsFromDevice, long BytesToDevice, long BytesFromDevice, long SubBuffers)
    {
        public static Counts Of(DeviceCounters c) => new(c.Runs, c.Submissions, c.Waits, c.SyncsToDevice, c.SyncsFromDevice, c.BytesToDevice, c.BytesFromDevice, c.SubBuffersCreated);

        public static Counts operator -(Counts a, Counts b) => new(a.Runs - b.Runs, a.Submissions - b.Submissions, a.Waits - b.Waits, a.SyncsToDevice - b.SyncsToDevice,
            a.SyncsFromDevice - b.SyncsFromDevice, a.BytesToDevice - b.BytesToDevice, a.BytesFromDevice - b.BytesFromDevice, a.SubBuffers - b.SubBuffers);
    }

    /// <summary>Three calls of the design through the generated call's pipeline on a counting emulator, and what each cost.</summary>
    private sealed record Measured(Counts First, Counts Steady, double FirstSeconds, double SteadySeconds, double ReopenedSeconds)
    {
        private const string XclbinPath = "plan.xclbin", InstructionsPath = "plan.insts.txt";

        public static Measured Run(KernelManifest manifest, IReadOnlyList<MethodOperand> operands, in CallShapes shapes, LatencyModel model, uint instructionWords)
        {
            // The design's xclbin as a real build declares its kernel, and its descriptor as the generator writes it.
            var spec = EmulationXclbin.Spec(manifest) ?? throw new ArgumentException($"kernel '{manifest.Name}' names buffers an xclbin cannot be written for");
            var xclbin = XclbinFile.Read(XclbinWriter.Write(spec), manifest.Name + ".xclbin");
            var descriptor = NpuKernelDescriptor.For($"npu plan {manifest.Name}", xclbin, XclbinPath, manifest, InstructionsPath,
                operands.Select(o => o.KernelType).ToArray(), timeoutMilliseconds: int.MaxValue);
            var files = new KernelFiles();
            files.Add(XclbinPath, xclbin, InstructionsPath, EmulationXclbin.StandInInstructions(checked((int)Math.Max(instructionWords, 1))));

            // The operands, in the kernel's element types (the call's own conversions are the host's, not the device's).
            var data = new byte[operands.Count][];
            var shapesOf = new OperandShape[operands.Count];
            for (int i = 0; i < operands.Count; i++)
            {
                int size = ElementTypes.Size(operands[i].KernelType);
                shapesOf[i] = new OperandShape(shapes.Rows(i), shapes.Cols(i), shapes.Cols(i), size, writable: !operands[i].IsInput);
                data[i] = new byte[checked((long)shapes.Rows(i) * shapes.Cols(i) * size)];
            }
            int scalars = manifest.Scalars.Count(s => s.Value is null);

            using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Latency = model, CountsOnly = true, Profile = NpuDeviceProfile.Npu4 }));
            using var session = new NpuSession(device, files);
            // The projection's own clock, in seconds (ProjectedTime rounds to a tick of 100 ns).
            double Seconds() => (device.Handle as EmulatorDevice)?.Timeline?.Seconds ?? 0;
            void Call()
            {
                var ops = NpuOperands.Create();
                for (int i = 0; i < data.Length; i++) ops = ops.WithRaw(data[i], shapesOf[i]);
                for (int s = 0; s < scalars; s++) ops = ops.WithScalarBits(0);
                NpuLaunch.Invoke(session, descriptor, ops);
            }

            var start = Counts.Of(device.Counters);
            Call();
            double first = Seconds();
            var afterFirst = Counts.Of(device.Counters);
            Call();
            double second = Seconds();
            var steady = Counts.Of(device.Counters) - afterFirst;
            // A call whose context was evicted since the last one (by calls of other xclbins): closed, reopened, then the call.
            device.Contexts.EvictIdleContexts();
            Call();
            double third = Seconds();
            return new Measured(afterFirst - start, steady, first, second - first, third - second);
        }
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
