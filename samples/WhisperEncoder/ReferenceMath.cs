using System.Numerics.Tensors;

namespace WhisperEncoder;

/// <summary>The encoder layer's operations in plain float32 C#, the check of the NPU path (vectorized, rows in parallel).</summary>
internal static class ReferenceMath
{
    public static void LayerNorm(float[] x, float[] gamma, float[] beta, float[] y, int rows, int cols)
    {
        Parallel.For(0, rows, r =>
        {
            var row = x.AsSpan(r * cols, cols);
            var output = y.AsSpan(r * cols, cols);
            float mean = TensorPrimitives.Sum(row) / cols;
            float variance = 0;
            foreach (float v in row) variance += (v - mean) * (v - mean);
            float scale = 1 / MathF.Sqrt(variance / cols + 1e-5f);
            for (int c = 0; c < cols; c++) output[c] = (row[c] - mean) * scale * gamma[c] + beta[c];
        });
    }

    /// <summary>c = a (m x k) · b (k x n).</summary>
    public static void MatMul(float[] a, float[] b, float[] c, int m, int k, int n)
    {
        Parallel.For(0, m, i =>
        {
            var row = c.AsSpan(i * n, n);
            row.Clear();
            for (int t = 0; t < k; t++)
                TensorPrimitives.MultiplyAdd(b.AsSpan(t * n, n), a[i * k + t], row, row);
        });
    }

    /// <summary>Adds <paramref name="bias"/> to every row.</summary>
    public static void AddBias(float[] matrix, float[] bias)
    {
        for (int r = 0; r < matrix.Length / bias.Length; r++)
        {
            var row = matrix.AsSpan(r * bias.Length, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>Per head: softmax(Q_h·K_hᵀ / sqrt(64))·V_h, with Q, K, V side by side in <paramref name="qkv"/> (frames x 3·d).</summary>
    public static void Attention(float[] qkv, float[] output, int frames, int d, int heads)
    {
        int hd = d / heads, stride = 3 * d;
        float scale = 1 / MathF.Sqrt(hd);
        // K_h and V_h transposed (hd x frames), so a query's scores and its output are long vector operations.
        var kt = new float[heads][];
        var vt = new float[heads][];
        Parallel.For(0, heads, h =>
        {
            (kt[h], vt[h]) = (new float[hd * frames], new float[hd * frames]);
            for (int j = 0; j < frames; j++)
                for (int t = 0; t < hd; t++)
                {
                    kt[h][t * frames + j] = qkv[j * stride + d + h * hd + t];
                    vt[h][t * frames + j] = qkv[j * stride + 2 * d + h * hd + t];
                }
        });
        Parallel.For(0, frames, () => new float[frames], (i, _, scores) =>
        {
            for (int h = 0; h < heads; h++)
            {
                var s = scores.AsSpan();
                s.Clear();
                for (int t = 0; t < hd; t++) TensorPrimitives.MultiplyAdd(kt[h].AsSpan(t * frames, frames), qkv[i * stride + h * hd + t], s, s);
                TensorPrimitives.Multiply(s, scale, s);
                TensorPrimitives.SoftMax(s, s);
                for (int t = 0; t < hd; t++) output[i * d + h * hd + t] = TensorPrimitives.Dot(s, vt[h].AsSpan(t * frames, frames));
            }
            return scores;
        }, _ => { });
    }

    /// <summary>GELU in its tanh form, 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))), as the library's kernel computes it.</summary>
    public static void Gelu(float[] x)
    {
        const float c = 0.7978845608f;   // sqrt(2/pi)
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            x[i] = 0.5f * v * (1 + MathF.Tanh(c * (v + 0.044715f * v * v * v)));
        }
    }
}
