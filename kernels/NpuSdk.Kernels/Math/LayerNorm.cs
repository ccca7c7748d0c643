using System.Numerics.Tensors;

namespace NpuSdk.Kernels;

/// <summary>
/// Layer normalization over rows of bf16 values (the <c>layernorm_bf16</c> rule): mean and biased variance in
/// float32, <c>y = (x - mean) / sqrt(var + epsilon) * gamma + beta</c> rounded to bf16 nearest-even.
/// </summary>
internal static class LayerNorm
{
    /// <summary>Normalizes <paramref name="rows"/> rows of <paramref name="cols"/> values.</summary>
    public static void Compute(ReadOnlySpan<ushort> x, ReadOnlySpan<ushort> gamma, ReadOnlySpan<ushort> beta, Span<ushort> y, int rows, int cols, float epsilon)
    {
        if (rows <= 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(rows), $"A {rows}x{cols} block is empty.");
        if (x.Length < rows * cols) throw new ArgumentException($"x holds {x.Length} values; {rows}x{cols} needs {rows * cols}.", nameof(x));
        if (y.Length < rows * cols) throw new ArgumentException($"y holds {y.Length} values; {rows}x{cols} needs {rows * cols}.", nameof(y));
        if (gamma.Length < cols) throw new ArgumentException($"gamma holds {gamma.Length} values; a row has {cols}.", nameof(gamma));
        if (beta.Length < cols) throw new ArgumentException($"beta holds {beta.Length} values; a row has {cols}.", nameof(beta));
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");

        using var scratch = new FloatScratch(3 * cols);
        var row = scratch.Span[..cols];
        var g = scratch.Span.Slice(cols, cols);
        var b = scratch.Span.Slice(2 * cols, cols);
        BFloat16Span.Widen(gamma[..cols], g);
        BFloat16Span.Widen(beta[..cols], b);
        for (int r = 0; r < rows; r++)
        {
            BFloat16Span.Widen(x.Slice(r * cols, cols), row);
            float mean = TensorPrimitives.Sum<float>(row) / cols;
            TensorPrimitives.Subtract(row, mean, row);
            float variance = TensorPrimitives.SumOfSquares<float>(row) / cols;
            float inverse = 1f / MathF.Sqrt(variance + epsilon);
            TensorPrimitives.Multiply(row, inverse, row);
            TensorPrimitives.FusedMultiplyAdd(row, g, b, row);
            BFloat16Span.Narrow(row, y.Slice(r * cols, cols));
        }
    }
}
