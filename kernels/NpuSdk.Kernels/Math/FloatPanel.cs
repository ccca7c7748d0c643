using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NpuSdk.Kernels;

/// <summary>
/// The inner loop of the float kernels: 64 outputs <c>c[j] = fma(a[t], panel[t, j], c[j])</c> for t ascending, with
/// the 64 accumulators held in registers for the whole of <c>a</c>. The panel is row-major with 64 columns.
/// Every path performs the same fused operations in the same order per output, so the bits agree.
/// </summary>
internal static class FloatPanel
{
    /// <summary>Outputs per panel row.</summary>
    public const int Width = 64;

    public static void Accumulate(ReadOnlySpan<float> a, ReadOnlySpan<float> panel, Span<float> c, FloatPath path)
    {
        if (path == FloatPath.Vector512) Accumulate512(a, panel, c);
        else if (path == FloatPath.Vector256) Accumulate256(a, panel, c);
        else AccumulateScalar(a, panel, c);
    }

    private static void Accumulate512(ReadOnlySpan<float> a, ReadOnlySpan<float> panel, Span<float> cRow)
    {
        ref float c = ref MemoryMarshal.GetReference(cRow);
        ref float p = ref MemoryMarshal.GetReference(panel);
        var c0 = Vector512.LoadUnsafe(ref c);
        var c1 = Vector512.LoadUnsafe(ref c, 16);
        var c2 = Vector512.LoadUnsafe(ref c, 32);
        var c3 = Vector512.LoadUnsafe(ref c, 48);
        for (int t = 0; t < a.Length; t++)
        {
            var av = Vector512.Create(a[t]);
            nuint row = (nuint)(t * Width);
            c0 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref p, row), c0);
            c1 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref p, row + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref p, row + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref p, row + 48), c3);
        }
        c0.StoreUnsafe(ref c);
        c1.StoreUnsafe(ref c, 16);
        c2.StoreUnsafe(ref c, 32);
        c3.StoreUnsafe(ref c, 48);
    }

    private static void Accumulate256(ReadOnlySpan<float> a, ReadOnlySpan<float> panel, Span<float> cRow)
    {
        ref float c = ref MemoryMarshal.GetReference(cRow);
        ref float p = ref MemoryMarshal.GetReference(panel);
        // Two passes of 32 columns: eight accumulators would not leave AVX2's 16 registers room for the loads.
        for (nuint half = 0; half < Width; half += 32)
        {
            var c0 = Vector256.LoadUnsafe(ref c, half);
            var c1 = Vector256.LoadUnsafe(ref c, half + 8);
            var c2 = Vector256.LoadUnsafe(ref c, half + 16);
            var c3 = Vector256.LoadUnsafe(ref c, half + 24);
            for (int t = 0; t < a.Length; t++)
            {
                var av = Vector256.Create(a[t]);
                nuint row = (nuint)(t * Width) + half;
                c0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref p, row), c0);
                c1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref p, row + 8), c1);
                c2 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref p, row + 16), c2);
                c3 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref p, row + 24), c3);
            }
            c0.StoreUnsafe(ref c, half);
            c1.StoreUnsafe(ref c, half + 8);
            c2.StoreUnsafe(ref c, half + 16);
            c3.StoreUnsafe(ref c, half + 24);
        }
    }

    private static void AccumulateScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> panel, Span<float> c)
    {
        for (int j = 0; j < Width; j++)
        {
            float acc = c[j];
            for (int t = 0; t < a.Length; t++) acc = MathF.FusedMultiplyAdd(a[t], panel[t * Width + j], acc);
            c[j] = acc;
        }
    }
}
