using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NpuSdk.Emulation.Kernels;

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
public static class BFloat16MatMul
{
    private const int Columns = 64;
    private const int ScratchFloats = 4096;

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
        // B is widened a block of K rows at a time into a 16 KB stack scratch that stays in L1 while every row of A uses it.
        int kb = Math.Max(1, Math.Min(k, ScratchFloats / n));
        Span<float> scratch = stackalloc float[n <= ScratchFloats ? kb * n : 0];
        Span<float> aRow = stackalloc float[Math.Min(kb, ScratchFloats)];
        for (int k0 = 0; k0 < k; k0 += kb)
        {
            int rows = Math.Min(kb, k - k0);
            var bBlock = scratch.IsEmpty ? default : scratch[..(rows * n)];
            if (!bBlock.IsEmpty) BFloat16Span.Widen(b.Slice(k0 * n, rows * n), bBlock);
            for (int i = 0; i < m; i++)
            {
                BFloat16Span.Widen(a.Slice(i * k + k0, rows), aRow);
                var cRow = c.Slice(i * n, n);
                int j = 0;
                if (!bBlock.IsEmpty && path == FloatPath.Vector512)
                    for (; j + Columns <= n; j += Columns) Accumulate512(aRow[..rows], bBlock, cRow, j, n);
                else if (!bBlock.IsEmpty && path == FloatPath.Vector256)
                    for (; j + Columns <= n; j += Columns) Accumulate256(aRow[..rows], bBlock, cRow, j, n);
                for (; j < n; j++)
                {
                    float acc = cRow[j];
                    for (int t = 0; t < rows; t++)
                        acc = MathF.FusedMultiplyAdd(aRow[t], BitConverter.UInt32BitsToSingle((uint)b[(k0 + t) * n + j] << 16), acc);
                    cRow[j] = acc;
                }
            }
        }
    }

    private static void Accumulate512(ReadOnlySpan<float> aRow, ReadOnlySpan<float> bBlock, Span<float> cRow, int j, int n)
    {
        ref float c = ref MemoryMarshal.GetReference(cRow);
        ref float bp = ref MemoryMarshal.GetReference(bBlock);
        var c0 = Vector512.LoadUnsafe(ref c, (nuint)j);
        var c1 = Vector512.LoadUnsafe(ref c, (nuint)(j + 16));
        var c2 = Vector512.LoadUnsafe(ref c, (nuint)(j + 32));
        var c3 = Vector512.LoadUnsafe(ref c, (nuint)(j + 48));
        for (int t = 0; t < aRow.Length; t++)
        {
            var av = Vector512.Create(aRow[t]);
            nuint row = (nuint)(t * n + j);
            c0 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref bp, row), c0);
            c1 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref bp, row + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref bp, row + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref bp, row + 48), c3);
        }
        c0.StoreUnsafe(ref c, (nuint)j);
        c1.StoreUnsafe(ref c, (nuint)(j + 16));
        c2.StoreUnsafe(ref c, (nuint)(j + 32));
        c3.StoreUnsafe(ref c, (nuint)(j + 48));
    }

    private static void Accumulate256(ReadOnlySpan<float> aRow, ReadOnlySpan<float> bBlock, Span<float> cRow, int j, int n)
    {
        ref float c = ref MemoryMarshal.GetReference(cRow);
        ref float bp = ref MemoryMarshal.GetReference(bBlock);
        for (int half = 0; half < Columns; half += 32)
        {
            int jh = j + half;
            var c0 = Vector256.LoadUnsafe(ref c, (nuint)jh);
            var c1 = Vector256.LoadUnsafe(ref c, (nuint)(jh + 8));
            var c2 = Vector256.LoadUnsafe(ref c, (nuint)(jh + 16));
            var c3 = Vector256.LoadUnsafe(ref c, (nuint)(jh + 24));
            for (int t = 0; t < aRow.Length; t++)
            {
                var av = Vector256.Create(aRow[t]);
                nuint row = (nuint)(t * n + jh);
                c0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bp, row), c0);
                c1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bp, row + 8), c1);
                c2 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bp, row + 16), c2);
                c3 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref bp, row + 24), c3);
            }
            c0.StoreUnsafe(ref c, (nuint)jh);
            c1.StoreUnsafe(ref c, (nuint)(jh + 8));
            c2.StoreUnsafe(ref c, (nuint)(jh + 16));
            c3.StoreUnsafe(ref c, (nuint)(jh + 24));
        }
    }
}
