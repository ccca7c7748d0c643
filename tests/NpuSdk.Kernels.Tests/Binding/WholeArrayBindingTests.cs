using System.Runtime.InteropServices;
using NpuSdk.Emulation;

namespace NpuSdk.Kernels.Tests.Binding;

/// <summary>
/// The library's whole-array designs (IRON's <c>whole_array</c> GEMM shape, 512x512x512 on 4x4 cores) through their
/// generated methods: the design's own shape is one run, and a call larger on every axis is split into whole products
/// whose partials the host adds over K, exactly as the scalar rule says.
/// </summary>
public class WholeArrayBindingTests
{
    private const int S = 512;

    private static (Device, NpuSession) Open()
    {
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    [Fact]
    public void Int8_at_the_designs_shape_is_one_run_and_exact()
    {
        var rng = new Random(21);
        var a = Inputs.Int8(rng, S * S);
        var b = Inputs.Int8(rng, S * S);
        var c = new int[S * S];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.WholeArrayInt8(session, new ReadOnlySpan2D<sbyte>(a, S, S), new ReadOnlySpan2D<sbyte>(b, S, S), new Span2D<int>(c, S, S));
            Assert.Equal(1, device.Counters.Runs);
            Assert.Equal(1, device.Counters.Waits);
        }
        Assert.Equal(Scalar.MatMulInt32(a, b, S, S, S), c);
    }

    [Fact]
    public void Int8_past_the_designs_shape_splits_every_axis_and_adds_K_on_the_host()
    {
        const int M = 530, K = 600, N = 515;   // two whole products along each axis, every edge padded
        var rng = new Random(22);
        var a = Inputs.Int8(rng, M * K);
        var b = Inputs.Int8(rng, K * N);
        var c = new int[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.WholeArrayInt8(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(2 * 2 * 2, device.Counters.Runs);
        }
        Assert.Equal(Scalar.MatMulInt32(a, b, M, K, N), c);
    }

    [Fact]
    public void Int16_sums_in_64_bits_and_saturates_to_int32()
    {
        const int M = 520, K = S, N = 40;   // two row blocks
        var rng = new Random(23);
        // Large enough that some sums pass int32: 512 products of up to 32767^2 each.
        var a = Enumerable.Range(0, M * K).Select(i => (short)(i % 7 == 0 ? rng.Next(-32768, 32768) : 32767)).ToArray();
        var b = Enumerable.Range(0, K * N).Select(i => (short)(i % 5 == 0 ? rng.Next(-32768, 32768) : 32767)).ToArray();
        var c = new int[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.WholeArrayInt16(session, new ReadOnlySpan2D<short>(a, M, K), new ReadOnlySpan2D<short>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(2, device.Counters.Runs);
        }
        bool saturated = false;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                long sum = 0;
                for (int k = 0; k < K; k++) sum += (long)a[i * K + k] * b[k * N + j];
                int expected = (int)Math.Clamp(sum, int.MinValue, int.MaxValue);
                saturated |= expected != sum;
                Assert.Equal(expected, c[i * N + j]);
            }
        Assert.True(saturated, "no sum reached the int32 limit, so saturation went untested");
    }

    [Fact]
    public void Bf16_adds_float32_partials_over_K_in_order()
    {
        const int M = 64, K = 2 * S, N = 520;
        var rng = new Random(24);
        var a = Inputs.BFloat16(rng, M * K);
        var b = Inputs.BFloat16(rng, K * N);
        var c = new float[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            LibraryKernels.WholeArrayBf16(session, new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(a), M, K),
                                          new ReadOnlySpan2D<BFloat16>(MemoryMarshal.Cast<ushort, BFloat16>(b), K, N), new Span2D<float>(c, M, N));
            Assert.Equal(1 * 2 * 2, device.Counters.Runs);
        }
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float total = 0f;
                for (int k0 = 0; k0 < K; k0 += S)
                {
                    float part = 0f;
                    for (int t = k0; t < k0 + S; t++) part = MathF.FusedMultiplyAdd(Scalar.Wide(a[i * K + t]), Scalar.Wide(b[t * N + j]), part);
                    total += part;
                }
                Assert.Equal(total, c[i * N + j]);
            }
    }
}
