using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NpuSdk.Kernels;

/// <summary>
/// GELU of bf16 values (the <c>gelu_bf16</c> rule): the tanh approximation
/// <c>0.5·x·(1 + tanh(u))</c>, <c>u = √(2/π)·(x + 0.044715·x³)</c>, evaluated in float32 as the equal
/// <c>x·σ(2u)</c> with <c>e = exp(-2|u|)</c>: <c>x / (1 + e)</c> for u ≥ 0 and <c>x·e / (1 + e)</c> for u &lt; 0, so large
/// negative inputs neither cancel nor overflow. Rounded to bf16 nearest-even.
/// </summary>
internal static class Gelu
{
    /// <summary>√(2/π).</summary>
    public const float Sqrt2OverPi = 0.7978845608f;
    /// <summary>The cubic coefficient of the tanh approximation.</summary>
    public const float Cubic = 0.044715f;
    // Below this GELU is -0 in float32; clamping there keeps -inf from becoming -inf·0 = NaN.
    private const float Floor = -100f;
    private const int Chunk = 1024;

    /// <summary>Computes <c>y = gelu(x)</c> element by element.</summary>
    public static void Compute(ReadOnlySpan<ushort> x, Span<ushort> y)
    {
        if (y.Length < x.Length) throw new ArgumentException($"y holds {y.Length} values; x has {x.Length}.", nameof(y));
        Span<float> v = stackalloc float[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, x.Length - start);
            var xs = v[..count];
            BFloat16Span.Widen(x.Slice(start, count), xs);
            InPlace(xs);
            BFloat16Span.Narrow(xs, y.Slice(start, count));
        }
    }

    private static void InPlace(Span<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= values.Length; i += 8)
            {
                var raw = Vector256.LoadUnsafe(ref r, (nuint)i);
                var x = Vector256.Max(raw, Vector256.Create(Floor));
                var u = Vector256.Create(Sqrt2OverPi) * x * (Vector256.Create(Cubic) * x * x + Vector256<float>.One);
                var e = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(u));
                var numerator = Vector256.ConditionalSelect(Vector256.LessThan(u, Vector256<float>.Zero), x * e, x);
                var result = numerator / (Vector256<float>.One + e);
                // NaN passes through whatever Max does with it.
                Vector256.ConditionalSelect(Vector256.IsNaN(raw), raw, result).StoreUnsafe(ref r, (nuint)i);
            }
        }
        for (; i < values.Length; i++) Unsafe.Add(ref r, i) = Scalar(Unsafe.Add(ref r, i));
    }

    private static float Scalar(float value)
    {
        if (float.IsNaN(value)) return value;
        float x = MathF.Max(value, Floor);
        float u = Sqrt2OverPi * x * (Cubic * x * x + 1f);
        float e = MathF.Exp(-2f * MathF.Abs(u));
        return (u < 0 ? x * e : x) / (1f + e);
    }
}
