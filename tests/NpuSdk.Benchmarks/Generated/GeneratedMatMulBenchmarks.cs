using BenchmarkDotNet.Attributes;
using NpuSdk.Emulation;
using NpuSdk.Generators.Tests.EndToEnd;

namespace NpuSdk.Benchmarks.Generated;

/// <summary>
/// A generated [NpuKernel] int8 matmul on the 16x16 tile kernel against the original port's per-tile loop
/// (write, sync, launch, wait, sync back, read per tile) over the same emulator. Both compute the same
/// reference kernel per tile, so the ratio shows the host-side cost the generated launch plan removes.
/// The K-strip row is the same product on the library's 64x64 K-strip kernel (K summed on the device, int32
/// out): a different numeric rule, shown for what fewer, larger invocations buy.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public partial class GeneratedMatMulBenchmarks
{
    private Device _device = null!;
    private NpuSession _session = null!;
    private PerTileBaseline _baseline = null!;
    private sbyte[] _a = null!, _b = null!, _c = null!;
    private int[] _sums = null!;

    /// <summary>M = K = N.</summary>
    [Params(128, 512)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _device = Device.Open(new EmulatorBackend());
        _session = new NpuSession(_device);
        _baseline = new PerTileBaseline(_device, AppContext.BaseDirectory);
        var rng = new Random(1);
        _a = new sbyte[Size * Size];
        _b = new sbyte[Size * Size];
        _c = new sbyte[Size * Size];
        _sums = new int[Size * Size];
        for (int i = 0; i < _a.Length; i++) { _a[i] = (sbyte)rng.Next(-128, 128); _b[i] = (sbyte)rng.Next(-128, 128); }
        Generated(); // builds the launch plans once, as the first call of an application would
        GeneratedKStrip();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baseline.Dispose();
        _session.Dispose();
        _device.Dispose();
    }

    [Benchmark(Baseline = true, Description = "per-tile (original port)")]
    public void PerTile() => _baseline.MatMul(_a, _b, _c, Size, Size, Size);

    [Benchmark(Description = "generated [NpuKernel]")]
    public void Generated() => MatMul(_session,
        new ReadOnlySpan2D<sbyte>(_a, Size, Size), new ReadOnlySpan2D<sbyte>(_b, Size, Size), new Span2D<sbyte>(_c, Size, Size));

    [Benchmark(Description = "generated, 64x64 K-strip kernel")]
    public void GeneratedKStrip() => MatMulKStrip(_session,
        new ReadOnlySpan2D<sbyte>(_a, Size, Size), new ReadOnlySpan2D<sbyte>(_b, Size, Size), new Span2D<int>(_sums, Size, Size));

    [NpuKernel("matmul_kstrip_64x64_int8.xclbin")]
    private static partial void MatMulKStrip(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
    private static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
}
