using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using NpuSdk.KernelModel;

namespace NpuSdk.Launch;

/// <summary>
/// The host's side of a kernel's numeric rule: adding partial outputs over K (integers in int32 with wrap-around,
/// bf16 and float32 in float32) and converting a kernel's output, or the host's sum, to the method's element type
/// (integers saturate when narrowed, float32 rounds to bf16 to nearest-even, everything else is exact). Vectorized;
/// nothing allocates.
/// </summary>
internal static class ElementConversion
{
    /// <summary>What partials of <paramref name="partial"/> are added in.</summary>
    public static ElementType AccumulatorFor(ElementType partial) => ElementTypes.IsFloat(partial) ? ElementType.Float32 : ElementType.Int32;

    /// <summary>Adds <paramref name="count"/> partial values into an accumulator of <see cref="AccumulatorFor"/> elements.</summary>
    public static void Accumulate(ElementType partial, ReadOnlySpan<byte> source, Span<byte> accumulator, int count)
    {
        if (ElementTypes.IsFloat(partial))
        {
            var acc = MemoryMarshal.Cast<byte, float>(accumulator)[..count];
            if (partial == ElementType.Float32) TensorPrimitives.Add(acc, MemoryMarshal.Cast<byte, float>(source)[..count], acc);
            else AddWidened(MemoryMarshal.Cast<byte, ushort>(source)[..count], acc);
            return;
        }
        var sums = MemoryMarshal.Cast<byte, int>(accumulator)[..count];
        switch (partial)
        {
            case ElementType.Int32: TensorPrimitives.Add(sums, MemoryMarshal.Cast<byte, int>(source)[..count], sums); break;
            case ElementType.Int8: AddWidenedInt8(MemoryMarshal.Cast<byte, sbyte>(source)[..count], sums); break;
            case ElementType.UInt8: for (int i = 0; i < count; i++) sums[i] += source[i]; break;
            default: AddWidenedInt16(MemoryMarshal.Cast<byte, short>(source)[..count], sums); break;
        }
    }

    /// <summary>Converts <paramref name="count"/> values of <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void Convert(ElementType from, ReadOnlySpan<byte> source, ElementType to, Span<byte> destination, int count)
    {
        if (from == to)
        {
            int bytes = count * ElementTypes.Size(from);
            source[..bytes].CopyTo(destination);
            return;
        }
        switch (from)
        {
            case ElementType.Float32 when to == ElementType.BFloat16:
                BFloat16Span.Narrow(MemoryMarshal.Cast<byte, float>(source)[..count], MemoryMarshal.Cast<byte, ushort>(destination));
                return;
            case ElementType.BFloat16 when to == ElementType.Float32:
                BFloat16Span.Widen(MemoryMarshal.Cast<byte, ushort>(source)[..count], MemoryMarshal.Cast<byte, float>(destination));
                return;
            case ElementType.Int8: Saturate(MemoryMarshal.Cast<byte, sbyte>(source)[..count], to, destination); return;
            case ElementType.UInt8: Saturate(source[..count], to, destination); return;
            case ElementType.Int16: Saturate(MemoryMarshal.Cast<byte, short>(source)[..count], to, destination); return;
            case ElementType.Int32: Saturate(MemoryMarshal.Cast<byte, int>(source)[..count], to, destination); return;
        }
        throw new InvalidOperationException($"No conversion from {ElementTypes.ManifestName(from)} to {ElementTypes.ManifestName(to)}.");
    }

    private static void Saturate<TFrom>(ReadOnlySpan<TFrom> source, ElementType to, Span<byte> destination) where TFrom : unmanaged, IBinaryInteger<TFrom>
    {
        switch (to)
        {
            case ElementType.Int8: TensorPrimitives.ConvertSaturating(source, MemoryMarshal.Cast<byte, sbyte>(destination)); break;
            case ElementType.UInt8: TensorPrimitives.ConvertSaturating(source, destination); break;
            case ElementType.Int16: TensorPrimitives.ConvertSaturating(source, MemoryMarshal.Cast<byte, short>(destination)); break;
            case ElementType.Int32: TensorPrimitives.ConvertSaturating(source, MemoryMarshal.Cast<byte, int>(destination)); break;
            default: throw new InvalidOperationException($"No conversion from an integer to {ElementTypes.ManifestName(to)}.");
        }
    }

    // int8 and int16 partials widened to int32 in registers and added (int32 wraps, as the rule says); the tail in scalars.
    private static void AddWidenedInt8(ReadOnlySpan<sbyte> partial, Span<int> accumulator)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sums = MemoryMarshal.Cast<int, Vector<int>>(accumulator);
            for (; i + Vector<sbyte>.Count <= partial.Length; i += Vector<sbyte>.Count)
            {
                Vector.Widen(new Vector<sbyte>(partial[i..]), out Vector<short> low, out Vector<short> high);
                Vector.Widen(low, out Vector<int> a, out Vector<int> b);
                Vector.Widen(high, out Vector<int> c, out Vector<int> d);
                int v = i / Vector<int>.Count;
                sums[v] += a;
                sums[v + 1] += b;
                sums[v + 2] += c;
                sums[v + 3] += d;
            }
        }
        for (; i < partial.Length; i++) accumulator[i] += partial[i];
    }

    private static void AddWidenedInt16(ReadOnlySpan<short> partial, Span<int> accumulator)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var sums = MemoryMarshal.Cast<int, Vector<int>>(accumulator);
            for (; i + Vector<short>.Count <= partial.Length; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(partial[i..]), out Vector<int> a, out Vector<int> b);
                int v = i / Vector<int>.Count;
                sums[v] += a;
                sums[v + 1] += b;
            }
        }
        for (; i < partial.Length; i++) accumulator[i] += partial[i];
    }

    private static void AddWidened(ReadOnlySpan<ushort> bf16, Span<float> accumulator)
    {
        Span<float> wide = stackalloc float[256];
        for (int i = 0; i < bf16.Length; i += wide.Length)
        {
            int n = Math.Min(wide.Length, bf16.Length - i);
            BFloat16Span.Widen(bf16.Slice(i, n), wide);
            TensorPrimitives.Add(accumulator.Slice(i, n), wide[..n], accumulator.Slice(i, n));
        }
    }
}
