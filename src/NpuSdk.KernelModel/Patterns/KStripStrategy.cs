using System.Collections.Generic;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>kstrip-matmul</c>: invocation (i, j) reads the m x K' strip i of A and the K' x n strip j of B (K padded with
/// zeros to K', a multiple of <c>tile.kMultiple</c> up to <c>tile.kMax</c>) and returns block (i, j) of C summed on the
/// device. On hardware K' is compiled into the instruction stream, so the stream must be generated for the call's K'.
/// </summary>
internal sealed class KStripStrategy : PatternStrategy
{
    public static readonly KStripStrategy Instance = new();

    private const int A = 0, B = 1, C = 2;

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "m", "n", "kMultiple", "kMax");
        RequireOperand(m, checks, "a", BufferRole.Input, "m", ManifestDimension.StripLength);
        RequireOperand(m, checks, "b", BufferRole.Input, ManifestDimension.StripLength, "n");
        RequireOperand(m, checks, "c", BufferRole.Output, "m", "n");
        RequireConvertibleOutput(m, checks, "c");
        if (Dim(m, "kMax") % Dim(m, "kMultiple") != 0)
            throw checks.At(m.Tile, $"tile.kMax ({Dim(m, "kMax")}) must be a multiple of tile.kMultiple ({Dim(m, "kMultiple")})");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) => MatMulOperands(m);

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types) =>
        $"{N(Dim(m, "m"))}-row strips of {Name(names, A)} and {N(Dim(m, "n"))}-column strips of {Name(names, B)}, K padded with zeros to a multiple of " +
        $"{N(Dim(m, "kMultiple"))} (at most {N(Dim(m, "kMax"))}); one run per {N(Dim(m, "m"))}x{N(Dim(m, "n"))} block of {Name(names, C)}, summed over K on the device; " +
        Written(m, names, types, C);

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        CheckMatMul(s, names, A, B, C);
        int multiple = Dim(m, "kMultiple"), kMax = Dim(m, "kMax");
        long padded = ((long)s.Cols(A) + multiple - 1) / multiple * multiple;
        if (padded > kMax)
            throw ShapeError($"{Name(names, A)} has K = {s.Cols(A)} (padded to {padded}), more than the {kMax} the K-strip kernel '{m.Name}' sums in one invocation.", names, A);
        var key = new GridKey(Blocks(s.Rows(A), Dim(m, "m")), Blocks(s.Cols(B), Dim(m, "n")), 1, (int)padded);
        return WithinLimit(key, s, names, key.Axis0 >= key.Axis1 ? A : B);
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 2);
        var ops = Operands(m);
        int tm = Dim(m, "m"), tn = Dim(m, "n"), k = key.StripLength;
        grid.Operands = new[]
        {
            new OperandGeometry(ops[A], tm, k, rowAxis: 0, colAxis: -1, grid),
            new OperandGeometry(ops[B], k, tn, rowAxis: -1, colAxis: 1, grid),
            new OperandGeometry(ops[C], tm, tn, rowAxis: 0, colAxis: 1, grid),
        };
        return grid;
    }
}
