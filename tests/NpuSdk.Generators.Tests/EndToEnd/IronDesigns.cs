namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Designs in the shape real IRON builds have (opcode, instr, ninstr, bo0..bo4 with the unused ones left unbound), each
/// bound by its manifest alone (Designs/*.json): no C# is written for the emulator except for the user's own operation.
/// </summary>
public static partial class IronDesigns
{
    /// <summary>
    /// The whole-array int16 GEMM, 512x512x512 on 4x4 cores; its instructions are binary transaction data in a .txt.
    /// A generous timeout: the emulator computes each 512³ invocation in C#, seconds on a loaded 2-core machine.
    /// </summary>
    [NpuKernel("whole_array_int16.xclbin", TimeoutMilliseconds = 120_000)]
    public static partial void Gemm(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);

    /// <summary>A whole-array GEMM compiled for 256 rows of A (K = N = 512); the same generous timeout (a call is up to 6 such runs).</summary>
    [NpuKernel("rows256_int16.xclbin", TimeoutMilliseconds = 120_000)]
    public static partial void Gemm256Rows(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);

    /// <summary>The single-core int16 GEMM, 256x256x256; the same generous timeout.</summary>
    [NpuKernel("single_core_int16.xclbin", TimeoutMilliseconds = 120_000)]
    public static partial void SingleCore(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);

    /// <summary>The 288x288 int16 matrix-vector product.</summary>
    [NpuKernel("gemv_int16.xclbin")]
    public static partial void Gemv(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan<short> b, Span<int> c);

    /// <summary>The int32 vector add, 1024 values per invocation.</summary>
    [NpuKernel("vector_add_int32.xclbin")]
    public static partial void Add(NpuSession session, ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> z);

    /// <summary>A tile kernel that wants B before A in its input buffer; the manifest says so and nothing else does.</summary>
    [NpuKernel("packed_ba_int8.xclbin")]
    public static partial void PackedBA(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>A design of the user's own with a runtime scalar, run on the emulator by C# the test registers.</summary>
    [NpuKernel("scale_int32.xclbin")]
    public static partial void Scale(NpuSession session, ReadOnlySpan<int> x, Span<int> y, int factor);

    /// <summary>A vector add whose design also takes a working buffer (bo2, scratch) the host allocates and never syncs.</summary>
    [NpuKernel("scratch_add_int32.xclbin")]
    public static partial void AddWithScratch(NpuSession session, ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> z);
}
