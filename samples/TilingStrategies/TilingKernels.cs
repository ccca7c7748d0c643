using NpuSdk;

namespace TilingStrategies;

/// <summary>The same product through generated methods, one per library design; pattern, tile and rule come from each manifest.</summary>
internal static partial class TilingKernels
{
    /// <summary>The original port's 16x16 int8 tile kernel (A and B packed in bo0).</summary>
    [NpuKernel("matmul_16x16_int8.xclbin")]
    public static partial void Tile16(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The 64x64 int8 tile kernel (A, B, C in separate buffers, each distinct block packed once).</summary>
    [NpuKernel("matmul_64x64_int8.xclbin")]
    public static partial void Tile64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The 64x64 K-strip kernel: one whole int32 output tile per run, K summed on the device.</summary>
    [NpuKernel("matmul_kstrip_64x64_int8.xclbin")]
    public static partial void KStrip(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>IRON's whole-array GEMM: the whole 512x512x512 product on 4x4 cores in one run.</summary>
    [NpuKernel("matmul_whole_array_int8.xclbin")]
    public static partial void WholeArray(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
}
