using NpuSdk.Launch;

namespace NpuSdk.Generators.Tests.Launch;

/// <summary>The runtime pieces generated code calls: 2-D views, block packing, host accumulation and conversion.</summary>
public sealed class PackingTests
{
    [Fact]
    public void ViewsRejectShapesTheSpanCannotHold()
    {
        var data = new int[10];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ReadOnlySpan2D<int>(data, 3, 4));
        Assert.Contains("3x4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Span2D<int>(data, 2, 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Span2D<int>(data, -1, 4));
        var view = new ReadOnlySpan2D<int>(data, 2, 4, 6);   // rows at 0 and 6: needs 10 elements
        Assert.Equal(2, view.Rows);
        data[6] = 42;
        Assert.Equal(42, view[1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadOnlySpan2D<int>(data, 2, 4, 6)[0, 4]);
    }

    [Fact]
    public void PackBlockCopiesTheWindowAndZeroesTheRest()
    {
        // A 5x7 matrix with element value 10*row + col; the block at (4, 4) of edge 4 holds one row of three values.
        var m = new int[5 * 7];
        for (int r = 0; r < 5; r++) for (int c = 0; c < 7; c++) m[r * 7 + c] = 10 * r + c + 1;
        var block = Enumerable.Repeat(-1, 16).ToArray();
        TilePacking.PackBlock(new ReadOnlySpan2D<int>(m, 5, 7), 4, 4, 4, block);
        Assert.Equal(new[] { 45, 46, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, block);

        TilePacking.PackBlock(new ReadOnlySpan2D<int>(m, 5, 7), 0, 0, 4, block);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => 10 * (i / 4) + i % 4 + 1), block);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(256)]
    [InlineData(4099)]
    public void Int8AccumulationMatchesScalarSumsAndSaturation(int length)
    {
        var rng = new Random(length);
        var acc = new int[length];
        var expected = new int[length];
        for (int round = 0; round < 5; round++)
        {
            var partial = Enumerable.Range(0, length).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
            Int8PartialsToInt8.Accumulate(partial, acc);
            for (int i = 0; i < length; i++) expected[i] += partial[i];
        }
        Assert.Equal(expected, acc);

        var wide = new int[length];
        Int8PartialsToInt32.Store(acc, wide);
        Assert.Equal(expected, wide);

        // Push values past both int8 limits and check the vectorized clamp against the scalar one.
        for (int i = 0; i < length; i++) acc[i] = (i % 3 - 1) * 1000 + i;
        var narrow = new sbyte[length];
        Int8PartialsToInt8.Store(acc, narrow);
        Assert.Equal(acc.Select(v => (sbyte)Math.Clamp(v, -128, 127)), narrow);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(1001)]
    public void BFloat16AccumulationIsExactFloatAddition(int length)
    {
        var rng = new Random(length);
        var partial = Enumerable.Range(0, length).Select(_ => BFloat16.FromSingle((float)(rng.NextDouble() * 200 - 100))).ToArray();
        var acc = Enumerable.Range(0, length).Select(i => i * 0.5f).ToArray();
        var expected = acc.Zip(partial, (a, p) => a + p.ToSingle()).ToArray();
        BFloat16PartialsToSingle.Accumulate(partial, acc);
        Assert.Equal(expected, acc);

        var rounded = new BFloat16[length];
        BFloat16PartialsToBFloat16.Store(acc, rounded);
        Assert.Equal(expected.Select(BFloat16.FromSingle), rounded);
    }
}
