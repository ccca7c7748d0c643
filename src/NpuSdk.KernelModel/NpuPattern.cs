namespace NpuSdk;

/// <summary>
/// What one kernel invocation computes, and so how a call is cut into invocations: the manifest's <c>pattern</c>, the
/// value of <c>[NpuKernel(Pattern = ...)]</c> and what the generator, the runtime and the npu tool plan with. One enum,
/// defined here, in the kernel model every part of the SDK shares. Taken from the kernel's manifest
/// (<c>*.kernel.json</c> beside the xclbin) when there is one; set it on the attribute otherwise.
/// </summary>
public enum NpuPattern
{
    /// <summary>Read the pattern from the kernel's manifest: the attribute's default. No manifest's pattern is this.</summary>
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
