using NpuSdk.KernelModel;

namespace NpuSdk.Kernels;

/// <summary>
/// The integer half of a manifest's numeric rule: a sum (wrapped to 32 bits unless the accumulator is int64) is shifted
/// right with the stated rounding, clamped to the <c>saturate</c> type if there is one, and stored in the output type
/// (wrapping if it still does not fit).
/// </summary>
internal readonly struct IntegerRule
{
    private readonly int _shift;
    private readonly Rounding _rounding;
    private readonly bool _wide;
    private readonly long _min, _max;
    private readonly bool _saturates;

    public IntegerRule(NumericRule rule)
    {
        _shift = rule.Shift;
        _rounding = rule.Rounding;
        _wide = rule.WideAccumulator;
        _saturates = rule.Saturate is not null;
        (_min, _max) = rule.Saturate is { } t ? ElementTypes.Range(t) : (long.MinValue, long.MaxValue);
    }

    public long Apply(long sum)
    {
        long v = _wide ? sum : unchecked((int)sum);
        v = Shift(v, _shift, _rounding);
        return _saturates ? Math.Clamp(v, _min, _max) : v;
    }

    public static long Shift(long v, int shift, Rounding rounding)
    {
        if (shift == 0) return v;
        switch (rounding)
        {
            case Rounding.Truncate:
                return v >= 0 ? v >> shift : -(-v >> shift);
            case Rounding.HalfUp:
                return (v + (1L << (shift - 1))) >> shift;
            case Rounding.HalfEven:
            {
                long q = v >> shift, rest = v - (q << shift), half = 1L << (shift - 1);
                return rest > half || (rest == half && (q & 1) != 0) ? q + 1 : q;
            }
            default:
                return v >> shift;
        }
    }

    /// <summary>Stores <paramref name="value"/> as element <paramref name="index"/> of an integer buffer, wrapping to its width.</summary>
    public static void Store(Span<byte> destination, ElementType type, int index, long value)
    {
        switch (type)
        {
            case ElementType.Int8: destination[index] = unchecked((byte)(sbyte)value); break;
            case ElementType.UInt8: destination[index] = unchecked((byte)value); break;
            case ElementType.Int16: System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(destination)[index] = unchecked((short)value); break;
            default: System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(destination)[index] = unchecked((int)value); break;
        }
    }

    /// <summary>Element <paramref name="index"/> of an integer buffer, widened.</summary>
    public static long Load(ReadOnlySpan<byte> source, ElementType type, int index) => type switch
    {
        ElementType.Int8 => (sbyte)source[index],
        ElementType.UInt8 => source[index],
        ElementType.Int16 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(source)[index],
        _ => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(source)[index],
    };
}
