using System;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// The 16-byte identifier of an xclbin. Its text form prints the bytes in file order with dashes after
/// bytes 4, 6, 8 and 10, as XRT's <c>xrt::uuid::to_string()</c> does.
/// </summary>
public readonly struct XclbinUuid : IEquatable<XclbinUuid>
{
    private readonly byte[]? _bytes;

    /// <summary>Creates a uuid from exactly 16 bytes, in file order.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public XclbinUuid(byte[] bytes)
    {
        if (bytes is null) throw new ArgumentNullException(nameof(bytes));
        if (bytes.Length != 16) throw new ArgumentException($"An xclbin uuid is 16 bytes, not {bytes.Length}.", nameof(bytes));
        _bytes = (byte[])bytes.Clone();
    }

    /// <summary>The all-zero uuid.</summary>
    public static XclbinUuid Empty => default;

    /// <summary>True for the all-zero uuid.</summary>
    public bool IsEmpty
    {
        get
        {
            if (_bytes is null) return true;
            foreach (byte b in _bytes) if (b != 0) return false;
            return true;
        }
    }

    /// <summary>A copy of the 16 bytes, in file order.</summary>
    public byte[] ToByteArray() => _bytes is null ? new byte[16] : (byte[])_bytes.Clone();

    /// <summary>Parses the text form (32 hex digits, dashes optional).</summary>
    /// <exception cref="FormatException">The text is not 32 hex digits.</exception>
    public static XclbinUuid Parse(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        var bytes = new byte[16];
        int n = 0;
        int? high = null;
        foreach (char c in text)
        {
            if (c == '-') continue;
            int v = HexValue(c);
            if (v < 0 || n == 16) throw new FormatException($"'{text}' is not an xclbin uuid (32 hex digits, dashes optional).");
            if (high is null) { high = v; continue; }
            bytes[n++] = (byte)((high.Value << 4) | v);
            high = null;
        }
        if (n != 16 || high is not null) throw new FormatException($"'{text}' is not an xclbin uuid (32 hex digits, dashes optional).");
        return new XclbinUuid(bytes);
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0' :
        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    /// <summary>The text form, for example <c>9f2a61c0-43d5-4f1e-8a77-0b51c2de9e10</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++)
        {
            if (i == 4 || i == 6 || i == 8 || i == 10) sb.Append('-');
            sb.Append((_bytes is null ? 0 : _bytes[i]).ToString("x2"));
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(XclbinUuid other)
    {
        for (int i = 0; i < 16; i++)
        {
            byte a = _bytes is null ? (byte)0 : _bytes[i];
            byte b = other._bytes is null ? (byte)0 : other._bytes[i];
            if (a != b) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is XclbinUuid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_bytes is null) return 0;
        int h = 17;
        foreach (byte b in _bytes) h = unchecked(h * 31 + b);
        return h;
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(XclbinUuid left, XclbinUuid right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(XclbinUuid left, XclbinUuid right) => !left.Equals(right);
}
