using NpuSdk.KernelModel;

namespace NpuSdk.Emulation;

/// <summary>
/// What an NPU charges for each thing a host does, so the time a plan would take on hardware can be projected from an
/// emulator run (or, by <c>npu plan</c>, from the plan alone). Deterministic: nothing sleeps.
/// </summary>
/// <remarks>
/// <para>
/// The projection follows two clocks, the host's and the device's. The host pays for each submission, sync, allocation
/// and context open; a submitted command runs on the device once the device is free, paying a fixed cost per command,
/// a cost per run and the runs' compute; a wait that finds its command still running blocks the host until the
/// command completes and then pays <see cref="PerBlockingWait"/> to wake up, while a wait on a completed command costs
/// nothing. So a loop that waits on every run pays the device's whole latency per run, and work the host submits
/// without waiting overlaps with the device.
/// </para>
/// <para>
/// A lone run costs <see cref="PerSubmission"/> + <see cref="PerCommandOnDevice"/> + <see cref="PerRun"/> +
/// <see cref="PerBlockingWait"/> = <see cref="PerRunAlone"/>; a chain of <see cref="ChainLengthMeasured"/> runs in one
/// command costs <see cref="PerRunInChain"/> per run. A run list is submitted as one chain command per
/// <see cref="RunsPerChainCommand"/> runs. Compute is the invocation's multiply-accumulates at the throughput of the
/// cores its design uses (the manifest's <c>cores</c>): cores · MACs per core per cycle (by the multiplied type) ·
/// <see cref="ClockHz"/> · <see cref="ComputeEfficiency"/>.
/// </para>
/// </remarks>
public sealed record LatencyModel
{
    /// <summary>A run submitted on its own, from submission until the waiting host sees it complete.</summary>
    public required TimeSpan PerRunAlone { get; init; }

    /// <summary>Cost per run of a chain of <see cref="ChainLengthMeasured"/> runs submitted as one command and waited on once.</summary>
    public required TimeSpan PerRunInChain { get; init; }

    /// <summary>The chain length <see cref="PerRunInChain"/> was measured at (2 or more).</summary>
    public required int ChainLengthMeasured { get; init; }

    /// <summary>Runs per chain command: a run list of n runs is ⌈n / this⌉ commands.</summary>
    public required int RunsPerChainCommand { get; init; }

    /// <summary>The chain commands a run list of <paramref name="runs"/> runs is submitted as: ⌈runs / <see cref="RunsPerChainCommand"/>⌉.</summary>
    internal int ChainCommands(int runs) => (runs + RunsPerChainCommand - 1) / RunsPerChainCommand;

    /// <summary>The host's share of a command's fixed cost: what a submission costs the submitting thread.</summary>
    public required TimeSpan PerSubmission { get; init; }

    /// <summary>The host's cost of waking from a wait that blocked (a wait on a completed command costs nothing).</summary>
    public required TimeSpan PerBlockingWait { get; init; }

    /// <summary>Fixed cost of one <c>bo.sync</c>, whatever its size.</summary>
    public required TimeSpan PerSync { get; init; }

    /// <summary>Bytes per second a sync moves, on top of <see cref="PerSync"/>.</summary>
    public required double SyncBytesPerSecond { get; init; }

    /// <summary>Fixed cost of allocating one buffer object (sub-buffers cost nothing: they are host-side views).</summary>
    public required TimeSpan PerAllocation { get; init; }

    /// <summary>Bytes per second an allocation pins and maps, on top of <see cref="PerAllocation"/>.</summary>
    public required double AllocationBytesPerSecond { get; init; }

    /// <summary>Opening a hardware context (on Phoenix, device, xclbin and context together), charged at every open: the first and each reopen after an eviction.</summary>
    public required TimeSpan PerContextOpen { get; init; }

    /// <summary>Closing a hardware context (an eviction, or the program releasing it). No figure is published for either generation: both presets charge zero, and count every close.</summary>
    public TimeSpan PerContextClose { get; init; }

    /// <summary>The AIE cores' clock.</summary>
    public required double ClockHz { get; init; }

    /// <summary>int8 (and uint8) multiply-accumulates per core per cycle.</summary>
    public required int Int8MacsPerCycle { get; init; }

    /// <summary>int16 multiply-accumulates per core per cycle.</summary>
    public required int Int16MacsPerCycle { get; init; }

    /// <summary>int32 multiply-accumulates per core per cycle.</summary>
    public required int Int32MacsPerCycle { get; init; }

    /// <summary>bf16 multiply-accumulates per core per cycle.</summary>
    public required int BFloat16MacsPerCycle { get; init; }

    /// <summary>float32 multiply-accumulates per core per cycle.</summary>
    public required int Float32MacsPerCycle { get; init; }

    /// <summary>The fraction of the peak rate a kernel reaches (data movement, loop overhead, pipeline fill).</summary>
    public required double ComputeEfficiency { get; init; }

    /// <summary>The device's cost per run, from the two per-run figures: (n·<see cref="PerRunInChain"/> − <see cref="PerRunAlone"/>) / (n − 1).</summary>
    public TimeSpan PerRun => (ChainLengthMeasured * PerRunInChain - PerRunAlone) / (ChainLengthMeasured - 1);

    /// <summary>The fixed cost of one command, host and device: <see cref="PerRunAlone"/> − <see cref="PerRun"/>.</summary>
    public TimeSpan PerCommand => PerRunAlone - PerRun;

    /// <summary>The device's share of a command's fixed cost: <see cref="PerCommand"/> less the host's submission and wake-up.</summary>
    public TimeSpan PerCommandOnDevice => PerCommand - PerSubmission - PerBlockingWait;

    /// <summary>
    /// Phoenix (Ryzen AI, XDNA1), every figure published (docs/performance.md lists them with what each replays):
    /// <list type="bullet">
    /// <item>56 µs per run submitted alone, 33 µs per run in a chain of 8 (amd/xdna-driver PR #135); so 29.7 µs per run
    /// and 26.3 µs per command. No published figure splits the command's cost between the submitting host, the firmware
    /// and the waking host: the model gives each a third, which moves only plans that overlap host and device.</item>
    /// <item>24 runs per <c>ERT_CMD_CHAIN</c> command (XRT's run list, 2.18 and later).</item>
    /// <item><c>bo.sync</c>: 1 MiB in 11,733 ns ("85 GB/s"), 60 bytes in 60 ns (amd/xdna-driver PR #270); the fixed part is
    /// charged at TimeSpan's resolution, 100 ns.</item>
    /// <item>Buffer allocation: about 99 ms per GB pinned (amd/xdna-driver#1399, measured on Strix; nothing is published
    /// for Phoenix), no fixed part.</item>
    /// <item>About 95 ms to open device, xclbin and context (amd/Triton-XDNA#83).</item>
    /// <item>Per core and cycle: 256 int8, 128 bf16 MACs (the AIE-ML vector unit); AMD AM020 (AIE-ML architecture
    /// manual, summary table: 128 int16, 32 int32 and 42 fp32 operations per tile) gives 64 int16, 16 int32 and 21
    /// float32 MACs.</item>
    /// <item>Clock: 10e12 / (2 · 16 · 256) = 1.22 GHz, the rate at which the 16 cores one partition uses give the
    /// advertised 10 int8 TOPS.</item>
    /// <item>Efficiency 0.35, fitted once to IRON's int16 GEMMs on a Ryzen 7 7840HS (tibrezus/xdna-npu-toolkit,
    /// <c>iron/results/</c>: single core 256³ in 0.82–1.10 ms, whole array 512³ in 1.01 ms); the calibration test
    /// repeats the fit.</item>
    /// </list>
    /// </summary>
    public static LatencyModel Phoenix { get; } = CreatePhoenix();

    private static LatencyModel CreatePhoenix()
    {
        var measured = new LatencyModel
        {
            PerRunAlone = TimeSpan.FromMicroseconds(56),
            PerRunInChain = TimeSpan.FromMicroseconds(33),
            ChainLengthMeasured = 8,
            RunsPerChainCommand = 24,
            // Split below, once the command's fixed cost is known.
            PerSubmission = TimeSpan.Zero,
            PerBlockingWait = TimeSpan.Zero,
            // PR #270's 60 ns, at TimeSpan's 100 ns resolution.
            PerSync = TimeSpan.FromTicks(1),
            SyncBytesPerSecond = 1_048_576 / 11_733e-9,
            PerAllocation = TimeSpan.Zero,
            AllocationBytesPerSecond = 1e9 / 99e-3,
            PerContextOpen = TimeSpan.FromMilliseconds(95),
            ClockHz = 10e12 / (2 * 16 * 256),
            Int8MacsPerCycle = 256,
            Int16MacsPerCycle = 64,
            Int32MacsPerCycle = 16,
            BFloat16MacsPerCycle = 128,
            Float32MacsPerCycle = 21,
            ComputeEfficiency = PhoenixEfficiency,
        };
        // The command's fixed cost (26.3 us), a third each to the submitting host, the device and the waking host.
        var third = measured.PerCommand / 3;
        return measured with { PerSubmission = third, PerBlockingWait = third };
    }

    /// <summary>The Phoenix efficiency, fitted once (see <see cref="Phoenix"/>).</summary>
    internal const double PhoenixEfficiency = 0.35;

    /// <summary>
    /// Strix (Ryzen AI 300, XDNA2; the npu4 family), every figure published (docs/performance.md lists them with what
    /// each replays):
    /// <list type="bullet">
    /// <item>50 µs per run submitted alone and waited on, 87,380 runs per second with the device kept busy by run lists
    /// (<c>xrt-smi validate</c> on Strix under Linux, amd/IRON#43); the throughput is taken as chained runs at XRT's 24
    /// runs per chain command, so 9.7 µs per run and 40.3 µs per command. The command's fixed cost is split in thirds as
    /// on Phoenix.</item>
    /// <item><c>bo.sync</c> on npu4: 4 KiB in 0.6 µs, 1 MiB in 17.1 µs, 16 MiB in 264 µs (amd/xdna-driver PR #1541): 0.5 µs
    /// fixed and 63.7 GB/s, fitted to the 16 MiB and 4 KiB figures.</item>
    /// <item>A 4 MB buffer in 1 ms and <c>xrt::hw_context</c> in 35 ms (amd/Triton-XDNA PR #113, measured on Strix).</item>
    /// <item>Clock 1.81 GHz, the H-clock xrt-smi's GEMM test reports on Strix (Xilinx/XRT PR #8058); 512 int8 MACs per
    /// core per cycle, the rate at which 32 cores at that clock reach xrt-smi's cycle-counted GEMM figure (51.0 TOPS,
    /// amd/IRON#43, Xilinx/XRT PR #9061) with the 14% a tuned kernel leaves. No AMD document gives AIE2P's rates for
    /// the other types: the model doubles AIE-ML's (AM020: 64 int16, 128 bf16, 16 int32, 21 float32) as the int8 rate
    /// doubles, an assumption no published figure tests.</item>
    /// <item>Efficiency 0.20, fitted once to a single-core int8 512³ GEMM run 100 times in 76 ms
    /// (nod-ai/iree-amd-aie#1198); the calibration test repeats the fit.</item>
    /// </list>
    /// </summary>
    public static LatencyModel Strix { get; } = CreateStrix();

    private static LatencyModel CreateStrix()
    {
        var measured = new LatencyModel
        {
            PerRunAlone = TimeSpan.FromMicroseconds(50),
            PerRunInChain = TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / 87_380.0)),
            ChainLengthMeasured = 24,
            RunsPerChainCommand = 24,
            PerSubmission = TimeSpan.Zero,
            PerBlockingWait = TimeSpan.Zero,
            PerSync = TimeSpan.FromTicks(5),
            SyncBytesPerSecond = 16 * 1_048_576 / (264e-6 - 0.5e-6),
            PerAllocation = TimeSpan.Zero,
            AllocationBytesPerSecond = 4 * 1_048_576 / 1e-3,
            PerContextOpen = TimeSpan.FromMilliseconds(35),
            ClockHz = 1.81e9,
            Int8MacsPerCycle = 512,
            Int16MacsPerCycle = 128,
            Int32MacsPerCycle = 32,
            BFloat16MacsPerCycle = 256,
            Float32MacsPerCycle = 42,
            ComputeEfficiency = StrixEfficiency,
        };
        var third = measured.PerCommand / 3;
        return measured with { PerSubmission = third, PerBlockingWait = third };
    }

    /// <summary>The Strix efficiency, fitted once (see <see cref="Strix"/>).</summary>
    internal const double StrixEfficiency = 0.20;

    /// <summary>Multiply-accumulates per cycle of one core for <paramref name="precision"/>.</summary>
    public int MacsPerCycle(ComputePrecision precision) => precision switch
    {
        ComputePrecision.Int8 => Int8MacsPerCycle,
        ComputePrecision.Int16 => Int16MacsPerCycle,
        ComputePrecision.Int32 => Int32MacsPerCycle,
        ComputePrecision.BFloat16 => BFloat16MacsPerCycle,
        _ => Float32MacsPerCycle,
    };

    /// <summary>Seconds <paramref name="macs"/> multiply-accumulates take on <paramref name="cores"/> cores.</summary>
    public double ComputeSeconds(ComputePrecision precision, long macs, int cores) =>
        macs <= 0 ? 0 : macs / (Math.Max(1, cores) * (double)MacsPerCycle(precision) * ClockHz * ComputeEfficiency);

    /// <summary>Seconds one sync of <paramref name="bytes"/> takes.</summary>
    public double SyncSeconds(ulong bytes) => PerSync.TotalSeconds + bytes / SyncBytesPerSecond;

    /// <summary>Seconds allocating one buffer object of <paramref name="bytes"/> takes.</summary>
    public double AllocationSeconds(ulong bytes) => PerAllocation.TotalSeconds + bytes / AllocationBytesPerSecond;

    /// <summary>The precision a kernel multiplies in, from the element type of its inputs.</summary>
    internal static ComputePrecision PrecisionOf(ElementType input) => input switch
    {
        ElementType.Int8 or ElementType.UInt8 => ComputePrecision.Int8,
        ElementType.Int16 => ComputePrecision.Int16,
        ElementType.Int32 => ComputePrecision.Int32,
        ElementType.BFloat16 => ComputePrecision.BFloat16,
        _ => ComputePrecision.Float32,
    };
}
