using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

public class Int8MatMulTests
{
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var path in Enum.GetValues<Int8Path>())
            if (Int8MatMul.IsSupported(path)) data.Add(path.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Tile_kernels_match_the_scalar_rule_on_random_tiles(string path)
    {
        var p = Enum.Parse<Int8Path>(path);
        var rng = new Random(6);
        foreach (int t in new[] { 16, 32, 64 })
        {
            var a = Inputs.Int8(rng, t * t);
            var b = Inputs.Int8(rng, t * t);
            var c = new sbyte[t * t];
            Int8MatMul.MultiplyRequantize(a, b, c, t, t, t, 7, p);
            Assert.Equal(Scalar.MatMulRequantize(a, b, t, t, t, 7), c);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Extremes_saturate_and_the_shift_floors(string path)
    {
        var p = Enum.Parse<Int8Path>(path);
        const int T = 64;
        // -128 x -128 over K = 64: 1,048,576 >> 7 = 8192, saturates to 127; 127 x -128 saturates to -128.
        var c = new sbyte[T * T];
        Int8MatMul.MultiplyRequantize(Inputs.Filled(T * T, -128), Inputs.Filled(T * T, -128), c, T, T, T, 7, p);
        Assert.All(c, v => Assert.Equal(127, v));
        Int8MatMul.MultiplyRequantize(Inputs.Filled(T * T, 127), Inputs.Filled(T * T, -128), c, T, T, T, 7, p);
        Assert.All(c, v => Assert.Equal(-128, v));

        // A sum of -1 floors to -1 under an arithmetic shift (a rounding or truncating shift would give 0).
        var a = new sbyte[T * T];
        var b = new sbyte[T * T];
        a[0] = -1; b[0] = 1;
        Int8MatMul.MultiplyRequantize(a, b, c, T, T, T, 7, p);
        Assert.Equal(-1, c[0]);
        Assert.Equal(0, c[1]);
        Assert.Equal(Scalar.MatMulRequantize(a, b, T, T, T, 7), c);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void K_strip_accumulates_exactly_in_int32(string path)
    {
        var p = Enum.Parse<Int8Path>(path);
        var rng = new Random(64);
        foreach (int k in new[] { 64, 512, 2048 })
        {
            var a = Inputs.Int8(rng, 64 * k);
            var b = Inputs.Int8(rng, k * 64);
            var c = new int[64 * 64];
            Int8MatMul.Multiply(a, b, c, 64, k, 64, p);
            Assert.Equal(Scalar.MatMulInt32(a, b, 64, k, 64), c);
        }
        // The largest magnitude the manifest allows: -128 x -128 over kMax = 2048 = 2^25, no overflow.
        var all = new int[64 * 64];
        Int8MatMul.Multiply(Inputs.Filled(64 * 2048, -128), Inputs.Filled(2048 * 64, -128), all, 64, 2048, 64, p);
        Assert.All(all, v => Assert.Equal(128 * 128 * 2048, v));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Shapes_that_are_not_whole_vectors_fall_back_exactly(string path)
    {
        var p = Enum.Parse<Int8Path>(path);
        var rng = new Random(3);
        var (m, k, n) = (5, 67, 70);
        var a = Inputs.Int8(rng, m * k);
        var b = Inputs.Int8(rng, k * n);
        var c = new int[m * n];
        Int8MatMul.Multiply(a, b, c, m, k, n, p);
        Assert.Equal(Scalar.MatMulInt32(a, b, m, k, n), c);
    }

    [Fact]
    public void Requantize_matches_shift_and_clamp_for_every_shift()
    {
        var rng = new Random(1);
        var sums = Enumerable.Range(0, 100).Select(_ => rng.Next(int.MinValue, int.MaxValue)).Concat([0, -1, 1, int.MinValue, int.MaxValue, 127 << 7, 128 << 7, -129 << 7]).ToArray();
        var got = new sbyte[sums.Length];
        for (int shift = 0; shift < 32; shift++)
        {
            Int8MatMul.Requantize(sums, got, shift);
            Assert.Equal(sums.Select(s => (sbyte)Math.Clamp(s >> shift, -128, 127)).ToArray(), got);
        }
    }

    [Fact]
    public void Short_buffers_are_rejected_with_the_operand_and_size()
    {
        var e = Assert.Throws<ArgumentException>(() => Int8MatMul.Multiply(new sbyte[10], new sbyte[16 * 16], new int[256], 16, 16, 16));
        Assert.Contains("A holds 10", e.Message);
        Assert.Contains("256", e.Message);
    }
}
