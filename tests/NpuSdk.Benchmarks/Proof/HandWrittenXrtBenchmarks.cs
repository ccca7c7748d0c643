using BenchmarkDotNet.Attributes;
using NpuSdk.Backends.Xrt;
using NpuSdk.Benchmarks.Native;
using NpuSdk.Xclbin;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// A generated call on XRT's no-op device against the same work written by hand in C++ against XRT (memcpy in, one sync
/// per input buffer, every run, the wait, one sync back, the partial sums out), for the original port's 512-cube product
/// on the 16x16 tile kernel (32,768 runs) and on the whole-array design (one run). The no-op device completes runs at
/// once, so the ratio is the host overhead of the generated call over the hand-written one (issue 12's target: at most 1.2).
/// Allocated shows what a steady-state call allocates. In process: the no-op device is set up through this process's
/// environment.
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*HandWrittenXrt*'
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class HandWrittenXrtBenchmarks
{
    private Device _device = null!;
    private NpuSession _session = null!;
    private nint _handWritten;
    private sbyte[] _a = null!, _b = null!;
    private Array _c = null!, _cHand = null!;

    [Params(ProofDesigns.Tile16, ProofDesigns.WholeArray)]
    public string Design { get; set; } = ProofDesigns.Tile16;

    [GlobalSetup]
    public void Setup()
    {
        NoopXrtSetup.PrepareEnvironment();
        _device = Device.Open(XrtBackend.Open());
        _session = new NpuSession(_device);
        (_a, _b) = ProofDesigns.Inputs();
        (_c, _cHand) = (ProofDesigns.Output(Design), ProofDesigns.Output(Design));
        string name = ProofDesigns.Library(Design);
        var instructions = InstructionStream.LoadFile(Path.Combine(AppContext.BaseDirectory, name + ".insts.txt")).ToArray();
        const int S = ProofDesigns.Size;
        _handWritten = Design == ProofDesigns.Tile16
            ? HandWrittenXrt.Open(Path.Combine(AppContext.BaseDirectory, name + ".xclbin"), instructions, 16, 16, 16, packed: true, outSize: 1, S, S, S)
            : HandWrittenXrt.Open(Path.Combine(AppContext.BaseDirectory, name + ".xclbin"), instructions, S, S, S, packed: false, outSize: 4, S, S, S);
        Generated();   // builds the plan once, as an application's first call does
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        HandWrittenXrt.Close(_handWritten);
        _session.Dispose();
        _device.Dispose();
    }

    [Benchmark(Baseline = true, Description = "hand-written C++ over XRT")]
    public void HandWrittenCpp() => HandWrittenXrt.MatMul(_handWritten, _a, _b, _cHand);

    [Benchmark(Description = "generated [NpuKernel] call")]
    public void Generated() => ProofDesigns.Call(_session, Design, _a, _b, _c);
}
