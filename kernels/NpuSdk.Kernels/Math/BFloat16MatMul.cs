using System.Runtime.Intrinsics;

namespace NpuSdk.Kernels;

/// <summary>The vector width a float kernel uses; tests force each one the machine has.</summary>
internal enum FloatPath
{
    /// <summary>Scalar <see cref="MathF.FusedMultiplyAdd"/>: any machine.</summary>
    Scalar,
    /// <summary>Eight float32 lanes.</summary>
    Vector256,
    /// <summary>Sixteen float32 lanes.</summary>
    Vector512,
}

/// <summary>
/// bf16 x bf16 -&gt; float32 matrix products (row-major) with the bf16 matmul manifests' rule: each output starts at
/// +0 and takes one fused multiply-add per k, k ascending. Vectorizing across output columns keeps that order per
/// output, so every path gives the same bits.
/// </summary>
internal static class BFloat16MatMul
{
    private const int KBlock = 64;

    internal static FloatPath BestPath =>
        Vector512.IsHardwareAccelerated ? FloatPath.Vector512
        : Vector256.IsHardwareAccelerated ? FloatPath.Vector256
        : FloatPath.Scalar;

    internal static bool IsSupported(FloatPath path) => path switch
    {
        FloatPath.Vector512 => Vector512.IsHardwareAccelerated,
        FloatPath.Vector256 => Vector256.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>C (m x n, float32) = A (m x k, bf16 bits) x B (k x n, bf16 bits).</summary>
    public static void Multiply(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> b, Span<float> c, int m, int k, int n) =>
        Multiply(a, b, c, m, k, n, BestPath);

    internal static void Multiply(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> b, Span<float> c, int m, int k, int n, FloatPath path)
    {
        if (m <= 0 || k <= 0 || n <= 0) throw new ArgumentOutOfRangeException(nameof(m), $"The shape {m}x{k} @ {k}x{n} has an empty dimension.");
        if (a.Length < m * k) throw new ArgumentException($"A holds {a.Length} values; {m}x{k} needs {m * k}.", nameof(a));
        if (b.Length < k * n) throw new ArgumentException($"B holds {b.Length} values; {k}x{n} needs {k * n}.", nameof(b));
        if (c.Length < m * n) throw new ArgumentException($"C holds {c.Length} values; {m}x{n} needs {m * n}.", nameof(c));
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"This machine cannot run the {path} float path.");

        c[..(m * n)].Clear();
        // Panels of 64 K rows x 64 columns of B, widened once into 16 KB of stack that stays in L1 while every row
        // of A streams past it; the 64 outputs of a row stay in registers for all 64 K rows.
        Span<float> panel = stackalloc float[KBlock * FloatPanel.Width];
        Span<float> aRow = stackalloc float[KBlock];
        int panels = n / FloatPanel.Width * FloatPanel.Width;
        for (int j0 = 0; j0 < panels; j0 += FloatPanel.Width)
        {
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int rows = Math.Min(KBlock, k - k0);
                for (int t = 0; t < rows; t++)
                    BFloat16Span.Widen(b.Slice((k0 + t) * n + j0, FloatPanel.Width), panel.Slice(t * FloatPanel.Width, FloatPanel.Width));
                for (int i = 0; i < m; i++)
                {
                    BFloat16Span.Widen(a.Slice(i * k + k0, rows), aRow);
                    FloatPanel.Accumulate(aRow[..rows], panel[..(rows * FloatPanel.Width)], c.Slice(i * n + j0, FloatPanel.Width), path);
                }
            }
        }
        // Columns past the last whole panel: the same fused steps one output at a time.
        for (int i = 0; i < m; i++)
            for (int j = panels; j < n; j++)
            {
                float acc = 0f;
                for (int t = 0; t < k; t++)
                    acc = MathF.FusedMultiplyAdd(BitConverter.UInt32BitsToSingle((uint)a[i * k + t] << 16), BitConverter.UInt32BitsToSingle((uint)b[t * n + j] << 16), acc);
                c[i * n + j] = acc;
            }
    }
}
