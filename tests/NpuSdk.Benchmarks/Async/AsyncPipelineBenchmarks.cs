using BenchmarkDotNet.Attributes;
using NpuSdk.Emulation;
using NpuSdk.Kernels;

namespace NpuSdk.Benchmarks.Async;

/// <summary>
/// A stream of 1,000 whole-array GEMM calls (IRON's 512x512x512 int16 design, one run per call) on the asynchronous
/// emulator, synchronous against asynchronous with two calls in flight, over spans/memory and over tensors.
/// Device time is modelled by <see cref="EmulatorOptions.RunLatency"/> alone: the reference kernel is replaced by one
/// that computes nothing, so the emulator's worker does not take the 2 cores the host's packing needs and the ratio
/// shows the overlap of packing call n+1 with the device running call n. The latency is set near the host's time to
/// pack and sync one call (about 1 MiB in, 1 MiB out), as the target states: "packing and device time comparable".
/// </summary>
[MemoryDiagnoser]
[Proof.InProcessShortRun]
public partial class AsyncPipelineBenchmarks
{
    private const string Design = "matmul_whole_array_int16";
    private const int N = 512, Calls = 1000;

    private Device _device = null!;
    private NpuSession _session = null!;
    private short[] _a = null!, _b = null!;
    private int[] _c0 = null!, _c1 = null!;
    private NpuTensor<short> _ta = null!, _tb = null!;
    private NpuTensor<int> _tc0 = null!, _tc1 = null!;

    /// <summary>Modelled device time per run, in microseconds.</summary>
    [Params(150, 300)]
    public int DeviceMicroseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var registry = new ReferenceKernelRegistry();
        registry.Register(KernelLibrary.EmulationXclbin(Design).Uuid, "MLIR_AIE", new Idle());
        _device = Device.Open(new EmulatorBackend(new EmulatorOptions { Registry = registry, RunLatency = TimeSpan.FromTicks(DeviceMicroseconds * 10L) }));
        _session = new NpuSession(_device);
        var rng = new Random(1);
        _a = Enumerable.Range(0, N * N).Select(_ => (short)rng.Next(-300, 300)).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => (short)rng.Next(-300, 300)).ToArray();
        (_c0, _c1) = (new int[N * N], new int[N * N]);
        (_ta, _tb) = (_session.CreateTensor<short>(N, N), _session.CreateTensor<short>(N, N));
        (_tc0, _tc1) = (_session.CreateTensor<int>(N, N), _session.CreateTensor<int>(N, N));
        _ta.CopyFrom(_a);
        _tb.CopyFrom(_b);
        // First calls build the plans (two of each kind: two calls are in flight at a time).
        Synchronous();
        AsynchronousTwoInFlight().GetAwaiter().GetResult();
        TensorsAsynchronousTwoInFlight().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _device.Dispose();
    }

    [Benchmark(Baseline = true, Description = "1,000 synchronous calls")]
    public void Synchronous()
    {
        for (int i = 0; i < Calls; i++)
            Gemm(_session, new ReadOnlySpan2D<short>(_a, N, N), new ReadOnlySpan2D<short>(_b, N, N), new Span2D<int>(_c0, N, N));
    }

    [Benchmark(Description = "1,000 async calls, two in flight")]
    public async Task AsynchronousTwoInFlight()
    {
        ValueTask previous = default;
        for (int i = 0; i < Calls; i++)
        {
            var c = (i & 1) == 0 ? _c0 : _c1;
            var current = GemmAsync(_session, new ReadOnlyMemory2D<short>(_a, N, N), new ReadOnlyMemory2D<short>(_b, N, N), new Memory2D<int>(c, N, N));
            await previous;
            previous = current;
        }
        await previous;
    }

    [Benchmark(Description = "1,000 synchronous tensor calls")]
    public void TensorsSynchronous()
    {
        for (int i = 0; i < Calls; i++) Gemm(_session, _ta, _tb, _tc0);
    }

    [Benchmark(Description = "1,000 async tensor calls, two in flight")]
    public async Task TensorsAsynchronousTwoInFlight()
    {
        ValueTask previous = default;
        for (int i = 0; i < Calls; i++)
        {
            var current = GemmAsync(_session, _ta, _tb, (i & 1) == 0 ? _tc0 : _tc1);
            await previous;
            previous = current;
        }
        await previous;
    }

    [NpuKernel(Design + ".xclbin")]
    private static partial void Gemm(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);

    /// <summary>A reference that computes nothing: device time is the modelled latency alone.</summary>
    private sealed class Idle : IReferenceKernel
    {
        public long MacsPerInvocation => (long)N * N * N;
        public ComputePrecision Precision => ComputePrecision.Int16;
        public void Execute(in ReferenceInvocation invocation) { }
    }
}
