namespace NpuSdk;

/// <summary>
/// What one kernel invocation computes, and so how a call is cut into invocations. Taken from the
/// kernel's manifest (<c>*.kernel.json</c> beside the xclbin) when there is one; set it on the attribute otherwise.
/// </summary>
public enum NpuPattern
{
    /// <summary>Read the pattern from the kernel's manifest.</summary>
    FromManifest = 0,

    /// <summary>
    /// One invocation multiplies a Tile x Tile block of A by a Tile x Tile block of B and returns the
    /// block of C requantized by the kernel; the host adds the partial blocks over K (int32 for int8,
    /// float for bf16) and converts to the output type once at the end.
    /// </summary>
    TileMatMul = 1,

    /// <summary>One invocation maps Tile elements of every input to Tile elements of every output.</summary>
    Elementwise = 2,

    /// <summary>
    /// One invocation computes a whole Tile x Tile block of C from a Tile x K strip of A and a K x Tile strip
    /// of B, accumulating over K on the device (int32); the host only converts. K is padded with zeros to the
    /// kernel's K multiple (its manifest's <c>tile.kMultiple</c>, else Tile) and must not exceed <c>tile.kMax</c>.
    /// </summary>
    KStripMatMul = 3,

    /// <summary>
    /// One invocation processes a block of Tile rows of every matrix operand (each row as wide as the kernel's
    /// <c>tile.cols</c>, or the call's width without a manifest); vector operands (one value per column, such as a
    /// layer norm's gamma and beta) go to every invocation unchanged. The last block is padded with zero rows.
    /// </summary>
    Rowwise = 4,

    /// <summary>
    /// One invocation computes multi-head attention for a block of Tile query rows: Q (Tile rows), K and V (all of
    /// the kernel's keys) in, O (Tile rows) out, every operand as wide as all heads side by side. K and V go to every
    /// invocation unchanged; the last query block is padded with zero rows. The key count and width come from the
    /// manifest's <c>tile.keys</c> and <c>tile.dim</c> (without a manifest, from the call's K).
    /// </summary>
    Attention = 5,

    /// <summary>
    /// One invocation computes the whole M x K x N product the design was compiled for (IRON's <c>whole_array</c> and
    /// <c>single_core</c> GEMMs, from the manifest's <c>tile.m</c>, <c>tile.k</c>, <c>tile.n</c>). A call at those shapes is
    /// one run; more rows or columns are more runs, the last padded; a longer K is added on the host where the manifest's
    /// <c>numeric.hostAccumulator</c> allows it.
    /// </summary>
    WholeArray = 6,

    /// <summary>One invocation computes c = A·b for an m x k block of A (the manifest's <c>tile.m</c>, <c>tile.k</c>).</summary>
    Gemv = 7,
}

/// <summary>
/// Marks a <c>partial</c> method whose body the NpuSdk generator writes: it runs the kernel of an xclbin
/// over the method's buffers with one launch plan (buffers sized for every invocation, one sync per
/// buffer, one run-list submission, one wait).
/// </summary>
/// <remarks>
/// Parameters: <see cref="ReadOnlySpan2D{T}"/> / <see cref="Span2D{T}"/> for matrices,
/// <see cref="ReadOnlySpan{T}"/> / <see cref="Span{T}"/> for vectors (read-only ones are inputs, writable
/// ones outputs); an optional leading <see cref="NpuSession"/> or <see cref="Device"/> selects the device,
/// otherwise <see cref="NpuSession.Default"/> is used.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class NpuKernelAttribute : Attribute
{
    /// <summary>Binds the method to an xclbin of the project (an <c>AdditionalFiles</c> item, copied to the output).</summary>
    /// <param name="xclbinPath">The xclbin's path as the project lists it, e.g. <c>matmul_16x16_int8.xclbin</c>.</param>
    public NpuKernelAttribute(string xclbinPath) => XclbinPath = xclbinPath;

    /// <summary>The xclbin's path as the project lists it.</summary>
    public string XclbinPath { get; }

    /// <summary>What one invocation covers: the edge of its tile (matmul), its element count (elementwise), its rows (rowwise) or query rows (attention).</summary>
    public int Tile { get; set; }

    /// <summary>The kernel's name in the xclbin; by default the only kernel it has.</summary>
    public string? Kernel { get; set; }

    /// <summary>The instruction stream; by default beside the xclbin, <c>*.insts.bin</c> then <c>*.insts.txt</c>.</summary>
    public string? Instructions { get; set; }

    /// <summary>What one invocation computes; by default from the kernel's manifest.</summary>
    public NpuPattern Pattern { get; set; }

    /// <summary>How long one call waits for its run list before it throws <see cref="NpuTimeoutException"/>.</summary>
    public int TimeoutMilliseconds { get; set; } = 10_000;
}
