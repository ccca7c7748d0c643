namespace NpuSdk;

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
