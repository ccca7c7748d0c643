using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NpuSdk.Numerics;

/// <summary>
/// Vectorized bf16 &lt;-&gt; float32 conversion over spans, bit for bit the same as <see cref="BFloat16.ToSingle"/>
/// (exact widening) and <see cref="BFloat16.RoundToBits"/> (nearest-even, NaN kept quiet with its sign).
/// </summary>
public static class BFloat16Span
{
    /// <summary>Widens <paramref name="source"/> exactly into <paramref name="destination"/>.</summary>
    public static void Widen(ReadOnlySpan<BFloat16> source, Span<float> destination) => Widen(MemoryMarshal.Cast<BFloat16, ushort>(source), destination);

    /// <summary>Rounds <paramref name="source"/> to bf16 (nearest, ties to even; NaN stays a quiet NaN).</summary>
    public static void Narrow(ReadOnlySpan<float> source, Span<BFloat16> destination) => Narrow(source, MemoryMarshal.Cast<BFloat16, ushort>(destination));

    /// <summary>Widens <paramref name="source"/> (bf16 bits) exactly into <paramref name="destination"/>.</summary>
    public static void Widen(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException($"destination holds {destination.Length} floats; {source.Length} are needed.", nameof(destination));
        int i = 0;
        ref ushort s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= source.Length; i += 16)
            {
                var bits = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (lo, hi) = Vector256.Widen(bits);
                Vector256.ShiftLeft(lo, 16).AsSingle().StoreUnsafe(ref d, (nuint)i);
                Vector256.ShiftLeft(hi, 16).AsSingle().StoreUnsafe(ref d, (nuint)(i + 8));
            }
        }
        for (; i < source.Length; i++) Unsafe.Add(ref d, i) = BitConverter.UInt32BitsToSingle((uint)Unsafe.Add(ref s, i) << 16);
    }

    /// <summary>Rounds <paramref name="source"/> to bf16 bits (nearest, ties to even; NaN stays a quiet NaN).</summary>
    public static void Narrow(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException($"destination holds {destination.Length} bf16 values; {source.Length} are needed.", nameof(destination));
        int i = 0;
        ref float s = ref MemoryMarshal.GetReference(source);
        ref ushort d = ref MemoryMarshal.GetReference(destination);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= source.Length; i += 16)
            {
                var lo = Round(Vector256.LoadUnsafe(ref s, (nuint)i).AsUInt32());
                var hi = Round(Vector256.LoadUnsafe(ref s, (nuint)(i + 8)).AsUInt32());
                Vector256.Narrow(lo, hi).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < source.Length; i++) Unsafe.Add(ref d, i) = BFloat16.RoundToBits(BitConverter.SingleToUInt32Bits(Unsafe.Add(ref s, i)));
    }

    /// <summary>The bf16 rounding of eight binary32 bit patterns, left in the low halves of the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<uint> bits)
    {
        var isNaN = Vector256.GreaterThan(bits & Vector256.Create(0x7FFF_FFFFu), Vector256.Create(0x7F80_0000u));
        var lsb = Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One;
        var rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + lsb, 16);
        var quiet = Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x0040u);
        return Vector256.ConditionalSelect(isNaN, quiet, rounded);
    }
}
