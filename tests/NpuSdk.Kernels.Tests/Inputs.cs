namespace NpuSdk.Kernels.Tests;

/// <summary>Seeded inputs, with the extremes each rule has to survive mixed in.</summary>
internal static class Inputs
{
    public static sbyte[] Int8(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();

    public static sbyte[] Filled(int count, sbyte value) => Enumerable.Repeat(value, count).ToArray();

    /// <summary>bf16 bits of moderate random values: sign, exponent 2^-6..2^5, random 7-bit mantissa.</summary>
    public static ushort[] BFloat16(Random rng, int count, int minExponent = -6, int maxExponent = 5) =>
        Enumerable.Range(0, count).Select(_ => Moderate(rng, minExponent, maxExponent)).ToArray();

    /// <summary>Like <see cref="BFloat16"/> but about one value in <paramref name="every"/> is NaN, ±inf, ±0, a denormal or the largest finite value.</summary>
    public static ushort[] BFloat16WithSpecials(Random rng, int count, int every)
    {
        var values = BFloat16(rng, count);
        for (int i = 0; i < count; i++)
        {
            if (rng.Next(every) != 0) continue;
            values[i] = rng.Next(7) switch
            {
                0 => (ushort)(0x7FC0 | rng.Next(0x40)),                     // quiet NaN, some payload
                1 => 0x7F80,                                                // +inf
                2 => 0xFF80,                                                // -inf
                3 => (ushort)(rng.Next(2) << 15),                           // ±0
                4 => (ushort)((rng.Next(2) << 15) | rng.Next(1, 0x80)),     // denormal
                5 => (ushort)((rng.Next(2) << 15) | 0x7F7F),                // ±max finite
                _ => (ushort)((rng.Next(2) << 15) | (1 << 7) | rng.Next(0x80)), // smallest normals: products underflow
            };
        }
        return values;
    }

    public static double[] Doubles(ReadOnlySpan<ushort> bits)
    {
        var d = new double[bits.Length];
        for (int i = 0; i < d.Length; i++) d[i] = NpuSdk.BFloat16.FromRaw(bits[i]).ToSingle();
        return d;
    }

    private static ushort Moderate(Random rng, int minExponent, int maxExponent)
    {
        int exponent = rng.Next(minExponent, maxExponent + 1) + 127;
        return (ushort)((rng.Next(2) << 15) | (exponent << 7) | rng.Next(0x80));
    }
}
