namespace NpuSdk.Emulation;

/// <summary>
/// Charges modelled NPU time for each run, submission, sync byte and multiply-accumulate, so the time a
/// plan would take on hardware can be projected from an emulator run. Deterministic: nothing sleeps.
/// </summary>
public sealed record LatencyModel
{
    /// <summary>Host-to-completion cost of a run submitted on its own.</summary>
    public required TimeSpan PerRunAlone { get; init; }
    /// <summary>Cost of each run submitted in a chain (run list).</summary>
    public required TimeSpan PerRunInChain { get; init; }
    /// <summary>Sync bandwidth in bytes per second.</summary>
    public required double SyncBytesPerSecond { get; init; }
    /// <summary>int8 multiply-accumulates per second of the whole partition.</summary>
    public required double Int8MacsPerSecond { get; init; }
    /// <summary>bf16 multiply-accumulates per second of the whole partition.</summary>
    public required double BFloat16MacsPerSecond { get; init; }
    /// <summary>Cost of creating a hardware context (device, xclbin and context opened together).</summary>
    public required TimeSpan PerContextOpen { get; init; }

    /// <summary>
    /// Phoenix (Ryzen AI, XDNA1), from published figures only:
    /// 56 us per run submitted alone and 33 us per run in a chain of 8 (amd/xdna-driver PR #135);
    /// bo.sync at about 85 GB/s for 1 MiB (amd/xdna-driver PR #270);
    /// 10 TOPS int8 advertised, i.e. 5e12 int8 MAC/s, and bf16 at half the int8 rate (128 vs 256 MACs per core per cycle);
    /// about 95 ms to re-open device, xclbin and context (amd/Triton-XDNA#83).
    /// </summary>
    public static LatencyModel Phoenix { get; } = new()
    {
        PerRunAlone = TimeSpan.FromMicroseconds(56),
        PerRunInChain = TimeSpan.FromMicroseconds(33),
        SyncBytesPerSecond = 85e9,
        Int8MacsPerSecond = 10e12 / 2,
        BFloat16MacsPerSecond = 10e12 / 4,
        PerContextOpen = TimeSpan.FromMilliseconds(95),
    };

    internal double ComputeSeconds(IReferenceKernel kernel, long invocations)
    {
        double rate = kernel.Precision switch
        {
            ComputePrecision.Int8 => Int8MacsPerSecond,
            // AIE-ML cores do a quarter of the int8 multiply-accumulates per cycle in int16, and float32 is emulated at a
            // quarter of the bf16 rate.
            ComputePrecision.Int16 or ComputePrecision.Int32 => Int8MacsPerSecond / 4,
            ComputePrecision.Float32 => BFloat16MacsPerSecond / 4,
            _ => BFloat16MacsPerSecond,
        };
        return kernel.MacsPerInvocation * (double)invocations / rate;
    }

    internal double SyncSeconds(ulong bytes) => bytes / SyncBytesPerSecond;
}
