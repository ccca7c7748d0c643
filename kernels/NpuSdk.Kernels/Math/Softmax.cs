using System.Numerics.Tensors;

namespace NpuSdk.Kernels;

/// <summary>
/// Softmax over rows of bf16 values (the <c>softmax_bf16</c> rule): <c>exp(x - max) / Σ exp(x - max)</c> in float32,
/// rounded to bf16 nearest-even. -inf entries give 0; a NaN or +inf, or a row of only -inf, gives a NaN row.
/// </summary>
internal static class Softmax
{
    /// <summary>Computes the softmax of each of <paramref name="rows"/> rows of <paramref name="cols"/> values.</summary>
    public static void Compute(ReadOnlySpan<ushort> x, Span<ushort> y, int rows, int cols)
    {
        if (rows <= 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"A {rows}x{cols} block is empty.");
        if (x.Length < rows * cols) throw new ArgumentException($"x holds {x.Length} values; {rows}x{cols} needs {rows * cols}.", nameof(x));
        if (y.Length < rows * cols) throw new ArgumentException($"y holds {y.Length} values; {rows}x{cols} needs {rows * cols}.", nameof(y));
        using var scratch = new FloatScratch(cols);
        var row = scratch.Span;
        for (int r = 0; r < rows; r++)
        {
            BFloat16Span.Widen(x.Slice(r * cols, cols), row);
            InPlace(row);
            BFloat16Span.Narrow(row, y.Slice(r * cols, cols));
        }
    }

    /// <summary>Replaces <paramref name="row"/> by its softmax in float32.</summary>
    internal static void InPlace(Span<float> row)
    {
        float max = TensorPrimitives.Max<float>(row);
        TensorPrimitives.Subtract(row, max, row);
        TensorPrimitives.Exp(row, row);
        float sum = TensorPrimitives.Sum<float>(row);
        TensorPrimitives.Divide(row, sum, row);
    }
}
