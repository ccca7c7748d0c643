using NpuSdk;

namespace WhisperEncoder;

/// <summary>The kernel library's Whisper-base kernels as generated methods; pattern, tile and rule come from each manifest.</summary>
internal static partial class WhisperKernels
{
    /// <summary>Layer norm over blocks of 64 rows of 512 (d_model), epsilon 1e-5; gamma and beta packed once per call.</summary>
    [NpuKernel("layernorm_bf16.xclbin")]
    public static partial void LayerNorm(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y);

    /// <summary>bf16 GEMM on the whole array (512x512x512 per run, 16 cores), float32 out, K partials added on the host.</summary>
    [NpuKernel("matmul_whole_array_bf16.xclbin")]
    public static partial void MatMul(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>Eight heads of 64 over all 1500 frames, 64 query rows per run.</summary>
    [NpuKernel("attention_bf16.xclbin")]
    public static partial void Attention(NpuSession session, ReadOnlySpan2D<BFloat16> q, ReadOnlySpan2D<BFloat16> k, ReadOnlySpan2D<BFloat16> v, Span2D<BFloat16> o);

    /// <summary>GELU (tanh approximation) over chunks of 32768 values.</summary>
    [NpuKernel("gelu_bf16.xclbin")]
    public static partial void Gelu(NpuSession session, ReadOnlySpan<BFloat16> x, Span<BFloat16> y);
}

/// <summary>
/// The kernels the device-resident layer adds: bf16-out GEMMs as wide as the layer's matrices (so activations and
/// weights are whole row-major tensors), the row-wise bias add and the element-wise residual add. Their span forms are
/// generated too; the layer calls the tensor overloads.
/// </summary>
internal static partial class ResidentKernels
{
    /// <summary>bf16 GEMM, 512 rows of A per run against a 512x512 weight (Q, K, V and output projections), bf16 out.</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_512x512.insts.txt")]
    public static partial void Linear(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> w, Span2D<BFloat16> c);

    /// <summary>bf16 GEMM against a 512x2048 weight (FFN up), bf16 out.</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_512x2048.insts.txt")]
    public static partial void LinearUp(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> w, Span2D<BFloat16> c);

    /// <summary>bf16 GEMM against a 2048x512 weight (FFN down), bf16 out.</summary>
    [NpuKernel("linear_bf16.xclbin", Instructions = "linear_bf16_2048x512.insts.txt")]
    public static partial void LinearDown(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> w, Span2D<BFloat16> c);

    /// <summary>y = x + b on every row of 512.</summary>
    [NpuKernel("bias_add_bf16.xclbin", Instructions = "bias_add_bf16_512.insts.txt")]
    public static partial void BiasAdd(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> b, Span2D<BFloat16> y);

    /// <summary>y = x + b on every row of 2048.</summary>
    [NpuKernel("bias_add_bf16.xclbin", Instructions = "bias_add_bf16_2048.insts.txt")]
    public static partial void BiasAddWide(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> b, Span2D<BFloat16> y);

    /// <summary>z = x + y, element by element (the residuals).</summary>
    [NpuKernel("add_bf16.xclbin")]
    public static partial void Add(NpuSession session, ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> y, Span<BFloat16> z);
}
