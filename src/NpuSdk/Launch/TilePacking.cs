namespace NpuSdk.Launch;

/// <summary>Copies between matrices and the row-major blocks a tile kernel reads, padding edge blocks with zeros.</summary>
public static class TilePacking
{
    /// <summary>
    /// Writes the <paramref name="tile"/> x <paramref name="tile"/> block of <paramref name="source"/> whose top-left
    /// element is (<paramref name="row"/>, <paramref name="col"/>) into <paramref name="block"/>, row-major; rows and
    /// columns past the matrix's edge become zeros. Each row is one vectorized copy.
    /// </summary>
    public static void PackBlock<T>(ReadOnlySpan2D<T> source, int row, int col, int tile, Span<T> block) =>
        PackBlock(source, row, col, tile, tile, block);

    /// <summary>
    /// Writes the <paramref name="height"/> x <paramref name="width"/> block of <paramref name="source"/> at
    /// (<paramref name="row"/>, <paramref name="col"/>) into <paramref name="block"/>, row-major, zero-padding past the matrix's edge.
    /// </summary>
    public static void PackBlock<T>(ReadOnlySpan2D<T> source, int row, int col, int height, int width, Span<T> block)
    {
        if (block.Length < height * width) throw new ArgumentException($"A {height}x{width} block needs {height * width} elements; the destination has {block.Length}.", nameof(block));
        int rows = Math.Clamp(source.Rows - row, 0, height), cols = Math.Clamp(source.Cols - col, 0, width);
        for (int r = 0; r < rows; r++)
        {
            var dst = block.Slice(r * width, width);
            source.GetRow(row + r).Slice(col, cols).CopyTo(dst);
            dst[cols..].Clear();
        }
        block[(rows * width)..(height * width)].Clear();
    }
}
