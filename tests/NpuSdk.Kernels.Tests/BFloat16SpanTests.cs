using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

public class BFloat16SpanTests
{
    [Fact]
    public void Widen_is_exact_for_every_bf16_pattern()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var wide = new float[bits.Length];
        BFloat16Span.Widen(bits, wide);
        for (int i = 0; i < bits.Length; i++)
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(wide[i]));
    }

    [Fact]
    public void Narrow_rounds_nearest_even_and_keeps_NaN_quiet()
    {
        var rng = new Random(2);
        var floats = new List<float>();
        for (int i = 0; i < 20000; i++) floats.Add(BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32)));
        // Ties (low half exactly 0x8000) with even and odd kept bits, just below and above a tie, signalling NaNs,
        // denormals, the rounding carry into the exponent and into infinity.
        foreach (uint hi in new uint[] { 0x3F80, 0x3F81, 0xBF80, 0xBF81, 0x0000, 0x0001, 0x8001, 0x7F7F, 0xFF7F, 0x007F })
            foreach (uint lo in new uint[] { 0x8000, 0x7FFF, 0x8001, 0xFFFF, 0x0000, 0x0001 })
                floats.Add(BitConverter.UInt32BitsToSingle((hi << 16) | lo));
        floats.AddRange([float.NaN, BitConverter.UInt32BitsToSingle(0x7F80_0001), BitConverter.UInt32BitsToSingle(0xFF80_0001), float.PositiveInfinity, float.NegativeInfinity, -0f]);
        var source = floats.ToArray();
        var narrow = new ushort[source.Length];
        BFloat16Span.Narrow(source, narrow);
        for (int i = 0; i < source.Length; i++)
        {
            uint s = BitConverter.SingleToUInt32Bits(source[i]);
            Assert.Equal(ScalarRound(s), narrow[i]);
        }
    }

    /// <summary>Nearest-even on the bits, written out case by case rather than with the kernel's add-and-shift trick.</summary>
    private static ushort ScalarRound(uint bits)
    {
        uint exponent = (bits >> 23) & 0xFF, mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF && mantissa != 0) return (ushort)((bits >> 16) | 0x40);
        uint kept = bits >> 16, dropped = bits & 0xFFFF;
        bool up = dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1);
        return (ushort)(up ? kept + 1 : kept);
    }
}
