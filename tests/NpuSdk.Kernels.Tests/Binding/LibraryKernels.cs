using NpuSdk.Launch;

namespace NpuSdk.Kernels.Tests.Binding;

/// <summary>
/// The kernel library bound the way a user binds it: an [NpuKernel] method per kernel, pattern and tile read by the
/// generator from the kernel's manifest (<c>&lt;name&gt;.kernel.json</c>, put beside the xclbin by NpuSdk.Kernels.props).
/// </summary>
public static partial class LibraryKernels
{
    /// <summary>The original port's 16x16 int8 tile kernel (A and B packed in bo0).</summary>
    [NpuKernel("matmul_16x16_int8.xclbin")]
    public static partial void MatMul16(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The 32x32 int8 tile kernel (A, B, C in separate buffers).</summary>
    [NpuKernel("matmul_32x32_int8.xclbin")]
    public static partial void MatMul32(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The 64x64 int8 tile kernel.</summary>
    [NpuKernel("matmul_64x64_int8.xclbin")]
    public static partial void MatMul64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The 64x64 bf16 tile kernel (float32 partials added on the host).</summary>
    [NpuKernel("matmul_64x64_bf16.xclbin")]
    public static partial void MatMul64Bf16(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>The int8 K-strip kernel: one whole int32 64x64 tile per invocation, K summed on the device.</summary>
    [NpuKernel("matmul_kstrip_64x64_int8.xclbin")]
    public static partial void MatMulKStrip(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>The bf16 64x512 strip kernel (64 rows x 512 outputs per invocation, K = 512 per invocation).</summary>
    [NpuKernel("matmul_64x512_bf16.xclbin")]
    public static partial void MatMulWide(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>
    /// The wait of the 512-cube GEMMs: the emulator computes each invocation's 134 M multiply-adds in C#, seconds in a
    /// Debug build on a loaded 2-core machine. Nothing here measures time; the wait only has to outlast the computation.
    /// </summary>
    private const int EmulatedGemmTimeout = 120_000;

    /// <summary>IRON's int8 whole-array GEMM: 512x512x512 on 4x4 cores in one invocation, int32 out.</summary>
    [NpuKernel("matmul_whole_array_int8.xclbin", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void WholeArrayInt8(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>IRON's int16 whole-array GEMM: 512x512x512 on 4x4 cores, acc64 saturated to int32.</summary>
    [NpuKernel("matmul_whole_array_int16.xclbin", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void WholeArrayInt16(NpuSession session, ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);

    /// <summary>The bf16 whole-array GEMM: 512x512x512 on 4x4 cores, float32 out.</summary>
    [NpuKernel("matmul_whole_array_bf16.xclbin", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void WholeArrayBf16(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>Layer norm over blocks of 64 rows of 512 bf16 values; gamma and beta go to every invocation.</summary>
    [NpuKernel("layernorm_bf16.xclbin")]
    public static partial void LayerNorm(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y);

    /// <summary>Softmax over blocks of 64 rows of 1500 bf16 values.</summary>
    [NpuKernel("softmax_bf16.xclbin")]
    public static partial void Softmax(NpuSession session, ReadOnlySpan2D<BFloat16> x, Span2D<BFloat16> y);

    /// <summary>GELU over chunks of 32768 bf16 values.</summary>
    [NpuKernel("gelu_bf16.xclbin")]
    public static partial void Gelu(NpuSession session, ReadOnlySpan<BFloat16> x, Span<BFloat16> y);

    /// <summary>A bf16-out whole-array linear layer, 512 wide: one run per 512 rows of A.</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_512x512.insts.txt", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void Linear512(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<BFloat16> c);

    /// <summary>A bf16-out whole-array linear layer against a 512x2048 weight (FFN up).</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_512x2048.insts.txt", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void LinearUp(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<BFloat16> c);

    /// <summary>A bf16-out whole-array linear layer against a 2048x512 weight (FFN down).</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_2048x512.insts.txt", TimeoutMilliseconds = EmulatedGemmTimeout)]
    public static partial void LinearDown(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<BFloat16> c);

    /// <summary>A per-column bias added to blocks of 64 rows of 512 values.</summary>
    [NpuKernel("bias_add_bf16.xclbin", Instructions = "bias_add_bf16_512.insts.txt")]
    public static partial void BiasAdd512(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> b, Span2D<BFloat16> y);

    /// <summary>GELU with a wait too short for a call queued behind a busy device, for the budget's busy-context error.</summary>
    [NpuKernel("gelu_bf16.xclbin", TimeoutMilliseconds = 300)]
    public static partial void GeluShortTimeout(NpuSession session, ReadOnlySpan<BFloat16> x, Span<BFloat16> y);

    /// <summary>The bf16 residual add over chunks of 32768 values.</summary>
    [NpuKernel("add_bf16.xclbin")]
    public static partial void Add(NpuSession session, ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> y, Span<BFloat16> z);

    /// <summary>A per-column bias added to blocks of 64 rows of 2048 values.</summary>
    [NpuKernel("bias_add_bf16.xclbin", Instructions = "bias_add_bf16_2048.insts.txt")]
    public static partial void BiasAdd2048(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> b, Span2D<BFloat16> y);
}
