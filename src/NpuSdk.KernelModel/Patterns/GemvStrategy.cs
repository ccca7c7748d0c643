using System.Collections.Generic;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>gemv</c>: one invocation computes c[m] = A[m x k]·b[k] (IRON's <c>matrix_vector</c>). A call is cut into
/// (i, kb) blocks, kb fastest; splitting K adds partial results on the host and needs <c>numeric.hostAccumulator</c>.
/// </summary>
internal sealed class GemvStrategy : PatternStrategy
{
    public static readonly GemvStrategy Instance = new();

    private const int A = 0, B = 1, C = 2;

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "m", "k");
        RequireOperand(m, checks, "a", BufferRole.Input, "m", "k");
        RequireOperand(m, checks, "b", BufferRole.Input, "k");
        RequireOperand(m, checks, "c", BufferRole.Output, "m");
        RequireConvertibleOutput(m, checks, "c");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) => new[]
    {
        Operand(m, "a", OperandShapeKind.Matrix), Operand(m, "b", OperandShapeKind.Vector), Operand(m, "c", OperandShapeKind.Vector),
    };

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types) =>
        $"{Name(names, A)} in {N(Dim(m, "m"))}x{N(Dim(m, "k"))} blocks and {Name(names, B)} in {N(Dim(m, "k"))}-value pieces, each packed once; one run per block " +
        $"of {Name(names, A)}, the last padded with zeros; {OverK(m, Name(names, C), Dim(m, "k"), "partial results")}; {Written(m, names, types, C)}";

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        string an = Name(names, A), bn = Name(names, B), cn = Name(names, C);
        if (s.Rows(A) == 0 || s.Cols(A) == 0)
            throw ShapeError($"{an} is {s.Rows(A)}x{s.Cols(A)}; a matrix-vector product needs at least one row and one column.", names, A);
        if (s.Length(B) != s.Cols(A))
            throw ShapeError($"{bn} has {s.Length(B)} elements but {an} is {s.Rows(A)}x{s.Cols(A)}: c = A·b needs {bn}.Length == {an}.Cols ({s.Cols(A)}).", names, B);
        if (s.Length(C) != s.Rows(A))
            throw ShapeError($"{cn} has {s.Length(C)} elements but {an} has {s.Rows(A)} rows: c = A·b needs {cn}.Length == {an}.Rows.", names, C);
        int k = s.Cols(A), tileK = Dim(m, "k");
        if (k > tileK && m.Numeric.HostAccumulator is null) throw NoHostAccumulation(m, names, A, "K", k, tileK);
        return WithinLimit(new GridKey(Blocks(s.Rows(A), Dim(m, "m")), Blocks(k, tileK)), s, names, A);
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 2);
        var ops = Operands(m);
        int tm = Dim(m, "m"), tk = Dim(m, "k");
        grid.Operands = new[]
        {
            new OperandGeometry(ops[A], tm, tk, rowAxis: 0, colAxis: 1, grid),
            new OperandGeometry(ops[B], 1, tk, rowAxis: -1, colAxis: 1, grid),
            new OperandGeometry(ops[C], 1, tm, rowAxis: -1, colAxis: 0, grid),
        };
        return grid;
    }
}
