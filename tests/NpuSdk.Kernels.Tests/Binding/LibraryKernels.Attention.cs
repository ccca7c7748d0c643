namespace NpuSdk.Kernels.Tests.Binding;

public static partial class LibraryKernels
{
    /// <summary>The attention block: 64 query rows per invocation against all 1500 keys and values, 8 heads of 64.</summary>
    [NpuKernel("attention_bf16.xclbin")]
    public static partial void Attention(NpuSession session, ReadOnlySpan2D<BFloat16> q, ReadOnlySpan2D<BFloat16> k, ReadOnlySpan2D<BFloat16> v, Span2D<BFloat16> o);
}
