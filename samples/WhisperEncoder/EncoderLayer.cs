using System.Numerics.Tensors;
using NpuSdk;
using NpuSdk.Numerics;

namespace WhisperEncoder;

/// <summary>
/// One Whisper-base encoder layer (pre-norm): x += OutProj(Attention(QKV(LayerNorm1(x)))); x += FFN(LayerNorm2(x)),
/// FFN = Down(GELU(Up(·))). d_model 512, 8 heads of 64, FFN 2048. The weights are float32 (a seeded random layer),
/// rounded to bf16 for the NPU; <see cref="Reference"/> computes the same layer in plain float32.
/// </summary>
internal sealed class EncoderLayer
{
    public const int Model = 512, Heads = 8, Ffn = 2048;

    private readonly float[] _ln1Gamma, _ln1Beta, _ln2Gamma, _ln2Beta;
    private readonly float[] _wqkv, _bqkv, _wo, _bo, _w1, _b1, _w2, _b2;
    private readonly BFloat16[] _ln1Gamma16, _ln1Beta16, _ln2Gamma16, _ln2Beta16;
    private readonly Matrix<BFloat16> _wqkv16, _wo16, _w116, _w216;

    /// <summary>A layer with weights drawn from <paramref name="seed"/>: normal, scaled by 1/sqrt(fan-in); layer norms near identity.</summary>
    public EncoderLayer(int seed)
    {
        var rng = new Random(seed);
        float[] Normal(int n, double scale, double mean = 0) =>
            Enumerable.Range(0, n).Select(_ => (float)(mean + scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();
        (_ln1Gamma, _ln1Beta) = (Normal(Model, 0.1, 1), Normal(Model, 0.02));
        _wqkv = Normal(Model * 3 * Model, 1 / Math.Sqrt(Model));
        _bqkv = Normal(3 * Model, 0.02);
        Array.Clear(_bqkv, Model, Model);   // Whisper's key projection has no bias
        (_wo, _bo) = (Normal(Model * Model, 1 / Math.Sqrt(Model)), Normal(Model, 0.02));
        (_ln2Gamma, _ln2Beta) = (Normal(Model, 0.1, 1), Normal(Model, 0.02));
        (_w1, _b1) = (Normal(Model * Ffn, 1 / Math.Sqrt(Model)), Normal(Ffn, 0.02));
        (_w2, _b2) = (Normal(Ffn * Model, 1 / Math.Sqrt(Ffn)), Normal(Model, 0.02));

        (_ln1Gamma16, _ln1Beta16, _ln2Gamma16, _ln2Beta16) = (Bf16(_ln1Gamma), Bf16(_ln1Beta), Bf16(_ln2Gamma), Bf16(_ln2Beta));
        (_wqkv16, _wo16, _w116, _w216) = (Bf16(_wqkv, Model, 3 * Model), Bf16(_wo, Model, Model), Bf16(_w1, Model, Ffn), Bf16(_w2, Ffn, Model));
    }

    /// <summary>The layer's weights as the NPU sees them, rounded to bf16 (biases too: on the device they are added in bf16).</summary>
    public sealed record Bf16Weights(
        BFloat16[] Ln1Gamma, BFloat16[] Ln1Beta, Matrix<BFloat16> Wqkv, BFloat16[] Bqkv, Matrix<BFloat16> Wo, BFloat16[] Bo,
        BFloat16[] Ln2Gamma, BFloat16[] Ln2Beta, Matrix<BFloat16> W1, BFloat16[] B1, Matrix<BFloat16> W2, BFloat16[] B2);

    /// <summary>This layer's weights in bf16, for a device-resident copy (<see cref="ResidentLayer"/>).</summary>
    public Bf16Weights ToBf16() =>
        new(_ln1Gamma16, _ln1Beta16, _wqkv16, Bf16(_bqkv), _wo16, Bf16(_bo), _ln2Gamma16, _ln2Beta16, _w116, Bf16(_b1), _w216, Bf16(_b2));

    /// <summary>The activations of one layer call at a sequence length, allocated once and reused by every layer.</summary>
    public sealed class Buffers(int frames)
    {
        public Matrix<BFloat16> X16 { get; } = new(frames, Model);
        public Matrix<BFloat16> Normed { get; } = new(frames, Model);
        public Matrix<float> Qkv32 { get; } = new(frames, 3 * Model);
        public Matrix<BFloat16> Qkv { get; } = new(frames, 3 * Model);
        public Matrix<BFloat16> Attended { get; } = new(frames, Model);
        public Matrix<float> Projected { get; } = new(frames, Model);
        public Matrix<float> Hidden32 { get; } = new(frames, Ffn);
        public Matrix<BFloat16> Hidden { get; } = new(frames, Ffn);
        public Matrix<BFloat16> Activated { get; } = new(frames, Ffn);
    }

    /// <summary>
    /// The layer on the NPU over host memory, every operator in order: <paramref name="x"/> (frames x 512, float32) is
    /// updated in place. Each NPU operator is a generated method over spans (it packs its inputs into device buffers and
    /// unpacks its outputs); bias adds, residuals and bf16 conversions run on the host. <see cref="ResidentLayer"/> is
    /// the same layer with its data on the device.
    /// </summary>
    public void Forward(Matrix<float> x, Buffers s, NpuSession session, OperatorLog log)
    {
        const int D = Model;
        log.Host("x to bf16", () => BFloat16Span.Narrow(x.Data, s.X16.Data));
        log.Npu("layer norm 1", () => WhisperKernels.LayerNorm(session, s.X16.Read, _ln1Gamma16, _ln1Beta16, s.Normed.Write));
        log.Npu("Q/K/V projection", () => WhisperKernels.MatMul(session, s.Normed.Read, _wqkv16.Read, s.Qkv32.Write));
        log.Host("Q/K/V bias, to bf16", () => AddBiasNarrow(s.Qkv32, _bqkv, s.Qkv));
        // Q, K and V are strided views of one matrix: the generated call packs them from there, with no copy on the host.
        log.Npu("attention", () => WhisperKernels.Attention(session, s.Qkv.Columns(0, D), s.Qkv.Columns(D, D), s.Qkv.Columns(2 * D, D), s.Attended.Write));
        log.Npu("output projection", () => WhisperKernels.MatMul(session, s.Attended.Read, _wo16.Read, s.Projected.Write));
        log.Host("bias, residual, to bf16", () => AddResidual(x, s.Projected, _bo, s.X16));
        log.Npu("layer norm 2", () => WhisperKernels.LayerNorm(session, s.X16.Read, _ln2Gamma16, _ln2Beta16, s.Normed.Write));
        log.Npu("FFN up 512→2048", () => WhisperKernels.MatMul(session, s.Normed.Read, _w116.Read, s.Hidden32.Write));
        log.Host("FFN bias, to bf16", () => AddBiasNarrow(s.Hidden32, _b1, s.Hidden));
        log.Npu("GELU", () => WhisperKernels.Gelu(session, s.Hidden.Data, s.Activated.Data));
        log.Npu("FFN down 2048→512", () => WhisperKernels.MatMul(session, s.Activated.Read, _w216.Read, s.Projected.Write));
        log.Host("bias, residual", () => AddResidual(x, s.Projected, _b2, null));
    }

    /// <summary>The same layer in plain float32 C# (GELU in the tanh form the NPU kernel computes): <paramref name="x"/> is updated in place.</summary>
    public void Reference(float[] x, int frames)
    {
        var normed = new float[frames * Model];
        var qkv = new float[frames * 3 * Model];
        var attended = new float[frames * Model];
        var projected = new float[frames * Model];
        var hidden = new float[frames * Ffn];

        ReferenceMath.LayerNorm(x, _ln1Gamma, _ln1Beta, normed, frames, Model);
        ReferenceMath.MatMul(normed, _wqkv, qkv, frames, Model, 3 * Model);
        ReferenceMath.AddBias(qkv, _bqkv);
        ReferenceMath.Attention(qkv, attended, frames, Model, Heads);
        ReferenceMath.MatMul(attended, _wo, projected, frames, Model, Model);
        ReferenceMath.AddBias(projected, _bo);
        TensorPrimitives.Add(x, projected, x);
        ReferenceMath.LayerNorm(x, _ln2Gamma, _ln2Beta, normed, frames, Model);
        ReferenceMath.MatMul(normed, _w1, hidden, frames, Model, Ffn);
        ReferenceMath.AddBias(hidden, _b1);
        ReferenceMath.Gelu(hidden);
        ReferenceMath.MatMul(hidden, _w2, projected, frames, Ffn, Model);
        ReferenceMath.AddBias(projected, _b2);
        TensorPrimitives.Add(x, projected, x);
    }

    private static void AddBiasNarrow(Matrix<float> c, float[] bias, Matrix<BFloat16> output)
    {
        for (int r = 0; r < c.Rows; r++)
        {
            var row = c.Data.AsSpan(r * c.Cols, c.Cols);
            TensorPrimitives.Add(row, bias, row);
            BFloat16Span.Narrow(row, output.Data.AsSpan(r * c.Cols, c.Cols));
        }
    }

    // x += projected + bias, row by row; with a bf16 copy of the new x for the next layer norm when asked.
    private static void AddResidual(Matrix<float> x, Matrix<float> projected, float[] bias, Matrix<BFloat16>? x16)
    {
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Data.AsSpan(r * x.Cols, x.Cols);
            TensorPrimitives.Add(row, projected.Data.AsSpan(r * x.Cols, x.Cols), row);
            TensorPrimitives.Add(row, bias, row);
            if (x16 is not null) BFloat16Span.Narrow(row, x16.Data.AsSpan(r * x.Cols, x.Cols));
        }
    }

    private static BFloat16[] Bf16(float[] values)
    {
        var b = new BFloat16[values.Length];
        BFloat16Span.Narrow(values, b);
        return b;
    }

    private static Matrix<BFloat16> Bf16(float[] values, int rows, int cols)
    {
        var m = new Matrix<BFloat16>(rows, cols);
        BFloat16Span.Narrow(values, m.Data);
        return m;
    }
}
