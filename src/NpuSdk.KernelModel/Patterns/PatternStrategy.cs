using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>Whether a method passes an operand as a matrix (a 2-D view) or a vector (a span).</summary>
internal enum OperandShapeKind { Matrix, Vector }

/// <summary>One buffer parameter of a kernel method as its pattern sees it, in parameter order.</summary>
internal sealed class MethodOperand
{
    public MethodOperand(string name, bool isInput, OperandShapeKind kind, ElementType kernelType)
    {
        Name = name;
        IsInput = isInput;
        Kind = kind;
        KernelType = kernelType;
    }

    /// <summary>The manifest's operand name.</summary>
    public string Name { get; }
    /// <summary>True for what the kernel reads.</summary>
    public bool IsInput { get; }
    /// <summary>Matrix or vector.</summary>
    public OperandShapeKind Kind { get; }
    /// <summary>The element type of the operand's buffer.</summary>
    public ElementType KernelType { get; }
}

/// <summary>The shapes of one call's operands in parameter order; a vector is one row. Up to <see cref="Capacity"/> operands.</summary>
internal struct CallShapes
{
    public const int Capacity = 8;
    private long _r0, _r1, _r2, _r3, _r4, _r5, _r6, _r7;

    public int Count { get; private set; }

    public void Add(int rows, int cols)
    {
        if (Count == Capacity) throw new InvalidOperationException($"a kernel method has at most {Capacity} buffer operands");
        long packed = ((long)rows << 32) | (uint)cols;
        switch (Count)
        {
            case 0: _r0 = packed; break;
            case 1: _r1 = packed; break;
            case 2: _r2 = packed; break;
            case 3: _r3 = packed; break;
            case 4: _r4 = packed; break;
            case 5: _r5 = packed; break;
            case 6: _r6 = packed; break;
            default: _r7 = packed; break;
        }
        Count++;
    }

    private readonly long Packed(int i) => i switch
    {
        0 => _r0, 1 => _r1, 2 => _r2, 3 => _r3, 4 => _r4, 5 => _r5, 6 => _r6, 7 => _r7,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    public readonly int Rows(int i) => (int)(Packed(i) >> 32);
    public readonly int Cols(int i) => (int)(uint)Packed(i);
    /// <summary>A vector's length (it is one row).</summary>
    public readonly int Length(int i) => Cols(i);
}

/// <summary>What identifies a plan: the block count along each grid axis and the padded strip length (K-strip). Equal keys share a plan.</summary>
internal readonly struct GridKey : IEquatable<GridKey>
{
    public GridKey(int axis0, int axis1 = 1, int axis2 = 1, int stripLength = 0)
    {
        Axis0 = axis0;
        Axis1 = axis1;
        Axis2 = axis2;
        StripLength = stripLength;
    }

    public int Axis0 { get; }
    public int Axis1 { get; }
    public int Axis2 { get; }
    public int StripLength { get; }

    public bool Equals(GridKey other) => Axis0 == other.Axis0 && Axis1 == other.Axis1 && Axis2 == other.Axis2 && StripLength == other.StripLength;
    public override bool Equals(object? obj) => obj is GridKey k && Equals(k);
    public override int GetHashCode() => ((Axis0 * 397 ^ Axis1) * 397 ^ Axis2) * 397 ^ StripLength;
    public override string ToString() => StripLength > 0 ? $"{Axis0}x{Axis1}x{Axis2} K={StripLength}" : $"{Axis0}x{Axis1}x{Axis2}";
}

/// <summary>
/// How one operand is cut into blocks: every block is <see cref="BlockRows"/> x <see cref="BlockCols"/> elements of
/// the operand (row-major in the kernel's buffer, zero-padded past the operand's edge); the block an invocation uses is
/// chosen by the invocation's coordinate on <see cref="RowAxis"/> and <see cref="ColAxis"/> (-1: the operand has one
/// block along that dimension). An output's invocations that differ only on the other axes are partial sums of one block.
/// </summary>
internal sealed class OperandGeometry
{
    public OperandGeometry(MethodOperand operand, int blockRows, int blockCols, int rowAxis, int colAxis, LaunchGeometry grid)
    {
        Operand = operand;
        BlockRows = blockRows;
        BlockCols = blockCols;
        RowAxis = rowAxis;
        ColAxis = colAxis;
        RowBlocks = rowAxis < 0 ? 1 : grid.Extent(rowAxis);
        ColBlocks = colAxis < 0 ? 1 : grid.Extent(colAxis);
    }

    public MethodOperand Operand { get; }
    public int BlockRows { get; }
    public int BlockCols { get; }
    public int RowAxis { get; }
    public int ColAxis { get; }
    public int RowBlocks { get; }
    public int ColBlocks { get; }
    public int DistinctBlocks => RowBlocks * ColBlocks;
    public int BlockElements => BlockRows * BlockCols;
}

/// <summary>The invocation grid of one plan: up to three axes, invocations numbered row-major over them (the last axis fastest).</summary>
internal sealed class LaunchGeometry
{
    private readonly int[] _extents;
    private readonly int[] _strides;

    public LaunchGeometry(GridKey key, int axes)
    {
        Key = key;
        _extents = new[] { key.Axis0, key.Axis1, key.Axis2 }.Take(axes).ToArray();
        _strides = new int[_extents.Length];
        // PatternStrategy.Measure refuses a call past the limit, naming the parameter; a key from anywhere else is a bug.
        if (InvocationsOf(key) > MaxInvocations) throw new InvalidOperationException($"grid {key} has more than {MaxInvocations} invocations");
        int invocations = 1;
        for (int a = _extents.Length - 1; a >= 0; a--)
        {
            _strides[a] = invocations;
            invocations *= _extents[a];
        }
        Invocations = invocations;
    }

    /// <summary>The most invocations one call may make (one run, sub-buffer and run-list entry each).</summary>
    public const int MaxInvocations = 1 << 22;

    /// <summary>The invocations of a key's grid, exactly: three extents of up to 2^31 each would overflow a long.</summary>
    public static decimal InvocationsOf(GridKey key) => (decimal)key.Axis0 * key.Axis1 * key.Axis2;

    public GridKey Key { get; }
    public int Axes => _extents.Length;
    public int Invocations { get; }
    public OperandGeometry[] Operands { get; internal set; } = Array.Empty<OperandGeometry>();

    public int Extent(int axis) => _extents[axis];

    /// <summary>The invocation's coordinate on <paramref name="axis"/>.</summary>
    public int Coordinate(int invocation, int axis) => invocation / _strides[axis] % _extents[axis];

    /// <summary>The block of <paramref name="operand"/> that <paramref name="invocation"/> reads or writes.</summary>
    public int BlockOf(OperandGeometry operand, int invocation)
    {
        int row = operand.RowAxis < 0 ? 0 : Coordinate(invocation, operand.RowAxis);
        int col = operand.ColAxis < 0 ? 0 : Coordinate(invocation, operand.ColAxis);
        return row * operand.ColBlocks + col;
    }

    /// <summary>The block of <paramref name="operand"/> each invocation reads or writes, in invocation order.</summary>
    public int[] BlockTable(OperandGeometry operand)
    {
        var table = new int[Invocations];
        for (int i = 0; i < table.Length; i++) table[i] = BlockOf(operand, i);
        return table;
    }
}

/// <summary>
/// One pattern: what a manifest of it must say, which operands a method passes, how a call's shapes are checked and
/// how it is cut into invocations. The generator checks methods with it, the runtime plans calls with it.
/// </summary>
internal abstract class PatternStrategy
{
    public static PatternStrategy For(NpuPattern pattern) => pattern switch
    {
        NpuPattern.TileMatMul or NpuPattern.WholeArray => MatMulStrategy.Instance,
        NpuPattern.KStripMatMul => KStripStrategy.Instance,
        NpuPattern.Gemv => GemvStrategy.Instance,
        NpuPattern.Elementwise => ElementwiseStrategy.Instance,
        NpuPattern.Rowwise => RowwiseStrategy.Instance,
        NpuPattern.Attention => AttentionStrategy.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "not a pattern a kernel has (FromManifest means: read it from the manifest)"),
    };

    /// <summary>Checks that the manifest has what the pattern needs; called once, by the parser.</summary>
    public abstract void Validate(KernelManifest manifest, ManifestChecks checks);

    /// <summary>The operands a method passes, in parameter order.</summary>
    public abstract IReadOnlyList<MethodOperand> Operands(KernelManifest manifest);

    /// <summary>Checks a call's shapes and returns its plan key.</summary>
    /// <param name="manifest">The kernel's manifest.</param>
    /// <param name="shapes">The operands' shapes in parameter order.</param>
    /// <param name="names">The method's parameter names, in the same order, for messages.</param>
    /// <exception cref="ArgumentException">A shape does not fit; the message and ParamName name the parameter.</exception>
    public abstract GridKey Measure(KernelManifest manifest, in CallShapes shapes, IReadOnlyList<string> names);

    /// <summary>The invocation grid and operand blocks for a key <see cref="Measure"/> returned.</summary>
    public abstract LaunchGeometry Geometry(KernelManifest manifest, GridKey key);

    /// <summary>
    /// What a call does, in words, for the comment above a generated method's descriptor: how its operands are cut into
    /// blocks and runs, what is packed once, and how the outputs are written (for example "512-row blocks of x, one run
    /// each; gamma and beta packed once for every run; y written as float").
    /// </summary>
    /// <param name="manifest">The kernel's manifest.</param>
    /// <param name="names">The method's buffer parameter names, in operand order.</param>
    /// <param name="types">The method's element types, in the same order.</param>
    public abstract string Explain(KernelManifest manifest, IReadOnlyList<string> names, IReadOnlyList<ElementType> types);

    /// <summary>How output <paramref name="i"/> is written: "c written as int32", or with the conversion from the kernel's type.</summary>
    protected string Written(KernelManifest m, IReadOnlyList<string> names, IReadOnlyList<ElementType> types, int i)
    {
        var kernelType = Operands(m)[i].KernelType;
        var methodType = i < types.Count ? types[i] : kernelType;
        string name = Name(names, i), csharp = ElementTypes.CSharpName(methodType);
        if (kernelType == methodType) return $"{name} written as {csharp}";
        string how = ElementTypes.IsFloat(methodType) ? "rounded" : "saturated";
        return $"{name} written as {csharp} ({how} from the kernel's {ElementTypes.ManifestName(kernelType)})";
    }

    /// <summary>The names of operands <paramref name="indices"/>, joined for a sentence.</summary>
    protected static string Join(IReadOnlyList<string> names, IEnumerable<int> indices)
    {
        var list = indices.Select(i => Name(names, i)).ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list.Take(list.Count - 1)) + " and " + list[list.Count - 1];
    }

    /// <summary>"partial blocks of c added over K on the host in int32", or that K is limited to one invocation's.</summary>
    protected static string OverK(KernelManifest m, string output, int limit, string partials) => m.Numeric.HostAccumulator is { } host
        ? $"{partials} of {output} added over K on the host in {ElementTypes.ManifestName(host)}"
        : $"K at most {limit.ToString(CultureInfo.InvariantCulture)} (the rule lets no partial sums be added on the host)";

    protected static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The pattern's dimension, checked by <see cref="Validate"/> to exist.</summary>
    protected static int Dim(KernelManifest m, string key) => m.Tile[key];

    protected static int Blocks(int extent, int block) => (int)(((long)extent + block - 1) / block);

    /// <summary>Checks that the tile has every key.</summary>
    protected static void RequireTile(KernelManifest m, ManifestChecks checks, params string[] keys)
    {
        foreach (var key in keys)
            if (!m.Tile.ContainsKey(key))
                throw checks.At(m.Tile, $"a {KernelManifestParser.PatternName(m.Pattern)} manifest's \"tile\" needs \"{key}\" (it has {string.Join(", ", m.Tile.Keys)})");
    }

    /// <summary>Checks that <paramref name="operand"/> exists with the role and the shape (tile keys) the pattern needs.</summary>
    protected static void RequireOperand(KernelManifest m, ManifestChecks checks, string operand, BufferRole role, params string[] shape)
    {
        var buffer = m.BufferOf(operand);
        string wanted = "[" + string.Join(", ", shape.Select(s => "\"" + s + "\"")) + "]";
        string pattern = KernelManifestParser.PatternName(m.Pattern);
        if (buffer is null)
            throw checks.At(m.Buffers, $"a {pattern} manifest needs an operand \"{operand}\" ({(role == BufferRole.Input ? "an input" : "an output")} of shape {wanted}); it has {Names(m)}");
        if (buffer.Role != role)
            throw checks.At(buffer, $"operand \"{operand}\" is in a buffer with role {buffer.Role.ToString().ToLowerInvariant()}, but a {pattern} kernel {(role == BufferRole.Input ? "reads" : "writes")} it");
        var part = buffer.Parts.First(p => p.Operand == operand);
        if (!part.Shape.Select(d => d.Name ?? "").SequenceEqual(shape))
            throw checks.At(part, $"operand \"{operand}\" has shape [{string.Join(", ", part.Shape)}]; a {pattern} kernel's \"{operand}\" is {wanted}");
    }

    protected static string Names(KernelManifest m)
    {
        var names = m.Operands.Select(o => "\"" + o.Part.Operand + "\"").ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    protected static MethodOperand Operand(KernelManifest m, string name, OperandShapeKind kind)
    {
        var buffer = m.BufferOf(name)!;
        return new MethodOperand(name, buffer.Role == BufferRole.Input, kind, buffer.ElementType!.Value);
    }

    /// <summary>The operands of the matmul patterns (tile, whole-array, K-strip): matrices a, b and c.</summary>
    protected static IReadOnlyList<MethodOperand> MatMulOperands(KernelManifest m) => new[]
    {
        Operand(m, "a", OperandShapeKind.Matrix), Operand(m, "b", OperandShapeKind.Matrix), Operand(m, "c", OperandShapeKind.Matrix),
    };

    /// <summary>The shape rule of C = A·B, shared by the matmul patterns; messages name the parameter at fault.</summary>
    protected static void CheckMatMul(in CallShapes s, IReadOnlyList<string> names, int a, int b, int c)
    {
        string an = Name(names, a), bn = Name(names, b), cn = Name(names, c);
        if (s.Rows(a) == 0 || s.Cols(a) == 0)
            throw new ArgumentException($"{an} is {s.Rows(a)}x{s.Cols(a)}; a matmul needs at least one row and one column.", an);
        if (s.Cols(b) == 0)
            throw new ArgumentException($"{bn} is {s.Rows(b)}x{s.Cols(b)}; a matmul needs at least one column.", bn);
        if (s.Rows(b) != s.Cols(a))
            throw new ArgumentException($"{bn} is {s.Rows(b)}x{s.Cols(b)} but {an} is {s.Rows(a)}x{s.Cols(a)}: C = A·B needs {bn}.Rows == {an}.Cols ({s.Cols(a)}).", bn);
        if (s.Rows(c) != s.Rows(a) || s.Cols(c) != s.Cols(b))
            throw new ArgumentException($"{cn} is {s.Rows(c)}x{s.Cols(c)} but {an} ({s.Rows(a)}x{s.Cols(a)}) times {bn} ({s.Rows(b)}x{s.Cols(b)}) is {s.Rows(a)}x{s.Cols(b)}: C = A·B needs {cn} to be {an}.Rows x {bn}.Cols.", cn);
    }

    /// <summary>Checks that the method's output of <paramref name="output"/> can be made from the kernel's, with or without partial sums.</summary>
    protected static void RequireConvertibleOutput(KernelManifest m, ManifestChecks checks, string output)
    {
        var buffer = m.BufferOf(output)!;
        var type = buffer.ElementType!.Value;
        if (ElementTypes.IsFloat(type) != ElementTypes.IsFloat(m.Numeric.Accumulator))
            throw checks.At(buffer, $"output \"{output}\" is {ElementTypes.ManifestName(type)}, but the kernel accumulates in {ElementTypes.ManifestName(m.Numeric.Accumulator)}; an integer sum gives an integer output and a float sum a bf16 or float32 one");
    }

    /// <summary>
    /// The key, once its grid is within <see cref="LaunchGeometry.MaxInvocations"/>. Past it, the ArgumentException names
    /// <paramref name="operand"/>, the parameter whose size drives the grid, and its shape.
    /// </summary>
    protected static GridKey WithinLimit(GridKey key, in CallShapes s, IReadOnlyList<string> names, int operand, bool vector = false)
    {
        decimal invocations = LaunchGeometry.InvocationsOf(key);
        if (invocations <= LaunchGeometry.MaxInvocations) return key;
        string size = vector ? $"{s.Length(operand)} elements long" : $"{s.Rows(operand)}x{s.Cols(operand)}";
        throw ShapeError($"{Name(names, operand)} is {size}: the call needs {invocations.ToString(CultureInfo.InvariantCulture)} kernel invocations (grid {key}); " +
            $"one call is limited to LaunchGeometry.MaxInvocations = {LaunchGeometry.MaxInvocations}. Split the call along {Name(names, operand)}.", names, operand);
    }

    protected static ArgumentException ShapeError(string message, IReadOnlyList<string> names, int operand) =>
        new(message, operand < names.Count ? names[operand] : null);

    protected static string Name(IReadOnlyList<string> names, int operand) => operand < names.Count ? names[operand] : $"operand {operand}";

    /// <summary>The exception for a reduction longer than one invocation's when the rule does not let the host add partials.</summary>
    protected static ArgumentException NoHostAccumulation(KernelManifest m, IReadOnlyList<string> names, int operand, string what, int got, int limit) =>
        ShapeError($"{Name(names, operand)} has {what} = {got}, but kernel '{m.Name}' sums {limit} per invocation and its manifest's numeric.hostAccumulator is none, so the partial results cannot be added on the host; use {what} <= {limit} or a design whose rule allows it.", names, operand);
}
