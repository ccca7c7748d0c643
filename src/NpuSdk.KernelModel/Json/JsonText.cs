using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NpuSdk.KernelModel.Json;

/// <summary>Where a JSON value starts: 1-based line and column (in UTF-16 characters) and the 0-based character offset.</summary>
internal readonly struct TextPosition
{
    public TextPosition(int line, int column, int offset)
    {
        Line = line;
        Column = column;
        Offset = offset;
    }

    public int Line { get; }
    public int Column { get; }
    public int Offset { get; }
}

internal enum JsonKind { Object, Array, String, Number, True, False, Null }

/// <summary>A parsed JSON value and where it starts. Objects keep their members in order; keys are unique.</summary>
internal sealed class JsonValue
{
    private JsonValue(JsonKind kind, TextPosition position)
    {
        Kind = kind;
        Position = position;
    }

    public JsonKind Kind { get; }
    public TextPosition Position { get; }
    public string Text { get; private set; } = "";
    public double Number { get; private set; }
    public IReadOnlyList<JsonMember> Members { get; private set; } = System.Array.Empty<JsonMember>();
    public IReadOnlyList<JsonValue> Items { get; private set; } = System.Array.Empty<JsonValue>();

    public static JsonValue String(string text, TextPosition p) => new(JsonKind.String, p) { Text = text };
    public static JsonValue NumberValue(double value, string text, TextPosition p) => new(JsonKind.Number, p) { Number = value, Text = text };
    public static JsonValue Literal(JsonKind kind, TextPosition p) => new(kind, p);
    public static JsonValue Object(List<JsonMember> members, TextPosition p) => new(JsonKind.Object, p) { Members = members };
    public static JsonValue Array(List<JsonValue> items, TextPosition p) => new(JsonKind.Array, p) { Items = items };

    /// <summary>The member named <paramref name="key"/>, or null.</summary>
    public JsonMember? Member(string key)
    {
        foreach (var m in Members)
            if (string.Equals(m.Key, key, StringComparison.Ordinal)) return m;
        return null;
    }

    public string KindName => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.Null => "null",
        _ => "a boolean",
    };
}

/// <summary>One member of a JSON object: its key, where the key stands, and its value.</summary>
internal sealed class JsonMember
{
    public JsonMember(string key, TextPosition keyPosition, JsonValue value)
    {
        Key = key;
        KeyPosition = keyPosition;
        Value = value;
    }

    public string Key { get; }
    public TextPosition KeyPosition { get; }
    public JsonValue Value { get; }
}

/// <summary>A JSON syntax error and where it is.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, TextPosition position) : base(message) => Position = position;

    public TextPosition Position { get; }
}

/// <summary>
/// A strict RFC 8259 JSON reader (no comments, no trailing commas, no duplicate keys) that records where every value
/// starts. Kernel manifests are read with it everywhere, including inside the compiler, where System.Text.Json is
/// not available. It is linear in the text, and nesting deeper than <see cref="MaxDepth"/> is an error rather than
/// a stack overflow.
/// </summary>
internal sealed class JsonText
{
    /// <summary>The deepest nesting of objects and arrays accepted; a manifest needs 5.</summary>
    public const int MaxDepth = 64;

    /// <summary>The longest text accepted, in characters; a manifest is a few kilobytes.</summary>
    public const int MaxLength = 1 << 20;

    private readonly string _s;
    private int _i, _line = 1, _lineStart;

    private JsonText(string s) => _s = s;

    /// <summary>Parses one JSON value that makes up the whole text.</summary>
    /// <exception cref="JsonSyntaxException">The text is not JSON, is too long or nests too deeply.</exception>
    public static JsonValue Parse(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        if (text.Length > MaxLength)
            throw new JsonSyntaxException($"the text has {text.Length} characters; a manifest may have at most {MaxLength}", new TextPosition(1, 1, 0));
        var reader = new JsonText(text);
        // A UTF-8 byte order mark decoded as U+FEFF is not part of the JSON text.
        if (text.Length > 0 && text[0] == '\uFEFF') reader._i = 1;
        var value = reader.ReadValue(0);
        reader.SkipSpace();
        if (reader._i != text.Length) throw reader.Error("unexpected text after the JSON value");
        return value;
    }

    private TextPosition Here => new(_line, _i - _lineStart + 1, _i);

    private JsonValue ReadValue(int depth)
    {
        SkipSpace();
        if (_i >= _s.Length) throw Error("unexpected end of the text; expected a value");
        char c = _s[_i];
        switch (c)
        {
            case '{': return ReadObject(depth + 1);
            case '[': return ReadArray(depth + 1);
            case '"': { var p = Here; return JsonValue.String(ReadString(), p); }
            case 't': return ReadLiteral("true", JsonKind.True);
            case 'f': return ReadLiteral("false", JsonKind.False);
            case 'n': return ReadLiteral("null", JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Error(c == '/' ? "comments are not allowed in JSON" : $"unexpected character '{Printable(c)}'; expected a value");
        }
    }

    private JsonValue ReadObject(int depth)
    {
        var start = Here;
        if (depth > MaxDepth) throw Error($"objects and arrays nest deeper than {MaxDepth} levels");
        _i++;
        var members = new List<JsonMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        SkipSpace();
        if (Peek('}')) { _i++; return JsonValue.Object(members, start); }
        while (true)
        {
            SkipSpace();
            if (Peek('}')) throw Error("a trailing comma is not allowed in JSON");
            if (!Peek('"')) throw Error("expected a property name in double quotes");
            var keyPosition = Here;
            string key = ReadString();
            if (!seen.Add(key)) throw new JsonSyntaxException($"the property \"{key}\" appears twice in one object", keyPosition);
            SkipSpace();
            Expect(':');
            members.Add(new JsonMember(key, keyPosition, ReadValue(depth)));
            SkipSpace();
            if (Peek(',')) { _i++; continue; }
            if (Peek('}')) { _i++; return JsonValue.Object(members, start); }
            throw Error("expected ',' or '}' after a property");
        }
    }

    private JsonValue ReadArray(int depth)
    {
        var start = Here;
        if (depth > MaxDepth) throw Error($"objects and arrays nest deeper than {MaxDepth} levels");
        _i++;
        var items = new List<JsonValue>();
        SkipSpace();
        if (Peek(']')) { _i++; return JsonValue.Array(items, start); }
        while (true)
        {
            SkipSpace();
            if (Peek(']')) throw Error("a trailing comma is not allowed in JSON");
            items.Add(ReadValue(depth));
            SkipSpace();
            if (Peek(',')) { _i++; continue; }
            if (Peek(']')) { _i++; return JsonValue.Array(items, start); }
            throw Error("expected ',' or ']' after an array item");
        }
    }

    private JsonValue ReadLiteral(string word, JsonKind kind)
    {
        var p = Here;
        if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) throw Error($"unexpected text; expected a value");
        _i += word.Length;
        return JsonValue.Literal(kind, p);
    }

    private string ReadString()
    {
        var sb = new StringBuilder();
        _i++;
        while (_i < _s.Length)
        {
            char c = _s[_i];
            if (c == '"') { _i++; return sb.ToString(); }
            if (c < 0x20) throw Error(c == '\n' || c == '\r' ? "a string does not end on its line" : "a control character must be escaped in a string");
            _i++;
            if (c != '\\') { sb.Append(c); continue; }
            if (_i >= _s.Length) break;
            char e = _s[_i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_i + 4 > _s.Length || !ushort.TryParse(_s.Substring(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort u))
                    {
                        _i -= 2;
                        throw Error("\\u needs four hexadecimal digits");
                    }
                    sb.Append((char)u);
                    _i += 4;
                    break;
                default:
                    _i -= 2;
                    throw Error($"invalid escape '\\{Printable(e)}' in a string");
            }
        }
        throw Error("the string is not closed");
    }

    private JsonValue ReadNumber()
    {
        var p = Here;
        int start = _i;
        if (Peek('-')) _i++;
        if (Peek('0')) _i++;
        else if (!Digits()) throw Error("a number needs digits");
        if (Peek('.'))
        {
            _i++;
            if (!Digits()) throw Error("a decimal point must be followed by digits");
        }
        if (Peek('e') || Peek('E'))
        {
            _i++;
            if (Peek('+') || Peek('-')) _i++;
            if (!Digits()) throw Error("an exponent needs digits");
        }
        if (_i < _s.Length && (char.IsLetterOrDigit(_s[_i]) || _s[_i] == '.'))
            throw new JsonSyntaxException("this is not a JSON number (JSON numbers have no leading zeros, hexadecimal or suffixes)", p);
        string text = _s.Substring(start, _i - start);
        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return JsonValue.NumberValue(value, text, p);
    }

    private bool Digits()
    {
        int start = _i;
        while (_i < _s.Length && _s[_i] >= '0' && _s[_i] <= '9') _i++;
        return _i > start;
    }

    private bool Peek(char c) => _i < _s.Length && _s[_i] == c;

    private void Expect(char c)
    {
        if (!Peek(c)) throw Error(_i >= _s.Length ? $"unexpected end of the text; expected '{c}'" : $"expected '{c}'");
        _i++;
    }

    private void SkipSpace()
    {
        while (_i < _s.Length)
        {
            char c = _s[_i];
            if (c == '\n')
            {
                _i++;
                _line++;
                _lineStart = _i;
            }
            else if (c == '\r')
            {
                // CR LF is one line break; a lone CR is one too.
                _i++;
                if (Peek('\n')) _i++;
                _line++;
                _lineStart = _i;
            }
            else if (c == ' ' || c == '\t') _i++;
            else if (c == '/' && _i + 1 < _s.Length && _s[_i + 1] is '/' or '*') throw Error("comments are not allowed in JSON");
            else return;
        }
    }

    private JsonSyntaxException Error(string message) => new(message, Here);

    private static string Printable(char c) => c < 0x20 || c == 0x7F ? $"U+{(int)c:X4}" : c.ToString();
}
