using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators;

/// <summary>
/// Reads the keys of a kernel manifest (<c>*.kernel.json</c>) the generator needs: <c>pattern</c> and
/// <c>tile</c>. A small JSON reader of its own, because the generator cannot carry System.Text.Json into the compiler.
/// </summary>
internal static class ManifestReader
{
    public static ManifestModel Read(string json)
    {
        try
        {
            var parser = new Parser(json);
            if (parser.ReadValue() is not Dictionary<string, object?> root) return Fail("the manifest is not a JSON object");
            parser.ExpectEnd();
            var pattern = root.TryGetValue("pattern", out var p) ? p as string : null;
            var kind = pattern switch
            {
                "tile-matmul" => PatternKind.TileMatMul,
                "elementwise" => PatternKind.Elementwise,
                "kstrip-matmul" => PatternKind.KStripMatMul,
                "rowwise" => PatternKind.Rowwise,
                null => (PatternKind?)null,
                _ => PatternKind.FromManifest,
            };
            if (kind is null) return Fail("the manifest has no \"pattern\"");
            if (kind == PatternKind.FromManifest) return Fail($"pattern \"{pattern}\" is not supported by this generator (supported: tile-matmul, kstrip-matmul, elementwise, rowwise)");
            if (!root.TryGetValue("tile", out var t) || t is not Dictionary<string, object?> tile) return Fail("the manifest has no \"tile\" object");
            int edge = kind switch
            {
                PatternKind.Elementwise => Int(tile, "elements"),
                PatternKind.Rowwise => Int(tile, "rows"),
                _ => Int(tile, "m"),
            };
            int cols = kind == PatternKind.Rowwise ? Int(tile, "cols") : 0;
            int tileK = kind == PatternKind.TileMatMul ? Int(tile, "k") : 0;
            int tileN = kind == PatternKind.TileMatMul ? Int(tile, "n") : 0;
            if (kind == PatternKind.KStripMatMul && Int(tile, "n") != edge)
                return Fail("kstrip-matmul manifests with m and n not equal are not supported");
            int kMultiple = kind == PatternKind.KStripMatMul ? Int(tile, "kMultiple") : 0;
            int kMax = kind == PatternKind.KStripMatMul ? Int(tile, "kMax") : 0;
            string? kernel = root.TryGetValue("kernel", out var k) ? k as string : null;
            var buffers = new List<ManifestBuffer>();
            if (root.TryGetValue("buffers", out var b) && b is List<object?> list)
            {
                foreach (var item in list)
                {
                    if (item is not Dictionary<string, object?> buffer) return Fail("every entry of \"buffers\" must be an object");
                    string role = buffer.TryGetValue("role", out var r) ? r as string ?? "" : "";
                    if (role is not ("input" or "output")) return Fail($"buffer role \"{role}\" is neither \"input\" nor \"output\"");
                    string arg = buffer.TryGetValue("arg", out var a) ? a as string ?? "" : "";
                    string? element = buffer.TryGetValue("elementType", out var e) ? CSharpElementType(e as string) : null;
                    buffers.Add(new ManifestBuffer(arg, role == "input", element));
                }
            }
            return new ManifestModel(null, kind.Value, edge, kernel, buffers.ToEquatableArray(), tileK, tileN, kMultiple, kMax, cols);
        }
        catch (FormatException e)
        {
            return Fail(e.Message);
        }
    }

    public static ManifestModel Fail(string message) => new(message, PatternKind.FromManifest, 0, null, EquatableArray<ManifestBuffer>.Empty);

    private static string? CSharpElementType(string? manifestType) => manifestType switch
    {
        "int8" => "sbyte",
        "uint8" => "byte",
        "int16" => "short",
        "int32" => "int",
        "float32" or "float" => "float",
        "bf16" or "bfloat16" => "global::NpuSdk.BFloat16",
        _ => null,
    };

    private static int Int(Dictionary<string, object?> obj, string key) =>
        obj.TryGetValue(key, out var v) && v is double d && d == Math.Floor(d) && d > 0 && d <= int.MaxValue
            ? (int)d
            : throw new FormatException($"\"tile\".\"{key}\" is not a positive integer");

    private sealed class Parser
    {
        private readonly string _s;
        private int _i;

        public Parser(string s) => _s = s;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_i != _s.Length) throw Error("unexpected text after the JSON value");
        }

        public object? ReadValue()
        {
            SkipSpace();
            if (_i >= _s.Length) throw Error("unexpected end of the manifest");
            char c = _s[_i];
            if (c == '{') return ReadObject();
            if (c == '[') return ReadArray();
            if (c == '"') return ReadString();
            if (Match("true")) return true;
            if (Match("false")) return false;
            if (Match("null")) return null;
            return ReadNumber();
        }

        private Dictionary<string, object?> ReadObject()
        {
            var obj = new Dictionary<string, object?>(StringComparer.Ordinal);
            _i++;
            SkipSpace();
            if (Peek('}')) { _i++; return obj; }
            while (true)
            {
                SkipSpace();
                if (!Peek('"')) throw Error("expected a property name");
                string key = ReadString();
                SkipSpace();
                Expect(':');
                obj[key] = ReadValue();
                SkipSpace();
                if (Peek(',')) { _i++; continue; }
                Expect('}');
                return obj;
            }
        }

        private List<object?> ReadArray()
        {
            var list = new List<object?>();
            _i++;
            SkipSpace();
            if (Peek(']')) { _i++; return list; }
            while (true)
            {
                list.Add(ReadValue());
                SkipSpace();
                if (Peek(',')) { _i++; continue; }
                Expect(']');
                return list;
            }
        }

        private string ReadString()
        {
            var sb = new StringBuilder();
            _i++;
            while (_i < _s.Length)
            {
                char c = _s[_i++];
                if (c == '"') return sb.ToString();
                if (c != '\\') { sb.Append(c); continue; }
                if (_i >= _s.Length) break;
                char e = _s[_i++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u' when _i + 4 <= _s.Length && ushort.TryParse(_s.Substring(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u):
                        sb.Append((char)u); _i += 4; break;
                    case '"' or '\\' or '/': sb.Append(e); break;
                    default: throw Error($"invalid escape '\\{e}'");
                }
            }
            throw Error("unterminated string");
        }

        private double ReadNumber()
        {
            int start = _i;
            while (_i < _s.Length && "+-0123456789.eE".IndexOf(_s[_i]) >= 0) _i++;
            if (start == _i || !double.TryParse(_s.Substring(start, _i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                throw Error("expected a value");
            return d;
        }

        private bool Match(string word)
        {
            if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) return false;
            _i += word.Length;
            return true;
        }

        private bool Peek(char c) => _i < _s.Length && _s[_i] == c;

        private void Expect(char c)
        {
            if (!Peek(c)) throw Error($"expected '{c}'");
            _i++;
        }

        private void SkipSpace()
        {
            while (_i < _s.Length && char.IsWhiteSpace(_s[_i])) _i++;
        }

        private FormatException Error(string what) => new($"{what} at character {_i}");
    }
}
