namespace NpuSdk.Xclbin;

/// <summary>
/// The EMBEDDED_METADATA bytes as the XML reader sees them, and the way back from the reader's (line, column) to
/// the byte in the file. The text is decoded here, not by <c>Encoding.UTF8</c>, so that text and positions come from
/// one decoder on every runtime the generator runs in: UTF-8, one U+FFFD per maximal invalid subsequence (Unicode's
/// recommended practice, which .NET's own decoder follows). Lines are counted as XML counts them (LF, CRLF and a
/// lone CR each end one line) and columns in UTF-16 code units from 1, as <c>XmlTextReader</c> reports them.
/// </summary>
internal sealed class MetadataText
{
    private const int Replacement = 0xFFFD;

    private readonly byte[] _d;
    private readonly int _start, _end;

    // Where the last lookup ended. Callers ask for positions in reading order, so lookups resume from here and
    // all of them together walk the text once; an earlier position starts over.
    private int _at, _line, _column;

    internal MetadataText(byte[] d, int start, int length)
    {
        _d = d;
        _start = start;
        _end = start + length;
        Text = Decode();
        Rewind();
    }

    /// <summary>The decoded text.</summary>
    internal string Text { get; }

    /// <summary>The file offset of the character the reader places at 1-based <paramref name="line"/> and <paramref name="column"/>.</summary>
    internal long ByteOffset(int line, int column)
    {
        if (line < _line || (line == _line && column < _column)) Rewind();
        while (_at < _end && _line < line) Step();
        while (_at < _end && _line == line && _d[_at] != '\n' && _d[_at] != '\r')
        {
            int length = Scalar(_d, _at, _end, out int codePoint);
            int width = codePoint >= 0x10000 ? 2 : 1;
            if (_column + width > column) break; // the target is this character (or its low surrogate)
            _at += length;
            _column += width;
        }
        return _at;
    }

    private void Rewind()
    {
        _at = _start;
        _line = 1;
        _column = 1;
    }

    private void Step()
    {
        byte b = _d[_at];
        if (b == '\n' || b == '\r')
        {
            _at += b == '\r' && _at + 1 < _end && _d[_at + 1] == '\n' ? 2 : 1;
            _line++;
            _column = 1;
            return;
        }
        _at += Scalar(_d, _at, _end, out int codePoint);
        _column += codePoint >= 0x10000 ? 2 : 1;
    }

    private string Decode()
    {
        var chars = new char[_end - _start]; // never more UTF-16 units than UTF-8 bytes
        int n = 0;
        for (int at = _start; at < _end;)
        {
            at += Scalar(_d, at, _end, out int codePoint);
            if (codePoint >= 0x10000)
            {
                codePoint -= 0x10000;
                chars[n++] = (char)(0xD800 + (codePoint >> 10));
                chars[n++] = (char)(0xDC00 + (codePoint & 0x3FF));
            }
            else
            {
                chars[n++] = (char)codePoint;
            }
        }
        return new string(chars, 0, n);
    }

    /// <summary>
    /// Decodes one scalar at <paramref name="at"/>; returns the bytes it takes. An ill-formed sequence (Unicode's table
    /// of well-formed UTF-8) gives U+FFFD for its longest well-formed start, at least one byte.
    /// </summary>
    private static int Scalar(byte[] d, int at, int end, out int codePoint)
    {
        int lead = d[at];
        if (lead < 0x80)
        {
            codePoint = lead;
            return 1;
        }
        int continuations, low = 0x80, high = 0xBF; // the range of the first continuation byte
        if (lead >= 0xC2 && lead <= 0xDF) continuations = 1;
        else if (lead >= 0xE0 && lead <= 0xEF)
        {
            continuations = 2;
            if (lead == 0xE0) low = 0xA0;        // no overlong forms
            else if (lead == 0xED) high = 0x9F;  // no surrogates
        }
        else if (lead >= 0xF0 && lead <= 0xF4)
        {
            continuations = 3;
            if (lead == 0xF0) low = 0x90;        // no overlong forms
            else if (lead == 0xF4) high = 0x8F;  // nothing past U+10FFFF
        }
        else
        {
            codePoint = Replacement;
            return 1;
        }

        int value = lead & (0x3F >> continuations);
        for (int i = 1; i <= continuations; i++)
        {
            if (at + i >= end || d[at + i] < low || d[at + i] > high)
            {
                codePoint = Replacement;
                return i;
            }
            value = value << 6 | (d[at + i] & 0x3F);
            low = 0x80;
            high = 0xBF;
        }
        codePoint = value;
        return continuations + 1;
    }
}
