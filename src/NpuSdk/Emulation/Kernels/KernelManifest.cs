namespace NpuSdk.Emulation.Kernels;

/// <summary>How a kernel's invocations cover a call (the manifest's <c>pattern</c>).</summary>
public enum KernelPattern
{
    /// <summary>One output tile's partial product per invocation; the host accumulates over K.</summary>
    TileMatMul,
    /// <summary>One whole output tile per invocation, accumulated over K on the device.</summary>
    KStripMatMul,
    /// <summary>One chunk of elements per invocation.</summary>
    Elementwise,
    /// <summary>One block of rows per invocation.</summary>
    Rowwise,
    /// <summary>Scores, softmax and weighted sum for one block of query rows per invocation.</summary>
    Attention,
}

/// <summary>What a buffer argument is for.</summary>
public enum BufferRole
{
    /// <summary>Read by the kernel.</summary>
    Input,
    /// <summary>Written by the kernel.</summary>
    Output,
    /// <summary>Working memory of the kernel.</summary>
    Scratch,
}

/// <summary>The element type of a buffer.</summary>
public enum KernelElementType
{
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>IEEE binary32.</summary>
    Float32,
    /// <summary>bfloat16 (<see cref="NpuSdk.BFloat16"/>).</summary>
    BFloat16,
}

/// <summary>One operand inside a buffer: its name and shape (dimension names from the tile, or literal sizes).</summary>
/// <param name="Operand">The operand's name, e.g. <c>a</c>.</param>
/// <param name="Shape">Dimensions, outermost first; each a tile key, the symbol <c>K</c> (K-strip), or a number.</param>
public sealed record ManifestPart(string Operand, IReadOnlyList<string> Shape);

/// <summary>One buffer argument after <c>opcode, instr, ninstr</c>.</summary>
/// <param name="Arg">The xclbin argument name, e.g. <c>bo0</c>.</param>
/// <param name="Role">Input, output or scratch.</param>
/// <param name="ElementType">The element type of every part.</param>
/// <param name="Parts">The operands stored one after another in the buffer, each row-major.</param>
public sealed record ManifestBuffer(string Arg, BufferRole Role, KernelElementType ElementType, IReadOnlyList<ManifestPart> Parts);

/// <summary>A scalar argument after the buffers.</summary>
/// <param name="Name">Argument name.</param>
/// <param name="Type">Its type, e.g. <c>uint32</c>.</param>
/// <param name="Meaning">What the value means.</param>
public sealed record ManifestScalar(string Name, string Type, string Meaning);

/// <summary>The bound within which a kernel with transcendental functions or long float reductions matches the exact formula.</summary>
/// <param name="Relative">Allowed error relative to the exact value's magnitude.</param>
/// <param name="Absolute">Allowed error independent of magnitude.</param>
public sealed record ManifestTolerance(double Relative, double Absolute)
{
    /// <summary>True when <paramref name="got"/> is within the bound of <paramref name="exact"/>; NaN matches NaN and infinities match exactly.</summary>
    public bool Accepts(double got, double exact)
    {
        if (double.IsNaN(exact) || double.IsNaN(got)) return double.IsNaN(exact) && double.IsNaN(got);
        if (double.IsInfinity(exact) || double.IsInfinity(got)) return got == exact;
        return Math.Abs(got - exact) <= Relative * Math.Abs(exact) + Absolute;
    }
}

/// <summary>The numeric rule of one invocation.</summary>
public sealed record ManifestNumeric
{
    /// <summary>Accumulator type (<c>int32</c> or <c>float32</c>).</summary>
    public required string Accumulator { get; init; }
    /// <summary>Arithmetic right shift of an int32 sum before saturation.</summary>
    public int Shift { get; init; }
    /// <summary>How the shift rounds (<c>floor</c>, <c>none</c>).</summary>
    public string? Rounding { get; init; }
    /// <summary>The type a shifted sum saturates to, or <c>none</c>.</summary>
    public string? Saturate { get; init; }
    /// <summary>What the host accumulates partial tiles in, or <c>none</c>.</summary>
    public string? HostAccumulator { get; init; }
    /// <summary>Whether a float product is added with one rounding (<c>fused</c>) or two (<c>separate</c>).</summary>
    public string? MultiplyAdd { get; init; }
    /// <summary>The summation order of a float reduction (<c>ascending-k</c>).</summary>
    public string? Order { get; init; }
    /// <summary>Rounding to bf16 (<c>nearest-even</c>).</summary>
    public string? BFloat16Rounding { get; init; }
    /// <summary>How NaN passes through (<c>propagate</c>).</summary>
    public string? NaN { get; init; }
    /// <summary>Layer norm's epsilon.</summary>
    public double? Epsilon { get; init; }
    /// <summary>Attention's score scale.</summary>
    public double? Scale { get; init; }
    /// <summary>GELU's formula (<c>tanh-approximation</c> or <c>erf</c>).</summary>
    public string? Formula { get; init; }
    /// <summary>The tolerance against the exact formula, or null when the rule is bit-exact.</summary>
    public ManifestTolerance? Tolerance { get; init; }
}

/// <summary>
/// A kernel manifest (<c>kernels/&lt;name&gt;/manifest.json</c>): what one invocation computes, which an xclbin does not
/// say. Parsed by <see cref="KernelManifestParser"/>.
/// </summary>
public sealed record KernelManifest
{
    /// <summary>The kernel's name = folder name = xclbin file stem.</summary>
    public required string Name { get; init; }
    /// <summary>One invocation in words.</summary>
    public required string Summary { get; init; }
    /// <summary>The kernel's name inside the xclbin.</summary>
    public required string KernelName { get; init; }
    /// <summary>What the kernel computes: <c>matmul</c>, <c>layernorm</c>, <c>gelu</c>, <c>softmax</c> or <c>attention</c>.</summary>
    public required string Operation { get; init; }
    /// <summary>How invocations cover a call.</summary>
    public required KernelPattern Pattern { get; init; }
    /// <summary>The pattern's named dimensions.</summary>
    public required IReadOnlyDictionary<string, int> Tile { get; init; }
    /// <summary>The buffer arguments in ABI order.</summary>
    public required IReadOnlyList<ManifestBuffer> Buffers { get; init; }
    /// <summary>Scalar arguments after the buffers.</summary>
    public required IReadOnlyList<ManifestScalar> Scalars { get; init; }
    /// <summary>The numeric rule.</summary>
    public required ManifestNumeric Numeric { get; init; }

    /// <summary>The xclbin file name the build publishes (<c>&lt;name&gt;.xclbin</c>).</summary>
    public string XclbinFileName => Name + ".xclbin";

    /// <summary>A tile dimension; throws naming the manifest and the key when it is missing.</summary>
    public int Dimension(string key) =>
        Tile.TryGetValue(key, out int value) ? value
        : throw new KernelManifestException($"Kernel manifest '{Name}': tile has no '{key}' (it has {string.Join(", ", Tile.Keys)}).");

    /// <summary>The buffer bound to argument <paramref name="arg"/> (e.g. <c>bo0</c>).</summary>
    public ManifestBuffer Buffer(string arg) =>
        Buffers.FirstOrDefault(b => b.Arg == arg)
        ?? throw new KernelManifestException($"Kernel manifest '{Name}' has no buffer '{arg}'.");
}

/// <summary>A kernel manifest that cannot be read or is inconsistent; the message names the manifest and the key.</summary>
public sealed class KernelManifestException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public KernelManifestException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public KernelManifestException(string message, Exception inner) : base(message, inner) { }
}
