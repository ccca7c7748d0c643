namespace NpuSdk.Xclbin;

/// <summary>
/// The two ways XRT's <c>xclbin_parser.cpp</c> turns EMBEDDED_METADATA attribute text into numbers, so the
/// reader gets the values XRT programs into the device rather than its own reading of the text.
/// </summary>
internal static class MetadataNumbers
{
    /// <summary>A value, or (in <see cref="Problem"/>) why the text is not a number XRT would accept.</summary>
    internal readonly struct Result
    {
        internal Result(ulong value, string? problem) { Value = value; Problem = problem; }
        internal ulong Value { get; }
        internal string? Problem { get; }
    }

    /// <summary>
    /// <c>id</c>, <c>offset</c>, <c>size</c>: XRT's <c>convert</c>, which is <c>std::stoul(s, nullptr, 0)</c> and
    /// 0 for an empty string. Leading white space and a <c>+</c> are skipped; <c>0x</c>/<c>0X</c> then a hex digit
    /// is hexadecimal, a leading <c>0</c> octal, else decimal; the longest valid prefix is the value and what
    /// follows is ignored (so <c>"0x8h"</c> is 8, as on the device). No digits at all, a value past 64 bits, or a
    /// minus sign (which <c>stoul</c> would wrap to a huge unsigned value) is an error.
    /// </summary>
    internal static Result Convert(string text)
    {
        if (text.Length == 0) return new Result(0, null);
        int i = 0;
        while (i < text.Length && IsCSpace(text[i])) i++;
        if (i < text.Length && text[i] == '-') return new Result(0, "is negative");
        if (i < text.Length && text[i] == '+') i++;

        int radix = 10;
        if (i + 2 < text.Length && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') && Digit(text[i + 2], 16) >= 0)
        {
            radix = 16;
            i += 2;
        }
        else if (i < text.Length && text[i] == '0')
        {
            radix = 8;
        }

        ulong value = 0;
        int digits = 0;
        for (; i < text.Length; i++, digits++)
        {
            int d = Digit(text[i], radix);
            if (d < 0) break;
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) return new Result(0, "is too large");
            value = value * (ulong)radix + (ulong)d;
        }
        return digits == 0 ? new Result(0, "is not a number") : new Result(value, null);
    }

    /// <summary>
    /// <c>addressQualifier</c>: XRT reads it with boost's <c>get&lt;size_t&gt;</c>, a decimal stream read that must
    /// consume the whole text (white space around it allowed), so <c>"0x1"</c> is rejected and <c>"01"</c> is 1.
    /// </summary>
    internal static Result Decimal(string text)
    {
        string t = text.Trim(' ', '\t', '\n', '\r', '\v', '\f');
        if (t.Length > 0 && t[0] == '+') t = t.Substring(1);
        if (t.Length == 0) return new Result(0, "is not a number");
        ulong value = 0;
        foreach (char c in t)
        {
            int d = Digit(c, 10);
            if (d < 0) return new Result(0, "is not a decimal number");
            if (value > (ulong.MaxValue - (ulong)d) / 10) return new Result(0, "is too large");
            value = value * 10 + (ulong)d;
        }
        return new Result(value, null);
    }

    private static bool IsCSpace(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';

    private static int Digit(char c, int radix)
    {
        int d = c >= '0' && c <= '9' ? c - '0' :
                c >= 'a' && c <= 'z' ? c - 'a' + 10 :
                c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
        return d < radix ? d : -1;
    }
}
