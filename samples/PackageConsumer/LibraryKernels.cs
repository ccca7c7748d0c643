using NpuSdk;

namespace PackageConsumer;

/// <summary>A kernel of the library the NpuSdk package ships; the generator writes the body from its xclbin and manifest.</summary>
public static partial class LibraryKernels
{
    /// <summary>C = A·B on the 16x16 int8 tile kernel (tile and numeric rule from the library's manifest).</summary>
    [NpuKernel("matmul_16x16_int8.xclbin")]
    public static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
}
