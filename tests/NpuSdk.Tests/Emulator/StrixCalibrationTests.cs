using NpuSdk.Emulation;
using Xunit.Abstractions;
using static NpuSdk.Tests.Emulator.Calibration;

namespace NpuSdk.Tests.Emulator;

/// <summary>
/// Replays each published Strix (npu4) measurement through <see cref="LatencyModel.Strix"/>, as the measured program
/// issued its operations, and fails when a projection leaves ±25% of the published figure. All are C++ host code over
/// XRT (xrt-smi, the driver's examples, IREE's benchmark), so no language binding's overhead is added. The GEMM figure is
/// xrt-smi's own arithmetic from the cores' cycle counters, so it is held against the model's peak rate, not a call's
/// time. docs/performance.md prints this table.
/// </summary>
public sealed class StrixCalibrationTests(ITestOutputHelper output)
{
    private static readonly LatencyModel Model = LatencyModel.Strix;

    /// <summary>Compute cores one Strix partition gives a design: 8 columns of 4.</summary>
    private const int StrixCores = 32;

    internal static IReadOnlyList<Workload> Workloads { get; } =
    [
        new("xrt-smi validate latency: one run, waited on", "amd/IRON#43", 50e-6, 50e-6, m => LoneRuns(m, 1)),
        new("xrt-smi validate throughput, per run (87,380 ops/s)", "amd/IRON#43", 1 / 87_380.0, 1 / 87_380.0, Throughput),
        new("example_noop_test: kernel() + wait(), per iteration", "amd/xdna-driver#513", 65e-6, 65e-6, m => LoneRuns(m, 1000) / 1000),
        new("xrt::hw_context", "amd/Triton-XDNA PR #113", 35e-3, 35e-3, m => Timed(m, t => t.OpenContext())),
        new("xrt::bo of 4 MB", "amd/Triton-XDNA PR #113", 1e-3, 1e-3, m => Timed(m, t => t.Allocate(4 << 20))),
        new("bo.sync of 4 KiB", "amd/xdna-driver PR #1541", 0.6e-6, 0.6e-6, m => Timed(m, t => t.Sync(4 << 10))),
        new("bo.sync of 1 MiB", "amd/xdna-driver PR #1541", 17.1e-6, 17.1e-6, m => Timed(m, t => t.Sync(1 << 20))),
        new("bo.sync of 16 MiB", "amd/xdna-driver PR #1541", 264e-6, 264e-6, m => Timed(m, t => t.Sync(16 << 20))),
        new("xrt-smi validate GEMM, per 10¹² int8 ops at 51.0 TOPS (cycle-counted)", "amd/IRON#43; Xilinx/XRT PR #9061", 1 / 51.0, 1 / 51.0, PeakSecondsPerTeraOp),
        new("single-core int8 512³ GEMM, 100 runs", "nod-ai/iree-amd-aie#1198", 76e-3, 76e-3, m => SingleCoreGemms(m, 100)),
    ];

    public static TheoryData<string> Names() => new(Workloads.Select(w => w.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_published_workload_replays_within_the_tolerance(string name) =>
        AssertWithinTolerance(Workloads.Single(x => x.Name == name), Model, output);

    [Fact]
    public void The_efficiency_is_the_one_fitted_to_the_single_core_GEMM()
    {
        var gemm = Workloads.Single(w => w.Name.StartsWith("single-core int8", StringComparison.Ordinal));
        double Misfit(double efficiency)
        {
            double e = Math.Log(gemm.Replay(Model with { ComputeEfficiency = efficiency }) / gemm.PublishedLow);
            return e * e;
        }
        double fitted = GoldenSection(Misfit, 0.01, 1.0);
        output.WriteLine($"fitted efficiency {fitted:F4}; the model uses {Model.ComputeEfficiency}");
        Assert.Equal(fitted, Model.ComputeEfficiency, 0.005);
    }

    [Fact]
    public void A_lone_run_costs_exactly_the_published_latency_and_a_chain_of_24_the_throughputs_figure()
    {
        Assert.Equal(50e-6, LoneRuns(Model, 1), 1e-12);
        Assert.Equal(Model.PerRunInChain.TotalSeconds, Chain(Model, Model.ChainLengthMeasured) / Model.ChainLengthMeasured, 1e-7);
        Assert.True(Model.PerCommandOnDevice > TimeSpan.Zero);
    }

    [Fact]
    public void Strix_runs_cost_less_than_Phoenixs_and_its_int8_peak_is_five_times_higher()
    {
        Assert.True(Model.PerRunAlone < LatencyModel.Phoenix.PerRunAlone);
        Assert.True(Model.PerContextOpen < LatencyModel.Phoenix.PerContextOpen);
        // The peaks the figures give: 51.0 TOPS measured on Strix's 32 cores against Phoenix's advertised 10 on 16.
        double strix = (Model with { ComputeEfficiency = 1 }).ComputeSeconds(ComputePrecision.Int8, 1L << 30, StrixCores);
        double phoenix = (LatencyModel.Phoenix with { ComputeEfficiency = 1 }).ComputeSeconds(ComputePrecision.Int8, 1L << 30, 16);
        Assert.InRange(phoenix / strix, 5.1 * 0.75, 5.1 * 1.25);
    }

    /// <summary>
    /// xrt-smi's throughput test after Xilinx/XRT PR #8639: two run lists kept in flight so the device never idles; each
    /// list is one chain command of 24 runs. Per run, over 1,000 lists.
    /// </summary>
    private static double Throughput(LatencyModel m)
    {
        const int Lists = 1000, Runs = 24;
        return Timed(m, t =>
        {
            double previous = 0;
            for (int i = 0; i < Lists; i++)
            {
                double done = t.Submit(Runs, 0, chained: true);
                t.Wait(previous);
                previous = done;
            }
            t.Wait(previous);
        }) / (Lists * Runs);
    }

    /// <summary>The seconds 10¹² int8 operations take at the model's peak on all 32 cores (efficiency 1: the cores' cycle count).</summary>
    private static double PeakSecondsPerTeraOp(LatencyModel m) =>
        (m with { ComputeEfficiency = 1 }).ComputeSeconds(ComputePrecision.Int8, 500_000_000_000, StrixCores);

    /// <summary>IREE's benchmark of one single-core int8 512³ dispatch: each run submitted and waited on; the buffers stay on the device.</summary>
    private static double SingleCoreGemms(LatencyModel m, int runs) => Timed(m, t =>
    {
        double compute = m.ComputeSeconds(ComputePrecision.Int8, 512L * 512 * 512, cores: 1);
        for (int i = 0; i < runs; i++) t.Wait(t.Submit(1, compute, chained: false));
    });
}
