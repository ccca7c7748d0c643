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
