using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>rowwise</c>: invocation i processes rows [i·r, (i+1)·r) of every matrix operand ([rows, cols]; the last block is
/// padded with zero rows) and reads every per-column vector input ([cols], such as a layer norm's gamma and beta)
/// whole; a vector is packed once and shared by every invocation. Rows are exactly <c>tile.cols</c> wide: a padded
/// column would change a row's mean or softmax.
/// </summary>
internal sealed class RowwiseStrategy : PatternStrategy
{
    public static readonly RowwiseStrategy Instance = new();

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "rows", "cols");
        foreach (var (buffer, part) in m.Operands.Where(o => o.Buffer.Role is BufferRole.Input or BufferRole.Output))
        {
            bool matrix = part.Shape.Count == 2 && part.Shape[0].Name == "rows" && part.Shape[1].Name == "cols";
            bool vector = part.Shape.Count == 1 && part.Shape[0].Name == "cols";
            if (!matrix && !(vector && buffer.Role == BufferRole.Input))
                throw checks.At(part, $"operand \"{part.Operand}\" has shape [{string.Join(", ", part.Shape)}]; a rowwise kernel's operands are [\"rows\", \"cols\"] matrices or [\"cols\"] input vectors");
        }
        if (!m.Operands.Any(o => o.Buffer.Role == BufferRole.Input && o.Part.Shape.Count == 2)) throw checks.At(m.Buffers, "a rowwise kernel needs at least one matrix input");
        if (!m.Operands.Any(o => o.Buffer.Role == BufferRole.Output)) throw checks.At(m.Buffers, "a rowwise kernel needs at least one output");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) =>
        ElementwiseStrategy.InputsThenOutputs(m, part => part.Shape.Count == 2 ? OperandShapeKind.Matrix : OperandShapeKind.Vector);

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types)
    {
        var ops = Operands(m);
        var matrices = Enumerable.Range(0, ops.Count).Where(i => ops[i].IsInput && ops[i].Kind == OperandShapeKind.Matrix);
        var vectors = Enumerable.Range(0, ops.Count).Where(i => ops[i].IsInput && ops[i].Kind == OperandShapeKind.Vector).ToList();
        var outputs = Enumerable.Range(0, ops.Count).Where(i => !ops[i].IsInput);
        return $"{N(Dim(m, "rows"))}-row blocks of {Join(names, matrices)} ({N(Dim(m, "cols"))} columns wide), one run per block, the last padded with zero rows; " +
            (vectors.Count == 0 ? "" : $"{Join(names, vectors)} packed once for every run; ") + string.Join("; ", outputs.Select(i => Written(m, names, types, i)));
    }

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        // Runs on every call: the operands' kinds are read off the manifest without building Operands(m).
        int vectors = VectorOperands(m, out int count);
        int cols = Dim(m, "cols");
        int first = -1;
        for (int i = 0; i < count && first < 0; i++) if ((vectors & (1 << i)) == 0) first = i;
        int rows = s.Rows(first);
        if (rows == 0) throw ShapeError($"{Name(names, first)} has no rows; a rowwise kernel needs at least one.", names, first);
        for (int i = 0; i < count; i++)
        {
            if ((vectors & (1 << i)) != 0)
            {
                if (s.Length(i) != cols)
                    throw ShapeError($"{Name(names, i)} has {s.Length(i)} values, but the rowwise kernel takes one per column ({cols}).", names, i);
                continue;
            }
            if (s.Cols(i) != cols)
                throw ShapeError($"{Name(names, i)} is {s.Rows(i)}x{s.Cols(i)}, but the rowwise kernel processes rows of exactly {cols} values.", names, i);
            if (s.Rows(i) != rows)
                throw ShapeError($"{Name(names, i)} has {s.Rows(i)} rows but {Name(names, first)} has {rows}: a rowwise kernel maps row r of every operand to row r.", names, i);
        }
        return WithinLimit(new GridKey(Blocks(rows, Dim(m, "rows"))), s, names, first);
    }

    /// <summary>
    /// Bit i set when the method's operand i (in <see cref="Operands"/>' order: inputs, then outputs) is a vector;
    /// <paramref name="count"/> is how many operands there are. Allocates nothing.
    /// </summary>
    private static int VectorOperands(KernelManifest m, out int count)
    {
        int vectors = 0;
        count = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            var role = pass == 0 ? BufferRole.Input : BufferRole.Output;
            for (int b = 0; b < m.Buffers.Count; b++)
            {
                var buffer = m.Buffers[b];
                if (buffer.Role != role) continue;
                for (int p = 0; p < buffer.Parts.Count; p++, count++)
                    if (buffer.Parts[p].Shape.Count != 2 && count < 32) vectors |= 1 << count;
            }
        }
        return vectors;
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 1);
        int rows = Dim(m, "rows"), cols = Dim(m, "cols");
        grid.Operands = Operands(m).Select(o => o.Kind == OperandShapeKind.Matrix
            ? new OperandGeometry(o, rows, cols, rowAxis: 0, colAxis: -1, grid)
            : new OperandGeometry(o, 1, cols, rowAxis: -1, colAxis: -1, grid)).ToArray();
        return grid;
    }
}
