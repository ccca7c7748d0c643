using System.Numerics.Tensors;

namespace NpuSdk.Kernels;

/// <summary>
/// Multi-head attention for a block of query rows (the <c>attention_bf16</c> rule). Q (queries x dim), K and V
/// (keys x dim) and O (queries x dim) are row-major bf16 with head h in columns h·headDim..(h+1)·headDim-1. For each
/// head: scores = Q_h·K_hᵀ·scale, P = softmax over the keys, O_h = P·V_h; all in float32, O rounded to bf16.
/// </summary>
internal static class Attention
{
    /// <summary>Computes one block.</summary>
    public static void Compute(ReadOnlySpan<ushort> q, ReadOnlySpan<ushort> k, ReadOnlySpan<ushort> v, Span<ushort> o,
                               int queries, int keys, int heads, int headDim, float scale)
    {
        if (queries <= 0 || keys <= 0 || heads <= 0 || headDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(queries), $"queries {queries}, keys {keys}, heads {heads} and headDim {headDim} must all be positive.");
        int dim = heads * headDim;
        if (q.Length < queries * dim) throw new ArgumentException($"q holds {q.Length} values; {queries}x{dim} needs {queries * dim}.", nameof(q));
        if (k.Length < keys * dim) throw new ArgumentException($"k holds {k.Length} values; {keys}x{dim} needs {keys * dim}.", nameof(k));
        if (v.Length < keys * dim) throw new ArgumentException($"v holds {v.Length} values; {keys}x{dim} needs {keys * dim}.", nameof(v));
        if (o.Length < queries * dim) throw new ArgumentException($"o holds {o.Length} values; {queries}x{dim} needs {queries * dim}.", nameof(o));

        if (headDim != FloatPanel.Width)
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"The attention kernel computes heads of {FloatPanel.Width} columns.");

        // Per head, everything is 64-wide panels so each product runs with its accumulators in registers:
        // Kᵀ in blocks of 64 keys (64 x 64), V in rows of 64, scores for the whole block of queries.
        const int W = FloatPanel.Width;
        int blocks = (keys + W - 1) / W;
        int padded = blocks * W;
        using var scratch = new FloatScratch(2 * padded * W + queries * padded + 2 * queries * W + W);
        var kt = scratch.Span[..(padded * W)];
        var vp = scratch.Span.Slice(padded * W, padded * W);
        var scores = scratch.Span.Slice(2 * padded * W, queries * padded);
        var qh = scratch.Span.Slice(2 * padded * W + queries * padded, queries * W);
        var oh = scratch.Span.Slice(2 * padded * W + queries * padded + queries * W, queries * W);
        var row = scratch.Span.Slice(2 * padded * W + queries * padded + 2 * queries * W, W);
        var path = BFloat16MatMul.BestPath;
        for (int h = 0; h < heads; h++)
        {
            int column = h * W;
            kt.Clear();
            vp[(keys * W)..].Clear();
            for (int j = 0; j < keys; j++)
            {
                BFloat16Span.Widen(k.Slice(j * dim + column, W), row);
                var block = kt.Slice(j / W * W * W, W * W);
                for (int d = 0; d < W; d++) block[d * W + j % W] = row[d];
                BFloat16Span.Widen(v.Slice(j * dim + column, W), vp.Slice(j * W, W));
            }
            for (int i = 0; i < queries; i++) BFloat16Span.Widen(q.Slice(i * dim + column, W), qh.Slice(i * W, W));

            scores.Clear();
            for (int b = 0; b < blocks; b++)
                for (int i = 0; i < queries; i++)
                    FloatPanel.Accumulate(qh.Slice(i * W, W), kt.Slice(b * W * W, W * W), scores.Slice(i * padded + b * W, W), path);

            for (int i = 0; i < queries; i++)
            {
                var p = scores.Slice(i * padded, keys);
                TensorPrimitives.Multiply(p, scale, p);
                Softmax.InPlace(p);
            }

            oh.Clear();
            for (int b = 0; b < blocks; b++)
            {
                int count = Math.Min(W, keys - b * W);
                for (int i = 0; i < queries; i++)
                    FloatPanel.Accumulate(scores.Slice(i * padded + b * W, count), vp.Slice(b * W * W, count * W), oh.Slice(i * W, W), path);
            }
            for (int i = 0; i < queries; i++) BFloat16Span.Narrow(oh.Slice(i * W, W), o.Slice(i * dim + column, W));
        }
    }
}
