namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of a tile matmul C = A·B over Tile x Tile blocks: invocation (i, j, k) multiplies
/// block (i, k) of A by block (k, j) of B; the host adds the kernel's partial blocks over k with
/// <typeparamref name="TRule"/> and converts once at the end. Edge blocks are padded with zeros.
/// </summary>
/// <typeparam name="TIn">Element type of A and B.</typeparam>
/// <typeparam name="TPart">Element type of the kernel's partial C block.</typeparam>
/// <typeparam name="TAcc">The host accumulator (int32 for int8, float for bf16).</typeparam>
/// <typeparam name="TOut">Element type of the method's C.</typeparam>
/// <typeparam name="TRule">How partials are accumulated and converted.</typeparam>
public sealed class TileMatMulPlan<TIn, TPart, TAcc, TOut, TRule> : LaunchPlan
    where TIn : unmanaged where TPart : unmanaged where TAcc : unmanaged where TOut : unmanaged
    where TRule : IHostAccumulation<TPart, TAcc, TOut>
{
    private readonly int _tile, _mTiles, _kTiles, _nTiles, _outputBuffer;
    private readonly bool _packedInputs;
    private readonly TAcc[] _accumulator;

    internal TileMatMulPlan(LoadedKernel kernel, int m, int k, int n, int tile, bool packedInputs)
        : base(kernel, InvocationCount(m, k, n, tile), SlotBytes(tile, packedInputs), packedInputs ? 1 : 2)
    {
        M = m; K = k; N = n;
        _tile = tile;
        _mTiles = Blocks(m, tile); _kTiles = Blocks(k, tile); _nTiles = Blocks(n, tile);
        _packedInputs = packedInputs;
        _outputBuffer = packedInputs ? 1 : 2;
        _accumulator = new TAcc[tile * tile];
    }

    /// <summary>Rows of A and C.</summary>
    public int M { get; }
    /// <summary>Columns of A, rows of B.</summary>
    public int K { get; }
    /// <summary>Columns of B and C.</summary>
    public int N { get; }

    private static int Blocks(int extent, int tile) => (extent + tile - 1) / tile;

    private static int InvocationCount(int m, int k, int n, int tile) => checked(Blocks(m, tile) * Blocks(k, tile) * Blocks(n, tile));

    private static ReadOnlySpan<int> SlotBytes(int tile, bool packedInputs)
    {
        int block = tile * tile;
        int inBytes = block * System.Runtime.CompilerServices.Unsafe.SizeOf<TIn>();
        int outBytes = block * System.Runtime.CompilerServices.Unsafe.SizeOf<TPart>();
        return packedInputs ? new[] { 2 * inBytes, outBytes } : new[] { inBytes, inBytes, outBytes };
    }

    private int Invocation(int i, int j, int k) => (i * _nTiles + j) * _kTiles + k;

    // The A block of invocation inv: in the packed layout it leads the invocation's slot, B follows it.
    private Span<TIn> ABlock(int inv)
    {
        int block = _tile * _tile;
        return _packedInputs ? Parent<TIn>(0).Slice(inv * 2 * block, block) : Parent<TIn>(0).Slice(inv * block, block);
    }

    private Span<TIn> BBlock(int inv)
    {
        int block = _tile * _tile;
        return _packedInputs ? Parent<TIn>(0).Slice(inv * 2 * block + block, block) : Parent<TIn>(1).Slice(inv * block, block);
    }

    /// <summary>Writes A's blocks straight into mapped memory: each block once, then copied to every invocation that reads it.</summary>
    public void PackA(ReadOnlySpan2D<TIn> a)
    {
        for (int i = 0; i < _mTiles; i++)
            for (int k = 0; k < _kTiles; k++)
            {
                var first = ABlock(Invocation(i, 0, k));
                TilePacking.PackBlock(a, i * _tile, k * _tile, _tile, first);
                for (int j = 1; j < _nTiles; j++) first.CopyTo(ABlock(Invocation(i, j, k)));
            }
    }

    /// <summary>Writes B's blocks straight into mapped memory: each block once, then copied to every invocation that reads it.</summary>
    public void PackB(ReadOnlySpan2D<TIn> b)
    {
        for (int k = 0; k < _kTiles; k++)
            for (int j = 0; j < _nTiles; j++)
            {
                var first = BBlock(Invocation(0, j, k));
                TilePacking.PackBlock(b, k * _tile, j * _tile, _tile, first);
                for (int i = 1; i < _mTiles; i++) first.CopyTo(BBlock(Invocation(i, j, k)));
            }
    }

    /// <summary>Adds the partial blocks over K on the host and writes each C block once, converted.</summary>
    public void Unpack(Span2D<TOut> c)
    {
        int block = _tile * _tile;
        var partials = Parent<TPart>(_outputBuffer);
        var acc = _accumulator.AsSpan();
        for (int i = 0; i < _mTiles; i++)
            for (int j = 0; j < _nTiles; j++)
            {
                acc.Clear();
                int first = Invocation(i, j, 0);
                for (int k = 0; k < _kTiles; k++) TRule.Accumulate(partials.Slice((first + k) * block, block), acc);
                int rows = Math.Min(_tile, M - i * _tile), cols = Math.Min(_tile, N - j * _tile);
                for (int r = 0; r < rows; r++)
                    TRule.Store(acc.Slice(r * _tile, cols), c.GetRow(i * _tile + r).Slice(j * _tile, cols));
            }
    }
}
