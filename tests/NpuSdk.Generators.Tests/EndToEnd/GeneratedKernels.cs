namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>Methods this test project generates for itself with the real generator, run on the emulator.</summary>
public static partial class GeneratedKernels
{
    /// <summary>The original port's 16x16 int8 tile kernel, int8 out (partials added in int32, saturated once).</summary>
    [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
    public static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The same kernel with the int32 host sum returned.</summary>
    [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
    public static partial void MatMulWide(Device device, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>An elementwise int32 add, 256 elements per invocation (reference: <see cref="AddInt32Reference"/>).</summary>
    [NpuKernel("add_int32.xclbin", Tile = AddInt32Reference.Tile, Pattern = NpuPattern.Elementwise)]
    public static partial void Add(NpuSession session, ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> sum);

    /// <summary>A bf16 tile kernel with A, B and C in separate buffers; partial blocks added in float on the host.</summary>
    [NpuKernel("matmul_16x16_bf16.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
    public static partial void MatMulBf16(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>The kernel library's attention block: 64 query rows per invocation; K and V in one slot every run reads.</summary>
    [NpuKernel("attention_bf16.xclbin")]
    public static partial void Attention(NpuSession session, ReadOnlySpan2D<BFloat16> q, ReadOnlySpan2D<BFloat16> k, ReadOnlySpan2D<BFloat16> v, Span2D<BFloat16> o);

    /// <summary>The same add with a short timeout, for the tests of a call whose runs never complete.</summary>
    [NpuKernel("add_int32.xclbin", Tile = AddInt32Reference.Tile, Pattern = NpuPattern.Elementwise, TimeoutMilliseconds = 300)]
    public static partial void AddWithShortTimeout(NpuSession session, ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> sum);

    /// <summary>The library's 64x64 int8 tile with A and B in separate buffers: each distinct block is packed once.</summary>
    [NpuKernel("matmul_64x64_int8.xclbin")]
    public static partial void MatMul64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The library's layer norm: gamma and beta are the same for every block of rows, so they have one slot.</summary>
    [NpuKernel("layernorm_bf16.xclbin")]
    public static partial void LayerNorm(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y);

    /// <summary>The 16x16 int8 kernel again with an int32 result, on an explicit session: same kernel and shapes as <see cref="MatMul"/>, another plan.</summary>
    [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
    public static partial void MatMulWideOn(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>The library's GELU: 32,768 elements per invocation, a vector operand.</summary>
    [NpuKernel("gelu_bf16.xclbin")]
    public static partial void Gelu(NpuSession session, ReadOnlySpan<BFloat16> x, Span<BFloat16> y);
}
