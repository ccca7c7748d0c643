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

    /// <summary>The kernel library's 64x64 int8 tile kernel (A, B, C in separate buffers); pattern and tile from its manifest.</summary>
    [NpuKernel("matmul_64x64_int8.xclbin")]
    public static partial void MatMul64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    /// <summary>The kernel library's 64x64 bf16 tile kernel, which returns float32 partials; pattern and tile from its manifest.</summary>
    [NpuKernel("matmul_64x64_bf16.xclbin")]
    public static partial void MatMul64Bf16(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);

    /// <summary>The kernel library's K-strip kernel: one run per 64x64 block of C, K summed in int32 on the device.</summary>
    [NpuKernel("matmul_kstrip_64x64_int8.xclbin")]
    public static partial void MatMulKStrip(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);

    /// <summary>The kernel library's elementwise GELU, 32,768 bf16 values per invocation (from its manifest).</summary>
    [NpuKernel("gelu_bf16.xclbin")]
    public static partial void Gelu(NpuSession session, ReadOnlySpan<BFloat16> x, Span<BFloat16> y);

    /// <summary>The kernel library's 64x512 bf16 strip kernel (m = 64, k = 512, n = 512): a non-square tile from its manifest.</summary>
    [NpuKernel("matmul_64x512_bf16.xclbin")]
    public static partial void MatMulStrip(NpuSession session, ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<BFloat16> c);

    /// <summary>The kernel library's layer norm: 64 rows of 512 per invocation, gamma and beta sent to every invocation.</summary>
    [NpuKernel("layernorm_bf16.xclbin")]
    public static partial void LayerNorm(NpuSession session, ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y);

    /// <summary>The kernel library's row softmax: 64 rows of 1500 per invocation.</summary>
    [NpuKernel("softmax_bf16.xclbin")]
    public static partial void Softmax(NpuSession session, ReadOnlySpan2D<BFloat16> x, Span2D<BFloat16> y);
}
