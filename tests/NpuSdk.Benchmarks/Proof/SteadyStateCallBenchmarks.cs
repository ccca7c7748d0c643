using BenchmarkDotNet.Attributes;
using NpuSdk.Emulation;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// What a steady-state generated call allocates on the emulator (its plan built by an earlier call): issue 12's target is
/// 0 B. HandWrittenXrtBenchmarks shows the same on XRT's no-op device. Time here is mostly the emulator computing the
/// kernels, so only the Allocated column is the point.
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*SteadyStateCall*'
/// </summary>
[MemoryDiagnoser]
[InProcessShortRun]
public class SteadyStateCallBenchmarks
{
    private Device _device = null!;
    private NpuSession _session = null!;
    private sbyte[] _a = null!, _b = null!;
    private Array _c = null!;

    [Params(ProofDesigns.Tile16, ProofDesigns.WholeArray)]
    public string Design { get; set; } = ProofDesigns.Tile16;

    [GlobalSetup]
    public void Setup()
    {
        _device = Device.Open(new EmulatorBackend());
        _session = new NpuSession(_device);
        (_a, _b) = ProofDesigns.Inputs();
        _c = ProofDesigns.Output(Design);
        Generated();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _device.Dispose();
    }

    [Benchmark(Description = "generated call, emulator")]
    public void Generated() => ProofDesigns.Call(_session, Design, _a, _b, _c);
}
