namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of a K-strip matmul: invocation (i, j) reads the Tile x K' strip i of A and the K' x Tile
/// strip j of B (K padded with zeros to K', a multiple of the kernel's K multiple) and returns the whole
/// block (i, j) of C summed on the device; the host only converts it with <typeparamref name="TRule"/>.
/// </summary>
public sealed class KStripMatMulPlan<TIn, TOut, TRule> : LaunchPlan
    where TIn : unmanaged where TOut : unmanaged
    where TRule : IHostAccumulation<int, int, TOut>
{
    private readonly int _tile, _mTiles, _nTiles, _paddedK;

    internal KStripMatMulPlan(LoadedKernel kernel, int m, int k, int n, int tile, int paddedK)
        : base(kernel, checked(Blocks(m, tile) * Blocks(n, tile)), SlotBytes(tile, paddedK), inputCount: 2)
    {
        M = m; K = k; N = n;
        _tile = tile;
        _paddedK = paddedK;
        _mTiles = Blocks(m, tile);
        _nTiles = Blocks(n, tile);
    }

    /// <summary>Rows of A and C.</summary>
    public int M { get; }
    /// <summary>Columns of A, rows of B.</summary>
    public int K { get; }
    /// <summary>Columns of B and C.</summary>
    public int N { get; }

    private static int Blocks(int extent, int tile) => (extent + tile - 1) / tile;

    private static ReadOnlySpan<int> SlotBytes(int tile, int paddedK)
    {
        int strip = checked(tile * paddedK * System.Runtime.CompilerServices.Unsafe.SizeOf<TIn>());
        return new[] { strip, strip, tile * tile * sizeof(int) };
    }

    private Span<TIn> Strip(int buffer, int invocation)
    {
        int elements = _tile * _paddedK;
        return Parent<TIn>(buffer).Slice(invocation * elements, elements);
    }

    /// <summary>Writes each row strip of A once into mapped memory, then copies it to every invocation that reads it.</summary>
    public void PackA(ReadOnlySpan2D<TIn> a)
    {
        for (int i = 0; i < _mTiles; i++)
        {
            var first = Strip(0, i * _nTiles);
            TilePacking.PackBlock(a, i * _tile, 0, _tile, _paddedK, first);
            for (int j = 1; j < _nTiles; j++) first.CopyTo(Strip(0, i * _nTiles + j));
        }
    }

    /// <summary>Writes each column strip of B once into mapped memory, then copies it to every invocation that reads it.</summary>
    public void PackB(ReadOnlySpan2D<TIn> b)
    {
        for (int j = 0; j < _nTiles; j++)
        {
            var first = Strip(1, j);
            TilePacking.PackBlock(b, 0, j * _tile, _paddedK, _tile, first);
            for (int i = 1; i < _mTiles; i++) first.CopyTo(Strip(1, i * _nTiles + j));
        }
    }

    /// <summary>Converts each device-summed block into C.</summary>
    public void Unpack(Span2D<TOut> c)
    {
        int block = _tile * _tile;
        var sums = Parent<int>(2);
        for (int i = 0; i < _mTiles; i++)
            for (int j = 0; j < _nTiles; j++)
            {
                var tile = sums.Slice((i * _nTiles + j) * block, block);
                int rows = Math.Min(_tile, M - i * _tile), cols = Math.Min(_tile, N - j * _tile);
                for (int r = 0; r < rows; r++)
                    TRule.Store(tile.Slice(r * _tile, cols), c.GetRow(i * _tile + r).Slice(j * _tile, cols));
            }
    }
}
