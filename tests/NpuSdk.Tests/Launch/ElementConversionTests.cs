using System.Runtime.InteropServices;
using NpuSdk.KernelModel;
using NpuSdk.Launch;

namespace NpuSdk.Tests.Launch;

/// <summary>The host's addition of integer partials over K, vectorized, against a scalar loop: every length around the vector widths, wrap-around included.</summary>
public sealed class ElementConversionTests
{
    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 70).Concat([255, 256, 257, 1000, 4096]));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int8_partials_add_into_int32_as_a_scalar_loop_does(int length)
    {
        var rng = new Random(length);
        var partial = Enumerable.Range(0, length).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var start = Enumerable.Range(0, length).Select(i => i % 7 == 0 ? int.MaxValue - rng.Next(100) : rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var expected = start.Zip(partial, (s, p) => unchecked(s + p)).ToArray();
        var sums = (int[])start.Clone();
        ElementConversion.Accumulate(ElementType.Int8, MemoryMarshal.AsBytes(partial.AsSpan()), MemoryMarshal.AsBytes(sums.AsSpan()), length);
        Assert.Equal(expected, sums);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Int16_partials_add_into_int32_as_a_scalar_loop_does(int length)
    {
        var rng = new Random(1000 + length);
        var partial = Enumerable.Range(0, length).Select(_ => (short)rng.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        var start = Enumerable.Range(0, length).Select(i => i % 5 == 0 ? int.MinValue + rng.Next(100) : rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var expected = start.Zip(partial, (s, p) => unchecked(s + p)).ToArray();
        var sums = (int[])start.Clone();
        ElementConversion.Accumulate(ElementType.Int16, MemoryMarshal.AsBytes(partial.AsSpan()), MemoryMarshal.AsBytes(sums.AsSpan()), length);
        Assert.Equal(expected, sums);
    }

    [Fact]
    public void Only_the_counted_values_are_added()
    {
        var partial = Enumerable.Repeat((sbyte)1, 64).ToArray();
        var sums = new int[64];
        ElementConversion.Accumulate(ElementType.Int8, MemoryMarshal.AsBytes(partial.AsSpan()), MemoryMarshal.AsBytes(sums.AsSpan()), 40);
        Assert.Equal(Enumerable.Repeat(1, 40).Concat(Enumerable.Repeat(0, 24)), sums);
    }
}
