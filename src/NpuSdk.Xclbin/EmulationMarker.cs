using System;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// How an xclbin says it is an emulation stand-in (written by <c>npu emulation-xclbin</c>: the section set and kernel ABI
/// of an mlir-aie build, but no device program): a KEYVALUE_METADATA section, in xclbinutil's JSON shape, holding the key
/// <see cref="Key"/> whose value names the real design it mirrors (or is empty). The runtime refuses such a file on an
/// NPU; the generator notes it in the generated code.
/// </summary>
internal static class EmulationMarker
{
    /// <summary>The key of the marker.</summary>
    internal const string Key = "npusdk.emulation-stand-in";

    internal static byte[] Write(string note)
    {
        var json = new StringBuilder("{\n  \"keyvalue_metadata\": {\n    \"key_values\": [\n      { \"key\": \"")
            .Append(Key).Append("\", \"value\": \"").Append(Escape(note)).Append("\" }\n    ]\n  }\n}\n");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>The marker's value in a KEYVALUE_METADATA section's bytes, or null when the section holds no marker.</summary>
    internal static string? Read(byte[] section)
    {
        string text = Encoding.UTF8.GetString(section);
        int key = text.IndexOf("\"" + Key + "\"", StringComparison.Ordinal);
        if (key < 0) return null;
        int value = text.IndexOf("\"value\"", key, StringComparison.Ordinal);
        int open = value < 0 ? -1 : text.IndexOf('"', text.IndexOf(':', value) + 1);
        if (open < 0) return "";
        var note = new StringBuilder();
        for (int i = open + 1; i < text.Length && text[i] != '"'; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                char e = text[++i];
                note.Append(e == 'n' ? '\n' : e == 'u' && i + 4 < text.Length
                    ? (char)Convert.ToInt32(text.Substring(i + 1, 4), 16) : e);
                if (e == 'u') i += 4;
            }
            else note.Append(text[i]);
        }
        return note.ToString();
    }

    private static string Escape(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (c == '"' || c == '\\') b.Append('\\').Append(c);
            else if (c < ' ') b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.ToString();
    }
}
