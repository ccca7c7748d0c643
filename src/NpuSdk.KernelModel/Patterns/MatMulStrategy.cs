using System.Collections.Generic;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>tile-matmul</c> and <c>whole-array</c>: one invocation computes C[m x n] += A[m x k]·B[k x n] at the design's
/// compile-time shapes (a 16x16 tile, or IRON's whole 512x512x512 product). A call is cut into (i, j, kb) blocks,
/// kb fastest, so the partial products of one C block are adjacent invocations the host adds; a call at exactly the
/// design's shapes is one invocation. Splitting K needs the manifest's <c>numeric.hostAccumulator</c>.
/// </summary>
internal sealed class MatMulStrategy : PatternStrategy
{
    public static readonly MatMulStrategy Instance = new();

    private const int A = 0, B = 1, C = 2;

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "m", "k", "n");
        RequireOperand(m, checks, "a", BufferRole.Input, "m", "k");
        RequireOperand(m, checks, "b", BufferRole.Input, "k", "n");
        RequireOperand(m, checks, "c", BufferRole.Output, "m", "n");
        RequireConvertibleOutput(m, checks, "c");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) => MatMulOperands(m);

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types)
    {
        int tm = Dim(m, "m"), tk = Dim(m, "k"), tn = Dim(m, "n");
        string a = Name(names, A), b = Name(names, B), c = Name(names, C);
        if (m.Pattern == NpuPattern.WholeArray)
            return $"{a} ({N(tm)}x{N(tk)}) times {b} ({N(tk)}x{N(tn)}) is one run: a call of exactly {N(tm)}x{N(tk)}x{N(tn)} makes one, larger ones one per " +
                $"{N(tm)}x{N(tn)} block of {c} and {N(tk)}-long slice of K, the last padded with zeros; {OverK(m, c, tk, "partial blocks")}; {Written(m, names, types, C)}";
        return $"{a} in {N(tm)}x{N(tk)} blocks and {b} in {N(tk)}x{N(tn)} blocks, each block packed once; one run per {N(tm)}x{N(tn)} block of {c} and " +
            $"{N(tk)}-long slice of K, the last padded with zeros; {OverK(m, c, tk, "partial blocks")}; {Written(m, names, types, C)}";
    }

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        CheckMatMul(s, names, A, B, C);
        int k = s.Cols(A), tileK = Dim(m, "k");
        if (k > tileK && m.Numeric.HostAccumulator is null) throw NoHostAccumulation(m, names, A, "K", k, tileK);
        var key = new GridKey(Blocks(s.Rows(A), Dim(m, "m")), Blocks(s.Cols(B), Dim(m, "n")), Blocks(k, tileK));
        // A's blocks are M x K of the grid and B's K x N: the one with more drives it.
        return WithinLimit(key, s, names, key.Axis0 >= key.Axis1 ? A : B);
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 3);
        var ops = Operands(m);
        int tm = Dim(m, "m"), tk = Dim(m, "k"), tn = Dim(m, "n");
        grid.Operands = new[]
        {
            new OperandGeometry(ops[A], tm, tk, rowAxis: 0, colAxis: 2, grid),
            new OperandGeometry(ops[B], tk, tn, rowAxis: 2, colAxis: 1, grid),
            new OperandGeometry(ops[C], tm, tn, rowAxis: 0, colAxis: 1, grid),
        };
        return grid;
    }
}
