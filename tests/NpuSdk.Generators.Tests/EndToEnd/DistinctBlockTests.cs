using NpuSdk.Emulation;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Each distinct block of an operand in a buffer of its own is packed and synced once per call, however many runs read
/// it; an operand every run reads the same way (a layer norm's gamma and beta) has one slot.
/// </summary>
public sealed class DistinctBlockTests
{
    [Fact]
    public void A_512_cubed_int8_product_on_the_64x64_tile_moves_each_A_and_B_block_once()
    {
        const int M = 512, K = 512, N = 512, T = 64;
        var a = MatMulReference.Random(M * K, seed: 11);
        var b = MatMulReference.Random(K * N, seed: 12);
        var expected = MatMulReference.Saturated(MatMulReference.HostSums(a, b, M, K, N, tile: T));
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);
        var c = new sbyte[M * N];
        GeneratedKernels.MatMul64(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
        Assert.Equal(expected, c);

        long toDevice = device.Counters.BytesToDevice, fromDevice = device.Counters.BytesFromDevice, runs = device.Counters.Runs;
        Array.Clear(c);
        GeneratedKernels.MatMul64(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
        Assert.Equal(expected, c);
        int invocations = (M / T) * (N / T) * (K / T);
        Assert.Equal(invocations, device.Counters.Runs - runs);
        // The distinct data: A and B once each (a slot per invocation would be 512 runs x (4 KiB + 4 KiB) = 4 MiB).
        Assert.Equal(M * K + K * N, device.Counters.BytesToDevice - toDevice);
        // One partial 64x64 block per invocation comes back, to be added over K on the host.
        Assert.Equal(invocations * T * T, device.Counters.BytesFromDevice - fromDevice);
    }

    [Fact]
    public void A_layer_norm_syncs_gamma_and_beta_once_not_once_per_block_of_rows()
    {
        const int Rows = 1500, Cols = 512, BlockRows = 64;
        var rng = new Random(13);
        BFloat16[] Values(int n) => Enumerable.Range(0, n).Select(_ => BFloat16.FromSingle((float)rng.NextDouble() * 2 - 1)).ToArray();
        var (x, gamma, beta) = (Values(Rows * Cols), Values(Cols), Values(Cols));
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);
        var y = new BFloat16[Rows * Cols];
        GeneratedKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(x, Rows, Cols), gamma, beta, new Span2D<BFloat16>(y, Rows, Cols));
        long toDevice = device.Counters.BytesToDevice;
        var again = new BFloat16[Rows * Cols];
        GeneratedKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(x, Rows, Cols), gamma, beta, new Span2D<BFloat16>(again, Rows, Cols));
        Assert.Equal(y, again);
        int blocks = (Rows + BlockRows - 1) / BlockRows;   // 24, the last one zero-padded
        Assert.Equal(blocks * BlockRows * Cols * 2 + 2 * Cols * 2, device.Counters.BytesToDevice - toDevice);

        // And the rows are normalized with the row's own mean and variance, scaled by gamma and shifted by beta.
        for (int row = 0; row < Rows; row += 499)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < Cols; j++) mean += x[row * Cols + j].ToSingle();
            mean /= Cols;
            for (int j = 0; j < Cols; j++) variance += Math.Pow(x[row * Cols + j].ToSingle() - mean, 2);
            variance /= Cols;
            for (int j = 0; j < Cols; j++)
            {
                double want = (x[row * Cols + j].ToSingle() - mean) / Math.Sqrt(variance + 1e-5) * gamma[j].ToSingle() + beta[j].ToSingle();
                Assert.InRange(y[row * Cols + j].ToSingle(), want - 0.02 - Math.Abs(want) / 128, want + 0.02 + Math.Abs(want) / 128);
            }
        }
    }

    [Fact]
    public void Blocks_of_whole_rows_give_the_same_result_from_a_dense_matrix_and_from_a_strided_view_of_the_same_rows()
    {
        // A dense operand whose blocks are whole rows is packed and unpacked in one copy per block; a strided view of the
        // same values (here columns 512..1023 of 1024-wide rows) must take the row-by-row path and agree with it, the
        // last block of 100 rows partial (64 + 36) in both.
        const int Rows = 100, Cols = 512, Wide = 1024;
        var rng = new Random(17);
        BFloat16[] Values(int n) => Enumerable.Range(0, n).Select(_ => BFloat16.FromSingle((float)rng.NextDouble() * 4 - 2)).ToArray();
        var (wide, gamma, beta) = (Values(Rows * Wide), Values(Cols), Values(Cols));
        var dense = new BFloat16[Rows * Cols];
        for (int r = 0; r < Rows; r++) wide.AsSpan(r * Wide + Cols, Cols).CopyTo(dense.AsSpan(r * Cols, Cols));
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);

        var fromDense = new BFloat16[Rows * Cols];
        GeneratedKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(dense, Rows, Cols), gamma, beta, new Span2D<BFloat16>(fromDense, Rows, Cols));
        var fromStrided = new BFloat16[Rows * Wide];
        GeneratedKernels.LayerNorm(session, new ReadOnlySpan2D<BFloat16>(wide.AsSpan(Cols), Rows, Cols, Wide), gamma, beta,
            new Span2D<BFloat16>(fromStrided.AsSpan(Cols), Rows, Cols, Wide));

        for (int r = 0; r < Rows; r++)
        {
            Assert.Equal(fromDense.AsSpan(r * Cols, Cols).ToArray(), fromStrided.AsSpan(r * Wide + Cols, Cols).ToArray());
            Assert.All(fromStrided.AsSpan(r * Wide, Cols).ToArray(), v => Assert.Equal(0f, v.ToSingle()));   // the other columns untouched
        }
        Assert.DoesNotContain(fromDense, v => float.IsNaN(v.ToSingle()));
        Assert.NotEqual(new BFloat16[Cols], fromDense.AsSpan((Rows - 1) * Cols, Cols).ToArray());   // the partial block's last row was written
    }
}
