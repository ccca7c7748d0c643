namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of a tile matmul C = A·B over blocks of TileM x TileK (A), TileK x TileN (B) and TileM x TileN (C):
/// invocation (i, j, k) multiplies block (i, k) of A by block (k, j) of B; the host adds the kernel's partial blocks over k with
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
    private readonly int _tileM, _tileK, _tileN, _mTiles, _kTiles, _nTiles, _outputBuffer;
    private readonly bool _packedInputs;
    private readonly TAcc[] _accumulator;

    internal TileMatMulPlan(LoadedKernel kernel, int m, int k, int n, int tileM, int tileK, int tileN, bool packedInputs)
        : base(kernel, InvocationCount(m, k, n, tileM, tileK, tileN), SlotBytes(tileM, tileK, tileN, packedInputs), packedInputs ? 1 : 2)
    {
        M = m; K = k; N = n;
        (_tileM, _tileK, _tileN) = (tileM, tileK, tileN);
        _mTiles = Blocks(m, tileM); _kTiles = Blocks(k, tileK); _nTiles = Blocks(n, tileN);
        _packedInputs = packedInputs;
        _outputBuffer = packedInputs ? 1 : 2;
        _accumulator = new TAcc[tileM * tileN];
    }

    /// <summary>Rows of A and C.</summary>
    public int M { get; }
    /// <summary>Columns of A, rows of B.</summary>
    public int K { get; }
    /// <summary>Columns of B and C.</summary>
    public int N { get; }

    private static int Blocks(int extent, int tile) => (extent + tile - 1) / tile;

    private static int InvocationCount(int m, int k, int n, int tileM, int tileK, int tileN) =>
        checked(Blocks(m, tileM) * Blocks(k, tileK) * Blocks(n, tileN));

    private static ReadOnlySpan<int> SlotBytes(int tileM, int tileK, int tileN, bool packedInputs)
    {
        int inSize = System.Runtime.CompilerServices.Unsafe.SizeOf<TIn>();
        int aBytes = checked(tileM * tileK * inSize), bBytes = checked(tileK * tileN * inSize);
        int cBytes = checked(tileM * tileN * System.Runtime.CompilerServices.Unsafe.SizeOf<TPart>());
        return packedInputs ? new[] { aBytes + bBytes, cBytes } : new[] { aBytes, bBytes, cBytes };
    }

    private int Invocation(int i, int j, int k) => (i * _nTiles + j) * _kTiles + k;

    // The A block of invocation inv: in the packed layout it leads the invocation's slot, B follows it.
    private Span<TIn> ABlock(int inv)
    {
        int a = _tileM * _tileK, b = _tileK * _tileN;
        return _packedInputs ? Parent<TIn>(0).Slice(inv * (a + b), a) : Parent<TIn>(0).Slice(inv * a, a);
    }

    private Span<TIn> BBlock(int inv)
    {
        int a = _tileM * _tileK, b = _tileK * _tileN;
        return _packedInputs ? Parent<TIn>(0).Slice(inv * (a + b) + a, b) : Parent<TIn>(1).Slice(inv * b, b);
    }

    /// <summary>Writes A's blocks straight into mapped memory: each block once, then copied to every invocation that reads it.</summary>
    public void PackA(ReadOnlySpan2D<TIn> a)
    {
        for (int i = 0; i < _mTiles; i++)
            for (int k = 0; k < _kTiles; k++)
            {
                var first = ABlock(Invocation(i, 0, k));
                TilePacking.PackBlock(a, i * _tileM, k * _tileK, _tileM, _tileK, first);
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
                TilePacking.PackBlock(b, k * _tileK, j * _tileN, _tileK, _tileN, first);
                for (int i = 1; i < _mTiles; i++) first.CopyTo(BBlock(Invocation(i, j, k)));
            }
    }

    /// <summary>Adds the partial blocks over K on the host and writes each C block once, converted.</summary>
    public void Unpack(Span2D<TOut> c)
    {
        int block = _tileM * _tileN;
        var partials = Parent<TPart>(_outputBuffer);
        var acc = _accumulator.AsSpan();
        for (int i = 0; i < _mTiles; i++)
            for (int j = 0; j < _nTiles; j++)
            {
                acc.Clear();
                int first = Invocation(i, j, 0);
                for (int k = 0; k < _kTiles; k++) TRule.Accumulate(partials.Slice((first + k) * block, block), acc);
                int rows = Math.Min(_tileM, M - i * _tileM), cols = Math.Min(_tileN, N - j * _tileN);
                for (int r = 0; r < rows; r++)
                    TRule.Store(acc.Slice(r * _tileN, cols), c.GetRow(i * _tileM + r).Slice(j * _tileN, cols));
            }
    }
}
