namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of an attention kernel (data buffers Q, K, V, O): invocation i reads query rows
/// [i·Tile, (i+1)·Tile) of Q (the last block padded with zero rows) and all of K and V, and writes the same rows
/// of O. K and V are shared by every invocation: each has one parent that every run is bound to, so a call
/// packs and syncs them once however many query blocks there are.
/// </summary>
/// <remarks>
/// Padding query rows are zero, so their scores are zero and their outputs the mean of V; they are never copied
/// out. Keys are not padded: a zero key would take part in every real row's softmax, so the call's key count must
/// be the kernel's.
/// </remarks>
public sealed class AttentionPlan<T> : LaunchPlan where T : unmanaged
{
    private const int Query = 0, Key = 1, Value = 2, Output = 3;
    private readonly int _dim, _keys;

    internal AttentionPlan(LoadedKernel kernel, int queries, int queriesPerInvocation, int keys, int dim)
        : base(kernel, checked((queries + queriesPerInvocation - 1) / queriesPerInvocation), SlotBytes(queriesPerInvocation, keys, dim), inputCount: 3, [false, true, true, false])
    {
        Queries = queries;
        _keys = keys;
        _dim = dim;
    }

    /// <summary>Query rows of a call (rows of Q and O).</summary>
    public int Queries { get; }

    private static ReadOnlySpan<int> SlotBytes(int queriesPerInvocation, int keys, int dim)
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int block = checked(queriesPerInvocation * dim * size), whole = checked(keys * dim * size);
        return new[] { block, whole, whole, block };
    }

    /// <summary>Copies the query rows into Q's parent and zeroes the padding rows.</summary>
    public void PackQueries(ReadOnlySpan2D<T> q) => PackRows(Parent<T>(Query), q, Queries);

    /// <summary>Copies the keys into K's one slot, shared by every invocation.</summary>
    public void PackKeys(ReadOnlySpan2D<T> k) => PackRows(Parent<T>(Key), k, _keys);

    /// <summary>Copies the values into V's one slot, shared by every invocation.</summary>
    public void PackValues(ReadOnlySpan2D<T> v) => PackRows(Parent<T>(Value), v, _keys);

    /// <summary>Copies the output rows out of O's parent.</summary>
    public void Unpack(Span2D<T> o)
    {
        var parent = Parent<T>(Output);
        for (int r = 0; r < Queries; r++) parent.Slice(r * _dim, _dim).CopyTo(o.GetRow(r));
    }

    private void PackRows(Span<T> parent, ReadOnlySpan2D<T> source, int rows)
    {
        for (int r = 0; r < rows; r++) source.GetRow(r).CopyTo(parent.Slice(r * _dim, _dim));
        parent[(rows * _dim)..].Clear();
    }
}
