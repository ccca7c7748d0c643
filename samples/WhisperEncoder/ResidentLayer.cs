using NpuSdk;

namespace WhisperEncoder;

/// <summary>
/// One encoder layer kept on the device: its weights uploaded once as tensors, every operator a generated call over
/// tensors, so one operator's output is the next one's input with no copy and no sync. Unlike the span-based layer,
/// the bias adds and residuals run on the NPU too (bias_add_bf16, add_bf16), and Q, K and V are three 512-wide
/// projections, so every operand is a whole row-major tensor. The residual stream stays in bf16 on the device.
/// </summary>
internal sealed class ResidentLayer : IDisposable
{
    private readonly NpuTensor<BFloat16> _ln1Gamma, _ln1Beta, _ln2Gamma, _ln2Beta;
    private readonly NpuTensor<BFloat16> _wq, _wk, _wv, _bq, _bv, _wo, _bo, _w1, _b1, _w2, _b2;
    private readonly List<NpuTensor> _all = new();

    /// <summary>Uploads <paramref name="weights"/> (bf16, as the span-based layer rounds them) to <paramref name="session"/>'s device.</summary>
    public ResidentLayer(NpuSession session, EncoderLayer.Bf16Weights weights)
    {
        const int D = EncoderLayer.Model;
        NpuTensor<BFloat16> Vector(BFloat16[] values)
        {
            var t = session.CreateTensor<BFloat16>(values.Length);
            t.CopyFrom(values);
            _all.Add(t);
            return t;
        }
        NpuTensor<BFloat16> Matrix(ReadOnlySpan2D<BFloat16> values)
        {
            var t = session.CreateTensor<BFloat16>(values.Rows, values.Cols);
            t.CopyFrom(values);
            _all.Add(t);
            return t;
        }
        (_ln1Gamma, _ln1Beta, _ln2Gamma, _ln2Beta) = (Vector(weights.Ln1Gamma), Vector(weights.Ln1Beta), Vector(weights.Ln2Gamma), Vector(weights.Ln2Beta));
        // The span-based layer's Q/K/V weight is one 512x1536 matrix; here each projection is its own 512x512 tensor.
        (_wq, _wk, _wv) = (Matrix(weights.Wqkv.Columns(0, D)), Matrix(weights.Wqkv.Columns(D, D)), Matrix(weights.Wqkv.Columns(2 * D, D)));
        (_bq, _bv) = (Vector(weights.Bqkv[..D]), Vector(weights.Bqkv[(2 * D)..]));   // the key projection has no bias
        (_wo, _bo) = (Matrix(weights.Wo.Read), Vector(weights.Bo));
        (_w1, _b1) = (Matrix(weights.W1.Read), Vector(weights.B1));
        (_w2, _b2) = (Matrix(weights.W2.Read), Vector(weights.B2));
    }

    /// <summary>The intermediates of one layer call on the device, allocated once and shared by every layer.</summary>
    public sealed class Activations : IDisposable
    {
        private readonly List<NpuTensor> _all = new();

        public Activations(NpuSession session, int frames)
        {
            NpuTensor<BFloat16> T(int cols)
            {
                var t = session.CreateTensor<BFloat16>(frames, cols);
                _all.Add(t);
                return t;
            }
            const int D = EncoderLayer.Model, F = EncoderLayer.Ffn;
            (X, Mid, Normed, Projected, Biased) = (T(D), T(D), T(D), T(D), T(D));
            (Q, K, V, Attended) = (T(D), T(D), T(D), T(D));
            (Hidden, HiddenBiased, Activated) = (T(F), T(F), T(F));
        }

        /// <summary>The residual stream: the layer's input and, when it returns, its output.</summary>
        public NpuTensor<BFloat16> X { get; }
        /// <summary>The residual stream after attention.</summary>
        public NpuTensor<BFloat16> Mid { get; }
        public NpuTensor<BFloat16> Normed { get; }
        public NpuTensor<BFloat16> Projected { get; }
        public NpuTensor<BFloat16> Biased { get; }
        public NpuTensor<BFloat16> Q { get; }
        public NpuTensor<BFloat16> K { get; }
        public NpuTensor<BFloat16> V { get; }
        public NpuTensor<BFloat16> Attended { get; }
        public NpuTensor<BFloat16> Hidden { get; }
        public NpuTensor<BFloat16> HiddenBiased { get; }
        public NpuTensor<BFloat16> Activated { get; }

        public void Dispose()
        {
            foreach (var t in _all) t.Dispose();
        }
    }

    /// <summary>
    /// The layer over <paramref name="a"/>: reads <see cref="Activations.X"/> and leaves the layer's output there. Every
    /// call is a generated method's tensor overload; nothing is copied to or from the host. With a
    /// <paramref name="log"/>, each operator is timed and counted; without one (inside <see cref="NpuSession.Record"/>)
    /// the calls are only made.
    /// </summary>
    public void Forward(NpuSession s, Activations a, OperatorLog? log = null)
    {
        void Npu(string name, Action call)
        {
            if (log is null) call();
            else log.Npu(name, call);
        }
        Npu("layer norm 1", () => WhisperKernels.LayerNorm(s, a.X, _ln1Gamma, _ln1Beta, a.Normed));
        Npu("Q/K/V projection", () =>
        {
            ResidentKernels.Linear(s, a.Normed, _wq, a.Projected);
            ResidentKernels.BiasAdd(s, a.Projected, _bq, a.Q);
            ResidentKernels.Linear(s, a.Normed, _wk, a.K);
            ResidentKernels.Linear(s, a.Normed, _wv, a.Projected);
            ResidentKernels.BiasAdd(s, a.Projected, _bv, a.V);
        });
        Npu("attention", () => WhisperKernels.Attention(s, a.Q, a.K, a.V, a.Attended));
        Npu("output projection", () => ResidentKernels.Linear(s, a.Attended, _wo, a.Projected));
        Npu("output bias, residual", () =>
        {
            ResidentKernels.BiasAdd(s, a.Projected, _bo, a.Biased);
            ResidentKernels.Add(s, a.X, a.Biased, a.Mid);
        });
        Npu("layer norm 2", () => WhisperKernels.LayerNorm(s, a.Mid, _ln2Gamma, _ln2Beta, a.Normed));
        Npu("FFN up 512→2048", () =>
        {
            ResidentKernels.LinearUp(s, a.Normed, _w1, a.Hidden);
            ResidentKernels.BiasAddWide(s, a.Hidden, _b1, a.HiddenBiased);
        });
        Npu("GELU", () => WhisperKernels.Gelu(s, a.HiddenBiased, a.Activated));
        Npu("FFN down 2048→512", () => ResidentKernels.LinearDown(s, a.Activated, _w2, a.Projected));
        Npu("FFN bias, residual", () =>
        {
            ResidentKernels.BiasAdd(s, a.Projected, _b2, a.Biased);
            ResidentKernels.Add(s, a.Mid, a.Biased, a.X);
        });
    }

    public void Dispose()
    {
        foreach (var t in _all) t.Dispose();
    }
}
