using System.Collections.Generic;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>attention</c>: invocation i computes multi-head attention for query rows [i·q, (i+1)·q) of Q (the last block
/// padded with zero rows) over all <c>tile.keys</c> keys; K and V are packed once and read by every invocation. Keys
/// are never padded: a padding key would take part in the softmax.
/// </summary>
internal sealed class AttentionStrategy : PatternStrategy
{
    public static readonly AttentionStrategy Instance = new();

    private const int Q = 0, K = 1, V = 2, O = 3;

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "queries", "keys", "dim");
        RequireOperand(m, checks, "q", BufferRole.Input, "queries", "dim");
        RequireOperand(m, checks, "k", BufferRole.Input, "keys", "dim");
        RequireOperand(m, checks, "v", BufferRole.Input, "keys", "dim");
        RequireOperand(m, checks, "o", BufferRole.Output, "queries", "dim");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) => new[]
    {
        Operand(m, "q", OperandShapeKind.Matrix), Operand(m, "k", OperandShapeKind.Matrix),
        Operand(m, "v", OperandShapeKind.Matrix), Operand(m, "o", OperandShapeKind.Matrix),
    };

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types) =>
        $"{N(Dim(m, "queries"))}-row blocks of {Name(names, 0)}, one run per block, the last padded with zero rows; {Name(names, 1)} and {Name(names, 2)} " +
        $"({N(Dim(m, "keys"))} keys, {N(Dim(m, "dim"))} wide) packed once for every run; {Written(m, names, types, 3)}";

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        int keys = Dim(m, "keys"), dim = Dim(m, "dim");
        string qn = Name(names, Q), kn = Name(names, K), vn = Name(names, V), on = Name(names, O);
        if (s.Rows(Q) == 0 || s.Cols(Q) == 0)
            throw ShapeError($"{qn} is {s.Rows(Q)}x{s.Cols(Q)}; attention needs at least one query row and one column.", names, Q);
        if (s.Rows(K) == 0) throw ShapeError($"{kn} has no rows; attention needs at least one key.", names, K);
        if (s.Cols(Q) != dim)
            throw ShapeError($"{qn} is {s.Rows(Q)}x{s.Cols(Q)}, but the attention kernel takes rows of exactly {dim} values (all heads side by side).", names, Q);
        if (s.Rows(K) != keys || s.Cols(K) != dim)
            throw ShapeError($"{kn} is {s.Rows(K)}x{s.Cols(K)}, but the attention kernel attends over exactly {keys} keys of {dim} values ({keys}x{dim}); keys cannot be padded, since a padding key would take part in the softmax.", names, K);
        if (s.Rows(V) != keys || s.Cols(V) != dim)
            throw ShapeError($"{vn} is {s.Rows(V)}x{s.Cols(V)}, but the attention kernel needs one value row per key: {keys}x{dim}.", names, V);
        if (s.Rows(O) != s.Rows(Q) || s.Cols(O) != dim)
            throw ShapeError($"{on} is {s.Rows(O)}x{s.Cols(O)} but {qn} is {s.Rows(Q)}x{s.Cols(Q)}: attention writes one output row per query row, {s.Rows(Q)}x{dim}.", names, O);
        return WithinLimit(new GridKey(Blocks(s.Rows(Q), Dim(m, "queries"))), s, names, Q);
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 1);
        var ops = Operands(m);
        int queries = Dim(m, "queries"), keys = Dim(m, "keys"), dim = Dim(m, "dim");
        grid.Operands = new[]
        {
            new OperandGeometry(ops[Q], queries, dim, rowAxis: 0, colAxis: -1, grid),
            new OperandGeometry(ops[K], keys, dim, rowAxis: -1, colAxis: -1, grid),
            new OperandGeometry(ops[V], keys, dim, rowAxis: -1, colAxis: -1, grid),
            new OperandGeometry(ops[O], queries, dim, rowAxis: 0, colAxis: -1, grid),
        };
        return grid;
    }
}
