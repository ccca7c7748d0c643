using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// <c>elementwise</c>: invocation i maps elements [i·n, (i+1)·n) of every input to the same range of every output
/// (n = <c>tile.elements</c>); the last chunk is zero-padded. A method passes its inputs, then its outputs, each in
/// the manifest's order.
/// </summary>
internal sealed class ElementwiseStrategy : PatternStrategy
{
    public static readonly ElementwiseStrategy Instance = new();

    public override void Validate(KernelManifest m, ManifestChecks checks)
    {
        RequireTile(m, checks, "elements");
        foreach (var (buffer, part) in m.Operands.Where(o => o.Buffer.Role is BufferRole.Input or BufferRole.Output))
            if (part.Shape.Count != 1 || part.Shape[0].Name != "elements")
                throw checks.At(part, $"operand \"{part.Operand}\" has shape [{string.Join(", ", part.Shape)}]; every operand of an elementwise kernel is [\"elements\"]");
        if (!m.Operands.Any(o => o.Buffer.Role == BufferRole.Input)) throw checks.At(m.Buffers, "an elementwise kernel needs at least one input operand");
        if (!m.Operands.Any(o => o.Buffer.Role == BufferRole.Output)) throw checks.At(m.Buffers, "an elementwise kernel needs at least one output operand");
    }

    public override IReadOnlyList<MethodOperand> Operands(KernelManifest m) => InputsThenOutputs(m, _ => OperandShapeKind.Vector);

    internal static IReadOnlyList<MethodOperand> InputsThenOutputs(KernelManifest m, System.Func<ManifestPart, OperandShapeKind> kind) =>
        m.Operands.Where(o => o.Buffer.Role == BufferRole.Input)
            .Concat(m.Operands.Where(o => o.Buffer.Role == BufferRole.Output))
            .Select(o => new MethodOperand(o.Part.Operand, o.Buffer.Role == BufferRole.Input, kind(o.Part), o.Buffer.ElementType!.Value))
            .ToArray();

    public override string Explain(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types)
    {
        var ops = Operands(m);
        var inputs = Enumerable.Range(0, ops.Count).Where(i => ops[i].IsInput);
        var outputs = Enumerable.Range(0, ops.Count).Where(i => !ops[i].IsInput).ToList();
        return $"{N(Dim(m, "elements"))}-element chunks of {Join(names, inputs)}, one run per chunk, the last padded with zeros; " +
            string.Join("; ", outputs.Select(i => Written(m, names, types, i)));
    }

    public override GridKey Measure(KernelManifest m, in CallShapes s, IReadOnlyList<string> names)
    {
        int length = s.Length(0);
        if (length == 0) throw ShapeError($"{Name(names, 0)} is empty; an elementwise kernel needs at least one element.", names, 0);
        for (int i = 1; i < s.Count; i++)
            if (s.Length(i) != length)
                throw ShapeError($"{Name(names, i)} has {s.Length(i)} elements but {Name(names, 0)} has {length}: an elementwise kernel needs every operand of the same length.", names, i);
        return WithinLimit(new GridKey(Blocks(length, Dim(m, "elements"))), s, names, 0, vector: true);
    }

    public override LaunchGeometry Geometry(KernelManifest m, GridKey key)
    {
        var grid = new LaunchGeometry(key, axes: 1);
        int n = Dim(m, "elements");
        grid.Operands = Operands(m).Select(o => new OperandGeometry(o, 1, n, rowAxis: -1, colAxis: 0, grid)).ToArray();
        return grid;
    }
}
