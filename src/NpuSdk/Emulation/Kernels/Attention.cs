using System.Numerics.Tensors;

namespace NpuSdk.Emulation.Kernels;

/// <summary>
/// Multi-head attention for a block of query rows (the <c>attention_bf16</c> rule). Q (queries x dim), K and V
/// (keys x dim) and O (queries x dim) are row-major bf16 with head h in columns h·headDim..(h+1)·headDim-1. For each
/// head: scores = Q_h·K_hᵀ·scale, P = softmax over the keys, O_h = P·V_h; all in float32, O rounded to bf16.
/// </summary>
public static class Attention
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

        // One head's K and V widened once, then reused by every query row of the block.
        using var scratch = new FloatScratch(2 * keys * headDim + keys + 2 * headDim);
        var kh = scratch.Span[..(keys * headDim)];
        var vh = scratch.Span.Slice(keys * headDim, keys * headDim);
        var scores = scratch.Span.Slice(2 * keys * headDim, keys);
        var qRow = scratch.Span.Slice(2 * keys * headDim + keys, headDim);
        var acc = scratch.Span.Slice(2 * keys * headDim + keys + headDim, headDim);
        for (int h = 0; h < heads; h++)
        {
            int column = h * headDim;
            for (int j = 0; j < keys; j++)
            {
                BFloat16Span.Widen(k.Slice(j * dim + column, headDim), kh.Slice(j * headDim, headDim));
                BFloat16Span.Widen(v.Slice(j * dim + column, headDim), vh.Slice(j * headDim, headDim));
            }
            for (int i = 0; i < queries; i++)
            {
                BFloat16Span.Widen(q.Slice(i * dim + column, headDim), qRow);
                for (int j = 0; j < keys; j++) scores[j] = TensorPrimitives.Dot<float>(qRow, kh.Slice(j * headDim, headDim)) * scale;
                Softmax.InPlace(scores);
                acc.Clear();
                for (int j = 0; j < keys; j++) TensorPrimitives.MultiplyAdd(vh.Slice(j * headDim, headDim), scores[j], acc, acc);
                BFloat16Span.Narrow(acc, o.Slice(i * dim + column, headDim));
            }
        }
    }
}
