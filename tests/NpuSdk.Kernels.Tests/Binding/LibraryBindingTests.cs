using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Launch;

namespace NpuSdk.Kernels.Tests.Binding;

/// <summary>
/// Each bindable kernel of the library through its generated [NpuKernel] method on the emulator, with shapes that
/// need many invocations and ragged edges, against plain scalar C# of the manifest's rule plus the host side
/// (partials added over K, saturated once; padding that must not leak into real outputs).
/// </summary>
public class LibraryBindingTests
{
    private static (Device, NpuSession) Open()
    {
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    public static TheoryData<int> Tiles() => new([16, 32, 64]);

    [Theory]
    [MemberData(nameof(Tiles))]
    public void Int8_tile_kernels_match_the_scalar_rule_with_host_accumulation(int tile)
    {
        const int M = 100, K = 200, N = 70;   // no edge a whole number of tiles
        var rng = new Random(tile);
        var a = Inputs.Int8(rng, M * K);
        var b = Inputs.Int8(rng, K * N);
        var c = new sbyte[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var av = new ReadOnlySpan2D<sbyte>(a, M, K);
            var bv = new ReadOnlySpan2D<sbyte>(b, K, N);
            var cv = new Span2D<sbyte>(c, M, N);
            switch (tile)
            {
                case 16: LibraryKernels.MatMul16(session, av, bv, cv); break;
                case 32: LibraryKernels.MatMul32(session, av, bv, cv); break;
                default: LibraryKernels.MatMul64(session, av, bv, cv); break;
            }
            int tiles(int x) => (x + tile - 1) / tile;
            Assert.Equal(tiles(M) * tiles(K) * tiles(N), device.Counters.Runs);
        }
        Assert.Equal(HostAccumulatedInt8(a, b, M, K, N, tile), c);
    }

    [Fact]
    public void Bf16_tile_kernel_matches_the_scalar_rule_with_float_partials()
    {
        const int M = 70, K = 130, N = 65, T = 64;
        var rng = new Random(5);
        var a = Inputs.BFloat16(rng, M * K);
        var b = Inputs.BFloat16(rng, K * N);
        var c = new float[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
            LibraryKernels.MatMul64Bf16(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(a), M, K),
                                        new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(b), K, N), new Span2D<float>(c, M, N));

        // Per output: each K tile's partial is a fused sum from +0 (the kernel), the partials are added in K-tile order (the host).
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float total = 0f;
                for (int k0 = 0; k0 < K; k0 += T)
                {
                    float part = 0f;
                    for (int t = k0; t < Math.Min(K, k0 + T); t++) part = MathF.FusedMultiplyAdd(Scalar.Wide(a[i * K + t]), Scalar.Wide(b[t * N + j]), part);
                    total += part;
                }
                Assert.Equal(total, c[i * N + j]);
            }
    }

    [Fact]
    public void K_strip_binding_sums_K_on_the_device_exactly()
    {
        const int M = 100, K = 512, N = 130;
        var rng = new Random(7);
        var a = Inputs.Int8(rng, M * K);
        var b = Inputs.Int8(rng, K * N);
        var c = new int[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.MatMulKStrip(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(2 * 3, device.Counters.Runs);   // one invocation per 64x64 output tile
        }
        Assert.Equal(Scalar.MatMulInt32(a, b, M, K, N), c);
    }

    [Fact]
    public void Wide_bf16_binding_adds_float_strips_over_K()
    {
        const int M = 70, K = 1024, N = 600, TK = 512;
        var rng = new Random(8);
        var a = Inputs.BFloat16(rng, M * K);
        var b = Inputs.BFloat16(rng, K * N);
        var c = new float[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
            LibraryKernels.MatMulWide(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(a), M, K),
                                      new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(b), K, N), new Span2D<float>(c, M, N));
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float total = 0f;
                for (int k0 = 0; k0 < K; k0 += TK)
                {
                    float part = 0f;
                    for (int t = k0; t < k0 + TK; t++) part = MathF.FusedMultiplyAdd(Scalar.Wide(a[i * K + t]), Scalar.Wide(b[t * N + j]), part);
                    total += part;
                }
                Assert.Equal(total, c[i * N + j]);
            }
    }

    [Fact]
    public void Layer_norm_binding_matches_the_formula_on_a_ragged_block_of_rows()
    {
        const int Rows = 150, Cols = 512;   // three invocations, the last one padded
        var rng = new Random(9);
        var x = Inputs.BFloat16(rng, Rows * Cols, minExponent: -4, maxExponent: 4);
        var gamma = Inputs.BFloat16(rng, Cols, minExponent: -2, maxExponent: 1);
        var beta = Inputs.BFloat16(rng, Cols, minExponent: -4, maxExponent: 0);
        var y = new BFloat16[Rows * Cols];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(x), Rows, Cols),
                                     MemoryMarshal.Cast<ushort, BFloat16>(gamma), MemoryMarshal.Cast<ushort, BFloat16>(beta), new Span2D<BFloat16>(y, Rows, Cols));
            Assert.Equal(3, device.Counters.Runs);
        }
        var manifest = KernelLibrary.Manifest("layernorm_bf16");
        var xs = Inputs.Doubles(x);
        var exact = new double[Rows * Cols];
        for (int r = 0; r < Rows; r++)
            Scalar.LayerNormExact(xs[(r * Cols)..((r + 1) * Cols)], Inputs.Doubles(gamma), Inputs.Doubles(beta), manifest.Numeric.Epsilon!.Value).CopyTo(exact, r * Cols);
        ToleranceAssert.Within(manifest.Numeric.Tolerance!, exact, MemoryMarshal.Cast<BFloat16, ushort>(y));
    }

    [Fact]
    public void Softmax_binding_matches_the_formula_on_a_ragged_block_of_rows()
    {
        const int Rows = 70, Cols = 1500;
        var rng = new Random(10);
        var x = Inputs.BFloat16(rng, Rows * Cols, minExponent: -6, maxExponent: 3);
        var y = new BFloat16[Rows * Cols];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.Softmax(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(x), Rows, Cols), new Span2D<BFloat16>(y, Rows, Cols));
            Assert.Equal(2, device.Counters.Runs);
        }
        var xs = Inputs.Doubles(x);
        var exact = new double[Rows * Cols];
        for (int r = 0; r < Rows; r++) Scalar.SoftmaxExact(xs[(r * Cols)..((r + 1) * Cols)]).CopyTo(exact, r * Cols);
        ToleranceAssert.Within(KernelLibrary.Manifest("softmax_bf16").Numeric.Tolerance!, exact, MemoryMarshal.Cast<BFloat16, ushort>(y));
    }

    [Fact]
    public void Gelu_binding_matches_the_formula_over_several_chunks()
    {
        const int Length = 32768 * 2 + 1000;
        var rng = new Random(6);
        var x = Inputs.BFloat16WithSpecials(rng, Length, every: 100);
        var y = new BFloat16[Length];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.Gelu(session, MemoryMarshal.Cast<ushort, BFloat16>(x), y);
            Assert.Equal(3, device.Counters.Runs);
        }
        var tolerance = KernelLibrary.Manifest("gelu_bf16").Numeric.Tolerance!;
        ToleranceAssert.Within(tolerance, Inputs.Doubles(x).Select(Scalar.GeluExact).ToArray(), MemoryMarshal.Cast<BFloat16, ushort>(y));
    }

    [Fact]
    public void Bf16_linear_layer_rounds_the_float_sum_to_bf16_once_per_output()
    {
        const int M = 520, K = 512, N = 512;   // two runs, the second padded
        var rng = new Random(11);
        var a = Inputs.BFloat16(rng, M * K, minExponent: -3, maxExponent: 1);
        var b = Inputs.BFloat16(rng, K * N, minExponent: -3, maxExponent: 1);
        var c = new BFloat16[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.Linear512(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(a), M, K),
                new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(b), K, N), new Span2D<BFloat16>(c, M, N));
            Assert.Equal(2, device.Counters.Runs);
        }
        // The rule, from scratch for a sample of outputs: float32 from +0, one fused multiply-add per k ascending, then bf16.
        for (int i = 0; i < M; i += 37)
            for (int j = 0; j < N; j += 29)
            {
                float sum = 0;
                for (int t = 0; t < K; t++) sum = MathF.FusedMultiplyAdd(Bf(a[i * K + t]), Bf(b[t * N + j]), sum);
                Assert.Equal(BFloat16.FromSingle(sum), c[i * N + j]);
            }
    }

    [Fact]
    public void Bf16_add_and_bias_add_round_each_float_sum_to_bf16()
    {
        const int Rows = 70, Cols = 2048;   // bias-add: two runs of 64 rows; add: five chunks of 32768, the last padded
        var rng = new Random(12);
        var x = Inputs.BFloat16(rng, Rows * Cols, minExponent: -6, maxExponent: 6);
        var y = Inputs.BFloat16(rng, Rows * Cols, minExponent: -6, maxExponent: 6);
        var bias = Inputs.BFloat16(rng, Cols, minExponent: -6, maxExponent: 2);
        var sum = new BFloat16[Rows * Cols];
        var biased = new BFloat16[Rows * Cols];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.Add(session, MemoryMarshal.Cast<ushort, BFloat16>(x), MemoryMarshal.Cast<ushort, BFloat16>(y), sum);
            LibraryKernels.BiasAdd2048(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(x), Rows, Cols),
                MemoryMarshal.Cast<ushort, BFloat16>(bias), new Span2D<BFloat16>(biased, Rows, Cols));
            Assert.Equal(5 + 2, device.Counters.Runs);
        }
        for (int i = 0; i < Rows * Cols; i++)
        {
            Assert.Equal(BFloat16.FromSingle(Bf(x[i]) + Bf(y[i])), sum[i]);
            Assert.Equal(BFloat16.FromSingle(Bf(x[i]) + Bf(bias[i % Cols])), biased[i]);
        }
    }

    private static float Bf(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>The original port's host loop: int8 tile partials (kernel rule) added over K in int32, clamped once.</summary>
    private static sbyte[] HostAccumulatedInt8(sbyte[] a, sbyte[] b, int m, int k, int n, int tile)
    {
        var c = new sbyte[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int total = 0;
                for (int k0 = 0; k0 < k; k0 += tile)
                {
                    int sum = 0;
                    for (int t = k0; t < Math.Min(k, k0 + tile); t++) sum += a[i * k + t] * b[t * n + j];
                    total += Math.Clamp(sum >> 7, -128, 127);
                }
                c[i * n + j] = (sbyte)Math.Clamp(total, -128, 127);
            }
        return c;
    }
}
