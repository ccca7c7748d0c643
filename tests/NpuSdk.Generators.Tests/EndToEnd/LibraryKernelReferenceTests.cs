using NpuSdk.Emulation;
using NpuSdk.Emulation.Kernels;
using NpuSdk.Kernels.Tests;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Library kernels bound by generated methods, checked against the kernel library's scalar references
/// (<see cref="Scalar"/>: each manifest's rule in plain C#) plus what the host does around the kernel.
/// </summary>
public sealed class LibraryKernelReferenceTests
{
    private static (Device Device, NpuSession Session) Open()
    {
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    private static ManifestTolerance Tolerance(string name) =>
        BuiltInKernels.Manifest(name).Numeric.Tolerance ?? throw new InvalidOperationException($"{name} has no tolerance");

    private static BFloat16[] Values(Random rng, int n, float range) =>
        Enumerable.Range(0, n).Select(_ => BFloat16.FromSingle(((float)rng.NextDouble() * 2 - 1) * range)).ToArray();

    private static ushort[] Raw(BFloat16[] v) => v.Select(e => e.RawValue).ToArray();

    private static double[] Wide(BFloat16[] v) => v.Select(e => (double)e.ToSingle()).ToArray();

    [Fact]
    public void AttentionBlocksQueryRowsAndSharesKeysAndValues()
    {
        var m = BuiltInKernels.Manifest("attention_bf16");
        int block = m.Dimension("queries"), keys = m.Dimension("keys"), heads = m.Dimension("heads"), headDim = m.Dimension("headDim");
        int dim = heads * headDim, queries = block + 36;   // two invocations, the second padded with zero query rows
        var rng = new Random(61);
        var q = Values(rng, queries * dim, 1);
        var k = Values(rng, keys * dim, 1);
        var v = Values(rng, keys * dim, 1);
        k[7 * dim + 2 * headDim] = BFloat16.FromSingle(float.NaN);   // a NaN key in head 2: head 2 of every row is NaN, the others are not
        var exact = Scalar.AttentionExact(Wide(q), Wide(k), Wide(v), queries, keys, heads, headDim, m.Numeric.Scale!.Value);
        // The kernel's own arithmetic over every query row at once: blocking and padding must not change a value.
        var direct = new ushort[queries * dim];
        Attention.Compute(Raw(q), Raw(k), Raw(v), direct, queries, keys, heads, headDim, (float)m.Numeric.Scale!.Value);

        var (device, session) = Open();
        using (device)
        using (session)
        {
            var o = new BFloat16[queries * dim];
            void Call() => GeneratedKernels.Attention(session, new ReadOnlySpan2D<BFloat16>(q, queries, dim), new ReadOnlySpan2D<BFloat16>(k, keys, dim),
                new ReadOnlySpan2D<BFloat16>(v, keys, dim), new Span2D<BFloat16>(o, queries, dim));
            Call();
            ToleranceAssert.Within(Tolerance("attention_bf16"), exact, Raw(o));
            Assert.Equal(direct, Raw(o));
            Assert.True(BFloat16.IsNaN(o[(queries - 1) * dim + 2 * headDim]));
            Assert.False(BFloat16.IsNaN(o[(queries - 1) * dim + 3 * headDim]));

            // A second call on the built plan: one run per query block in one submission; Q, K and V each synced once
            // (K and V are one slot every run reads), O once.
            var counters = device.Counters;
            (long runs, long submissions, long waits, long toDevice, long fromDevice) = (counters.Runs, counters.Submissions, counters.Waits, counters.SyncsToDevice, counters.SyncsFromDevice);
            Array.Clear(o);
            Call();
            Assert.Equal(direct, Raw(o));
            Assert.Equal(2, counters.Runs - runs);
            Assert.Equal(1, counters.Submissions - submissions);
            Assert.Equal(1, counters.Waits - waits);
            Assert.Equal(3, counters.SyncsToDevice - toDevice);
            Assert.Equal(1, counters.SyncsFromDevice - fromDevice);

            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.Attention(session, new ReadOnlySpan2D<BFloat16>(q, queries, dim),
                new ReadOnlySpan2D<BFloat16>(k, keys - 1, dim), new ReadOnlySpan2D<BFloat16>(v, keys, dim), new Span2D<BFloat16>(o, queries, dim)));
            Assert.Equal("k", e.ParamName);
            Assert.Contains($"{keys}x{dim}", e.Message);
        }
    }

    [Fact]
    public void MatMul32Int8AddsRequantizedBlocksOnTheHost()
    {
        var tile = BuiltInKernels.Manifest("matmul_32x32_int8");
        int t = tile.Dimension("m"), shift = tile.Numeric.Shift;
        const int M = 70, K = 100, N = 40;   // 3 x 4 x 2 blocks, every edge padded
        var a = MatMulReference.Random(M * K, seed: 71);
        var b = MatMulReference.Random(K * N, seed: 72);
        a[0] = b[0] = -128;
        // Per block triple: the library's scalar rule on the zero-padded blocks; the host adds the int8 partials in int32, saturates once.
        var sums = new int[M * N];
        for (int i0 = 0; i0 < M; i0 += t)
            for (int j0 = 0; j0 < N; j0 += t)
                for (int k0 = 0; k0 < K; k0 += t)
                {
                    var partial = Scalar.MatMulRequantize(Block(a, K, i0, k0, M, K, t), Block(b, N, k0, j0, K, N, t), t, t, t, shift);
                    for (int i = i0; i < Math.Min(M, i0 + t); i++)
                        for (int j = j0; j < Math.Min(N, j0 + t); j++) sums[i * N + j] += partial[(i - i0) * t + (j - j0)];
                }
        var expected = sums.Select(s => (sbyte)Math.Clamp(s, -128, 127)).ToArray();

        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new sbyte[M * N];
            GeneratedKernels.MatMul32(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
            Assert.Equal(expected, c);
            Assert.Equal(3 * 4 * 2, device.Counters.Runs);
            Assert.Equal(1, device.Counters.Waits);
        }
    }

    [Fact]
    public void RowwiseAndElementwiseKernelsMeetTheirFormulas()
    {
        const int Rows = 100, Cols = 512, SoftCols = 1500, Length = 40_000;   // every call needs a padded last invocation
        var rng = new Random(81);
        var x = Values(rng, Rows * Cols, 3);
        var gamma = Values(rng, Cols, 2);
        var beta = Values(rng, Cols, 1);
        var soft = Values(rng, Rows * SoftCols, 8);
        soft[SoftCols + 5] = BFloat16.FromSingle(float.NegativeInfinity);   // a masked score gives 0, the rest of its row is a softmax
        var g = Values(rng, Length, 6);
        double epsilon = BuiltInKernels.Manifest("layernorm_bf16").Numeric.Epsilon!.Value;

        var (device, session) = Open();
        using (device)
        using (session)
        {
            var y = new BFloat16[Rows * Cols];
            GeneratedKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(x, Rows, Cols), gamma, beta, new Span2D<BFloat16>(y, Rows, Cols));
            var norm = Enumerable.Range(0, Rows).SelectMany(r => Scalar.LayerNormExact(Wide(x[(r * Cols)..((r + 1) * Cols)]), Wide(gamma), Wide(beta), epsilon)).ToArray();
            ToleranceAssert.Within(Tolerance("layernorm_bf16"), norm, Raw(y));

            var ys = new BFloat16[Rows * SoftCols];
            GeneratedKernels.Softmax(session, new ReadOnlySpan2D<BFloat16>(soft, Rows, SoftCols), new Span2D<BFloat16>(ys, Rows, SoftCols));
            var softmax = Enumerable.Range(0, Rows).SelectMany(r => Scalar.SoftmaxExact(Wide(soft[(r * SoftCols)..((r + 1) * SoftCols)]))).ToArray();
            ToleranceAssert.Within(Tolerance("softmax_bf16"), softmax, Raw(ys));
            Assert.Equal(0, ys[SoftCols + 5].ToSingle());

            var gy = new BFloat16[Length];
            GeneratedKernels.Gelu(session, g, gy);
            ToleranceAssert.Within(Tolerance("gelu_bf16"), Wide(g).Select(Scalar.GeluExact).ToArray(), Raw(gy));

            Assert.Equal(2 + 2 + 2, device.Counters.Runs);
            Assert.Equal(3, device.Counters.Waits);
        }
    }

    /// <summary>The t x t block of a row-major rows x cols matrix at (r0, c0), zero past its edges.</summary>
    private static sbyte[] Block(sbyte[] matrix, int stride, int r0, int c0, int rows, int cols, int t)
    {
        var block = new sbyte[t * t];
        for (int r = 0; r < t && r0 + r < rows; r++)
            for (int c = 0; c < t && c0 + c < cols; c++) block[r * t + c] = matrix[(r0 + r) * stride + c0 + c];
        return block;
    }
}
