namespace NpuSdk.Launch;

/// <summary>Copies between matrices and the row-major blocks a tile kernel reads, padding edge blocks with zeros.</summary>
public static class TilePacking
{
    /// <summary>
    /// Writes the <paramref name="tile"/> x <paramref name="tile"/> block of <paramref name="source"/> whose top-left
    /// element is (<paramref name="row"/>, <paramref name="col"/>) into <paramref name="block"/>, row-major; rows and
    /// columns past the matrix's edge become zeros. Each row is one vectorized copy.
    /// </summary>
    public static void PackBlock<T>(ReadOnlySpan2D<T> source, int row, int col, int tile, Span<T> block)
    {
        if (block.Length < tile * tile) throw new ArgumentException($"A {tile}x{tile} block needs {tile * tile} elements; the destination has {block.Length}.", nameof(block));
        int rows = Math.Clamp(source.Rows - row, 0, tile), cols = Math.Clamp(source.Cols - col, 0, tile);
        for (int r = 0; r < rows; r++)
        {
            var dst = block.Slice(r * tile, tile);
            source.GetRow(row + r).Slice(col, cols).CopyTo(dst);
            dst[cols..].Clear();
        }
        block[(rows * tile)..(tile * tile)].Clear();
    }
}
