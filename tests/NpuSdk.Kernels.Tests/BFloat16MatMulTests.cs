using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

public class BFloat16MatMulTests
{
    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (var path in Enum.GetValues<FloatPath>())
            if (BFloat16MatMul.IsSupported(path)) data.Add(path.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Tiles_match_the_scalar_fused_rule_bit_for_bit(string path)
    {
        var p = Enum.Parse<FloatPath>(path);
        var rng = new Random(16);
        foreach (var (m, k, n) in new[] { (64, 64, 64), (64, 512, 512), (3, 5, 70) })
        {
            var a = Inputs.BFloat16(rng, m * k);
            var b = Inputs.BFloat16(rng, k * n);
            var c = new float[m * n];
            BFloat16MatMul.Multiply(a, b, c, m, k, n, p);
            AssertSameBits(Scalar.MatMulBFloat16(a, b, m, k, n), c);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NaN_infinities_denormals_and_underflowing_products_follow_the_rule(string path)
    {
        var p = Enum.Parse<FloatPath>(path);
        var rng = new Random(99);
        var a = Inputs.BFloat16WithSpecials(rng, 64 * 64, every: 40);
        var b = Inputs.BFloat16WithSpecials(rng, 64 * 64, every: 40);
        var c = new float[64 * 64];
        BFloat16MatMul.Multiply(a, b, c, 64, 64, 64, p);
        var expected = Scalar.MatMulBFloat16(a, b, 64, 64, 64);
        AssertSameBits(expected, c);
        Assert.Contains(expected, float.IsNaN);   // the specials reached the outputs
        Assert.Contains(expected, float.IsInfinity);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Products_of_denormals_keep_their_fused_rounding(string path)
    {
        var p = Enum.Parse<FloatPath>(path);
        // 2^-126 x 2^-20 underflows: unfused it rounds to a float32 denormal before the add; fused it does not.
        var a = new ushort[64 * 64];
        var b = new ushort[64 * 64];
        for (int i = 0; i < a.Length; i++) { a[i] = 0x0080; b[i] = (ushort)(0x3580 | (i & 0x7F)); }
        var c = new float[64 * 64];
        BFloat16MatMul.Multiply(a, b, c, 64, 64, 64, p);
        AssertSameBits(Scalar.MatMulBFloat16(a, b, 64, 64, 64), c);
    }

    private static void AssertSameBits(float[] expected, float[] got)
    {
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(got[i]) : BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(got[i]);
            Assert.True(same, $"element {i}: expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):x8}), got {got[i]:R} (0x{BitConverter.SingleToUInt32Bits(got[i]):x8})");
        }
    }
}
