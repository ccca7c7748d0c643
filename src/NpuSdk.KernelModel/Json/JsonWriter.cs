using System.Globalization;
using System.Text;

namespace NpuSdk.KernelModel.Json;

/// <summary>Writes indented JSON: objects and arrays opened and closed explicitly, commas placed by the writer.</summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;
    private bool _first = true;
    private bool _inline;

    public JsonWriter StartObject(string? key = null) => Open(key, '{');
    public JsonWriter EndObject() => Close('}');
    public JsonWriter StartArray(string? key = null, bool inline = false)
    {
        Open(key, '[');
        _inline = inline;
        return this;
    }
    public JsonWriter EndArray()
    {
        bool inline = _inline;
        _inline = false;
        if (inline)
        {
            _depth--;
            _text.Append(']');
            _first = false;
            return this;
        }
        return Close(']');
    }

    public JsonWriter String(string? key, string value)
    {
        Prefix(key);
        Quote(value);
        return this;
    }

    public JsonWriter Number(string? key, long value)
    {
        Prefix(key);
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonWriter Number(string? key, double value)
    {
        Prefix(key);
        _text.Append(value.ToString("R", CultureInfo.InvariantCulture));
        return this;
    }

    public override string ToString() => _text.ToString() + "\n";

    private JsonWriter Open(string? key, char bracket)
    {
        Prefix(key);
        _text.Append(bracket);
        _depth++;
        _first = true;
        return this;
    }

    private JsonWriter Close(char bracket)
    {
        _depth--;
        if (!_first) NewLine();
        _text.Append(bracket);
        _first = false;
        return this;
    }

    private void Prefix(string? key)
    {
        if (!_first) _text.Append(_inline ? ", " : ",");
        if (!_inline && _text.Length > 0) NewLine();
        _first = false;
        if (key is null) return;
        Quote(key);
        _text.Append(": ");
    }

    private void NewLine() => _text.Append('\n').Append(' ', _depth * 2);

    private void Quote(string s)
    {
        _text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                default:
                    if (c < 0x20) _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _text.Append(c);
                    break;
            }
        }
        _text.Append('"');
    }
}
