using NpuSdk;

namespace WhisperEncoder;

/// <summary>
/// The NPU operators an encoder layer calls. <see cref="SpanOperators"/> runs each through a generated method over host
/// memory (every call packs its inputs into device buffers and unpacks its outputs); a device-resident implementation,
/// which keeps tensors on the device between operators, takes its place without the layer changing.
/// </summary>
internal interface IEncoderOperators
{
    /// <summary>y = LayerNorm(x)·gamma + beta, row by row.</summary>
    void LayerNorm(Matrix<BFloat16> x, BFloat16[] gamma, BFloat16[] beta, Matrix<BFloat16> y);

    /// <summary>c = a·w in float32.</summary>
    void MatMul(Matrix<BFloat16> a, Matrix<BFloat16> w, Matrix<float> c);

    /// <summary>Multi-head self-attention; <paramref name="qkv"/> holds Q, K and V side by side (columns 0, 512 and 1024).</summary>
    void Attention(Matrix<BFloat16> qkv, Matrix<BFloat16> output);

    /// <summary>y = GELU(x), element by element.</summary>
    void Gelu(Matrix<BFloat16> x, Matrix<BFloat16> y);
}

/// <summary>The operators through the generated methods of <see cref="WhisperKernels"/>, on host spans.</summary>
internal sealed class SpanOperators(NpuSession session) : IEncoderOperators
{
    public void LayerNorm(Matrix<BFloat16> x, BFloat16[] gamma, BFloat16[] beta, Matrix<BFloat16> y) =>
        WhisperKernels.LayerNorm(session, x.Read, gamma, beta, y.Write);

    public void MatMul(Matrix<BFloat16> a, Matrix<BFloat16> w, Matrix<float> c) => WhisperKernels.MatMul(session, a.Read, w.Read, c.Write);

    // Q, K and V are strided views of one matrix: the generated call packs them from there, with no copy on the host.
    public void Attention(Matrix<BFloat16> qkv, Matrix<BFloat16> output)
    {
        int d = output.Cols;
        WhisperKernels.Attention(session, qkv.Columns(0, d), qkv.Columns(d, d), qkv.Columns(2 * d, d), output.Write);
    }

    public void Gelu(Matrix<BFloat16> x, Matrix<BFloat16> y) => WhisperKernels.Gelu(session, x.Data, y.Data);
}
