using System.Globalization;
using System.Runtime.CompilerServices;

namespace NpuSdk;

/// <summary>
/// A bfloat16 value: the top 16 bits of an IEEE-754 binary32. Conversion from <see cref="float"/> rounds
/// to nearest, ties to even; NaN stays NaN (quiet, sign kept), infinities and signed zeros pass through,
/// and binary32 denormals round like any other value (they are not flushed).
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IFormattable
{
    private BFloat16(ushort bits) => RawValue = bits;

    /// <summary>The 16 stored bits.</summary>
    public ushort RawValue { get; }

    /// <summary>Makes a value from its 16 bits.</summary>
    public static BFloat16 FromRaw(ushort bits) => new(bits);

    /// <summary>Positive zero.</summary>
    public static BFloat16 Zero => new(0x0000);
    /// <summary>One.</summary>
    public static BFloat16 One => new(0x3F80);
    /// <summary>Positive infinity.</summary>
    public static BFloat16 PositiveInfinity => new(0x7F80);
    /// <summary>Negative infinity.</summary>
    public static BFloat16 NegativeInfinity => new(0xFF80);
    /// <summary>A quiet NaN.</summary>
    public static BFloat16 NaN => new(0x7FC0);
    /// <summary>The largest finite value.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);
    /// <summary>The most negative finite value.</summary>
    public static BFloat16 MinValue => new(0xFF7F);

    /// <summary>True for NaN.</summary>
    public static bool IsNaN(BFloat16 value) => (value.RawValue & 0x7FFF) > 0x7F80;

    /// <summary>Converts with round-to-nearest-even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BFloat16 FromSingle(float value) => new(RoundToBits(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Rounds the bits of a binary32 to the bits of a bfloat16 (nearest, ties to even; NaN kept quiet).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort RoundToBits(uint singleBits)
    {
        if ((singleBits & 0x7FFF_FFFF) > 0x7F80_0000) return (ushort)((singleBits >> 16) | 0x0040);
        uint lsb = (singleBits >> 16) & 1;
        return (ushort)((singleBits + 0x7FFF + lsb) >> 16);
    }

    /// <summary>Widens exactly to binary32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)RawValue << 16);

    /// <summary>Converts with round-to-nearest-even.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);

    /// <summary>Widens exactly.</summary>
    public static implicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>IEEE equality: NaN equals nothing, +0 equals -0.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.ToSingle() == right.ToSingle();

    /// <summary>IEEE inequality.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => !(left == right);

    /// <summary>Bitwise equality (so NaN equals itself), as <see cref="object.Equals(object)"/> requires.</summary>
    public bool Equals(BFloat16 other) => RawValue == other.RawValue || (ToSingle() == other.ToSingle());

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (RawValue & 0x7FFF) == 0 ? 0 : RawValue;

    /// <inheritdoc />
    public int CompareTo(BFloat16 other) => ToSingle().CompareTo(other.ToSingle());

    /// <inheritdoc />
    public override string ToString() => ToSingle().ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToSingle().ToString(format, formatProvider);
}
