using System;
using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.KernelModel;

/// <summary>What a buffer argument is for.</summary>
public enum BufferRole
{
    /// <summary>Read by the kernel; the host packs it and syncs it to the device.</summary>
    Input,
    /// <summary>Written by the kernel; the host syncs it from the device and unpacks it.</summary>
    Output,
    /// <summary>Working memory of the kernel: allocated, bound, never synced.</summary>
    Scratch,
    /// <summary>An argument the design does not use (IRON's <c>bo3</c>, <c>bo4</c>): nothing is bound.</summary>
    Unused,
}

/// <summary>The type of a scalar argument.</summary>
public enum ScalarType
{
    /// <summary><c>int32</c> (C# <c>int</c>).</summary>
    Int32,
    /// <summary><c>uint32</c> (C# <c>uint</c>).</summary>
    UInt32,
    /// <summary><c>int64</c> (C# <c>long</c>).</summary>
    Int64,
    /// <summary><c>uint64</c> (C# <c>ulong</c>).</summary>
    UInt64,
    /// <summary><c>float32</c> (C# <c>float</c>).</summary>
    Float32,
}

/// <summary>How a right shift of an integer sum rounds.</summary>
public enum Rounding
{
    /// <summary><c>none</c>: no shift happens (the shift must be 0).</summary>
    None,
    /// <summary><c>floor</c>: an arithmetic shift, toward negative infinity.</summary>
    Floor,
    /// <summary><c>truncate</c>: toward zero.</summary>
    Truncate,
    /// <summary><c>half-up</c>: to nearest, ties toward positive infinity (add half, then floor).</summary>
    HalfUp,
    /// <summary><c>half-even</c>: to nearest, ties to even.</summary>
    HalfEven,
}

/// <summary>How a float product enters its sum.</summary>
public enum MultiplyAdd
{
    /// <summary><c>fused</c>: one rounding per multiply-add.</summary>
    Fused,
    /// <summary><c>separate</c>: the product is rounded, then the sum.</summary>
    Separate,
}

/// <summary>One dimension of an operand's shape: a tile key, a literal size, or <c>K</c> (a K-strip's call-dependent length).</summary>
public sealed class ManifestDimension
{
    internal ManifestDimension(string? name, int value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The K-strip symbol for the call's reduction length.</summary>
    public const string StripLength = "K";

    /// <summary>The tile key (or <c>K</c>) this dimension names, or null for a literal.</summary>
    public string? Name { get; }

    /// <summary>The size: the tile key's value, the literal, or 0 for <c>K</c>.</summary>
    public int Value { get; }

    /// <summary>True for <c>K</c>.</summary>
    public bool IsStripLength => Name == StripLength;

    /// <inheritdoc />
    public override string ToString() => Name ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One operand stored in a buffer: its name and its row-major shape, outermost first.</summary>
public sealed class ManifestPart
{
    internal ManifestPart(string operand, IReadOnlyList<ManifestDimension> shape)
    {
        Operand = operand;
        Shape = shape;
    }

    /// <summary>The operand's name, e.g. <c>a</c>.</summary>
    public string Operand { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public IReadOnlyList<ManifestDimension> Shape { get; }

    /// <summary>Elements of one invocation's part; <paramref name="stripLength"/> stands for <c>K</c>.</summary>
    public long Elements(int stripLength = 0)
    {
        long n = 1;
        foreach (var d in Shape) n *= d.IsStripLength ? stripLength : d.Value;
        return n;
    }
}

/// <summary>One buffer argument of the kernel and what it holds.</summary>
public sealed class ManifestBuffer
{
    internal ManifestBuffer(string arg, BufferRole role, ElementType? elementType, IReadOnlyList<ManifestPart> parts)
    {
        Arg = arg;
        Role = role;
        ElementType = elementType;
        Parts = parts;
    }

    /// <summary>The xclbin argument's name, e.g. <c>bo0</c>.</summary>
    public string Arg { get; }

    /// <summary>Input, output, scratch or unused.</summary>
    public BufferRole Role { get; }

    /// <summary>The element type of every part (null for an unused buffer).</summary>
    public ElementType? ElementType { get; }

    /// <summary>The operands stored one after another in the buffer (empty for an unused buffer).</summary>
    public IReadOnlyList<ManifestPart> Parts { get; }
}

/// <summary>A scalar argument: bound from a method parameter, or to the fixed value the manifest gives.</summary>
public sealed class ManifestScalar
{
    internal ManifestScalar(string arg, ScalarType type, string meaning, double? value)
    {
        Arg = arg;
        Type = type;
        Meaning = meaning;
        Value = value;
    }

    /// <summary>The xclbin argument's name.</summary>
    public string Arg { get; }

    /// <summary>Its type.</summary>
    public ScalarType Type { get; }

    /// <summary>What the value means.</summary>
    public string Meaning { get; }

    /// <summary>The fixed value, or null when the method passes it.</summary>
    public double? Value { get; }
}

/// <summary>The bound within which a kernel with transcendental functions or long float reductions matches the exact formula.</summary>
public sealed class ManifestTolerance
{
    /// <summary>Creates the bound.</summary>
    /// <param name="relative">Allowed error relative to the exact value's magnitude.</param>
    /// <param name="absolute">Allowed error independent of magnitude.</param>
    public ManifestTolerance(double relative, double absolute)
    {
        Relative = relative;
        Absolute = absolute;
    }

    /// <summary>Allowed error relative to the exact value's magnitude.</summary>
    public double Relative { get; }

    /// <summary>Allowed error independent of magnitude.</summary>
    public double Absolute { get; }

    /// <summary>True when <paramref name="got"/> is within the bound of <paramref name="exact"/>; NaN matches NaN and infinities match exactly.</summary>
    public bool Accepts(double got, double exact)
    {
        if (double.IsNaN(exact) || double.IsNaN(got)) return double.IsNaN(exact) && double.IsNaN(got);
        if (double.IsInfinity(exact) || double.IsInfinity(got)) return got == exact;
        return Math.Abs(got - exact) <= Relative * Math.Abs(exact) + Absolute;
    }
}

/// <summary>The numeric rule of one invocation (the manifest's <c>numeric</c>).</summary>
public sealed class NumericRule
{
    internal NumericRule() { }

    /// <summary>Creates a rule: what a generated descriptor states in place of the manifest's <c>numeric</c>.</summary>
    /// <param name="accumulator">What products are summed in: <see cref="ElementType.Int32"/> or <see cref="ElementType.Float32"/>.</param>
    /// <param name="wideAccumulator">Integer products summed in 64 bits (the manifest's <c>int64</c>).</param>
    /// <param name="shift">Arithmetic right shift of an integer sum before it is stored.</param>
    /// <param name="rounding">How the shift rounds.</param>
    /// <param name="saturate">The type a shifted integer sum is clamped to, or null.</param>
    /// <param name="hostAccumulator">What the host adds partial outputs over K in, or null when it cannot.</param>
    /// <param name="multiplyAdd">How a float product enters its sum.</param>
    /// <param name="order">The summation order of a float reduction, if stated.</param>
    /// <param name="bfloat16Rounding">How float32 values are rounded to bf16, if stated.</param>
    /// <param name="nan">How NaN passes through, if stated.</param>
    /// <param name="epsilon">Layer norm's epsilon.</param>
    /// <param name="variance">Layer norm's variance, if stated.</param>
    /// <param name="formula">GELU's formula.</param>
    /// <param name="scale">Attention's score scale.</param>
    /// <param name="tolerance">The bound against the exact formula, or null for a bit-exact rule.</param>
    public NumericRule(ElementType accumulator, bool wideAccumulator = false, int shift = 0, Rounding rounding = Rounding.None,
        ElementType? saturate = null, ElementType? hostAccumulator = null, MultiplyAdd multiplyAdd = MultiplyAdd.Fused,
        string? order = null, string? bfloat16Rounding = null, string? nan = null, double? epsilon = null, string? variance = null,
        string? formula = null, double? scale = null, ManifestTolerance? tolerance = null)
    {
        Accumulator = accumulator;
        WideAccumulator = wideAccumulator;
        Shift = shift;
        Rounding = rounding;
        Saturate = saturate;
        HostAccumulator = hostAccumulator;
        MultiplyAdd = multiplyAdd;
        Order = order;
        BFloat16Rounding = bfloat16Rounding;
        NaN = nan;
        Epsilon = epsilon;
        Variance = variance;
        Formula = formula;
        Scale = scale;
        Tolerance = tolerance;
    }

    /// <summary>What products are summed in: <see cref="ElementType.Int32"/> (integers; see <see cref="WideAccumulator"/>) or <see cref="ElementType.Float32"/>.</summary>
    public ElementType Accumulator { get; internal set; }

    /// <summary>
    /// True for <c>int64</c>: integer products are summed in 64 bits (AIE-ML's acc64, which IRON's int16 GEMMs use) and
    /// only the shifted, saturated result is narrowed; false for <c>int32</c>, where the sum wraps at 32 bits.
    /// </summary>
    public bool WideAccumulator { get; internal set; }

    /// <summary>Arithmetic right shift of an integer sum before it is stored.</summary>
    public int Shift { get; internal set; }

    /// <summary>How the shift rounds.</summary>
    public Rounding Rounding { get; internal set; } = Rounding.None;

    /// <summary>The type a shifted integer sum is clamped to, or null for none (it then wraps to the output type).</summary>
    public ElementType? Saturate { get; internal set; }

    /// <summary>What the host adds partial outputs over K in, or null when the kernel's output cannot be split over K.</summary>
    public ElementType? HostAccumulator { get; internal set; }

    /// <summary>How a float product enters its sum.</summary>
    public MultiplyAdd MultiplyAdd { get; internal set; } = MultiplyAdd.Fused;

    /// <summary>The summation order of a float reduction (<c>ascending-k</c>), if stated.</summary>
    public string? Order { get; internal set; }

    /// <summary>How float32 values are rounded to bf16 (<c>nearest-even</c>), if stated.</summary>
    public string? BFloat16Rounding { get; internal set; }

    /// <summary>How NaN passes through (<c>propagate</c>), if stated.</summary>
    public string? NaN { get; internal set; }

    /// <summary>Layer norm's epsilon.</summary>
    public double? Epsilon { get; internal set; }

    /// <summary>Layer norm's variance (<c>biased</c>), if stated.</summary>
    public string? Variance { get; internal set; }

    /// <summary>GELU's formula (<c>tanh-approximation</c> or <c>erf</c>).</summary>
    public string? Formula { get; internal set; }

    /// <summary>Attention's score scale.</summary>
    public double? Scale { get; internal set; }

    /// <summary>The tolerance against the exact formula, or null when the rule is bit-exact.</summary>
    public ManifestTolerance? Tolerance { get; internal set; }

    /// <summary>The rule in the manifest's words, each key that differs from its default.</summary>
    public override string ToString()
    {
        var parts = new List<string> { "accumulator " + (WideAccumulator ? "int64" : ElementTypes.ManifestName(Accumulator)) };
        if (Shift != 0) parts.Add("shift " + Shift.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Rounding != Rounding.None) parts.Add("rounding " + KernelManifestParser.RoundingName(Rounding));
        if (Saturate is { } s) parts.Add("saturate " + ElementTypes.ManifestName(s));
        if (HostAccumulator is { } h) parts.Add("hostAccumulator " + ElementTypes.ManifestName(h));
        if (MultiplyAdd != MultiplyAdd.Fused) parts.Add("multiplyAdd separate");
        void Add(string key, object? value)
        {
            if (value is double d) parts.Add(key + " " + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            else if (value is not null) parts.Add(key + " " + value);
        }
        Add("order", Order);
        Add("bf16Rounding", BFloat16Rounding);
        Add("nan", NaN);
        Add("epsilon", Epsilon);
        Add("variance", Variance);
        Add("formula", Formula);
        Add("scale", Scale);
        if (Tolerance is { } t) parts.Add($"tolerance {t.Relative.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} relative, {t.Absolute.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} absolute");
        return string.Join(", ", parts);
    }
}

/// <summary>
/// A kernel manifest (<c>*.kernel.json</c> beside the xclbin, <c>kernels/&lt;name&gt;/manifest.json</c> in the
/// library): what one invocation computes, which an xclbin does not say. Read with <see cref="KernelManifestParser"/>.
/// </summary>
public sealed class KernelManifest
{
    internal KernelManifest(string name, string summary, string kernelName, string operation, NpuPattern pattern,
        IReadOnlyDictionary<string, int> tile, int cores, IReadOnlyList<ManifestBuffer> buffers, IReadOnlyList<ManifestScalar> scalars,
        NumericRule numeric, string sourcePath, string text)
    {
        Name = name;
        Summary = summary;
        KernelName = kernelName;
        Operation = operation;
        Pattern = pattern;
        Tile = tile;
        Cores = cores;
        Buffers = buffers;
        Scalars = scalars;
        Numeric = numeric;
        SourcePath = sourcePath;
        Text = text;
    }

    /// <summary>The design's name.</summary>
    public string Name { get; }
    /// <summary>
    /// The xclbin the design's core program is in, by name (without <c>.xclbin</c>), when several designs that differ only
    /// in shape share one xclbin, each with its instruction stream; null when the design has an xclbin of its own. One
    /// xclbin is one hardware context, so designs that share one share their context.
    /// </summary>
    public string? Xclbin { get; internal set; }
    /// <summary>
    /// For a kernel library's emulation stand-in: the real mlir-aie / IRON design it mirrors and the parameters that build
    /// it, which a user builds to run the kernel on an NPU; null when none is named.
    /// </summary>
    public string? RealDesign { get; internal set; }
    /// <summary>One invocation in words.</summary>
    public string Summary { get; }
    /// <summary>The kernel's name inside the xclbin (<c>MLIR_AIE</c> for mlir-aie builds).</summary>
    public string KernelName { get; }
    /// <summary>What the kernel computes: <c>matmul</c>, <c>gemv</c>, <c>add</c>, <c>multiply</c>, <c>layernorm</c>, <c>gelu</c>, <c>softmax</c>, <c>attention</c> or a name of the user's own.</summary>
    public string Operation { get; }
    /// <summary>How invocations cover a call.</summary>
    public NpuPattern Pattern { get; }
    /// <summary>The pattern's named dimensions.</summary>
    public IReadOnlyDictionary<string, int> Tile { get; }
    /// <summary>
    /// How many AIE compute cores the design uses: the manifest's <c>cores</c>, 1 when it says nothing (a single-core
    /// design). The latency model computes an invocation at the throughput of this many cores.
    /// </summary>
    public int Cores { get; }
    /// <summary>The buffer arguments the manifest describes, in ABI order.</summary>
    public IReadOnlyList<ManifestBuffer> Buffers { get; }
    /// <summary>Scalar arguments.</summary>
    public IReadOnlyList<ManifestScalar> Scalars { get; }
    /// <summary>The numeric rule.</summary>
    public NumericRule Numeric { get; }
    /// <summary>Where the manifest was read from, for messages.</summary>
    public string SourcePath { get; }
    /// <summary>The manifest's text as it was read.</summary>
    public string Text { get; }

    /// <summary>A tile dimension.</summary>
    /// <exception cref="KernelManifestException">The tile has no such key.</exception>
    public int Dimension(string key) =>
        Tile.TryGetValue(key, out int value) ? value
        : throw new KernelManifestException($"tile has no \"{key}\" (it has {string.Join(", ", Tile.Keys)})", SourcePath, 0, 0);

    /// <summary>The buffers that carry data, scratch included: every buffer but the unused ones.</summary>
    public IEnumerable<ManifestBuffer> UsedBuffers => Buffers.Where(b => b.Role != BufferRole.Unused);

    /// <summary>The buffer holding <paramref name="operand"/>, or null.</summary>
    public ManifestBuffer? BufferOf(string operand) =>
        Buffers.FirstOrDefault(b => b.Parts.Any(p => p.Operand == operand));

    /// <summary>The operands in ABI order (buffer by buffer, part by part), with their buffers.</summary>
    public IEnumerable<(ManifestBuffer Buffer, ManifestPart Part)> Operands =>
        Buffers.SelectMany(b => b.Parts.Select(p => (b, p)));
}

/// <summary>A kernel manifest that cannot be read or does not fit its design; names the file, line and column.</summary>
public sealed class KernelManifestException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public KernelManifestException(string reason, string path, int line, int column) : this(reason, path, line, column, -1) { }

    internal KernelManifestException(string reason, string path, int line, int column, int offset)
        : base(line > 0 ? $"{path}({line},{column}): {reason}" : $"{path}: {reason}")
    {
        Reason = reason;
        Path = path;
        Line = line;
        Column = column;
        Offset = offset;
    }

    /// <summary>What is wrong, without the place.</summary>
    public string Reason { get; }
    /// <summary>The manifest's path.</summary>
    public string Path { get; }
    /// <summary>1-based line, or 0 when the problem is not at one place.</summary>
    public int Line { get; }
    /// <summary>1-based column, or 0.</summary>
    public int Column { get; }

    /// <summary>0-based character offset in the text, or -1 when unknown.</summary>
    public int Offset { get; }
}
