using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Generators.Emit;

/// <summary>
/// Where text from the user's project (kernel and argument names from an xclbin, file paths, manifest text, symbol
/// names) becomes generated C#: one helper per place it lands, so no input can end a literal, a comment or a
/// documentation element early, or hide what follows it. A line break of any kind (<c>\r</c>, <c>\n</c>, U+0085,
/// U+2028, U+2029) ends a C# comment, so none is ever written raw outside a verbatim literal.
/// </summary>
internal static class CSharpText
{
    /// <summary>A C# identifier for a symbol's name: a keyword gets <c>@</c>.</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A C# string literal whose value is exactly <paramref name="s"/>.</summary>
    public static string StringLiteral(string s) => Escape(new StringBuilder(s.Length + 2).Append('"'), s, inLiteral: true).Append('"').ToString();

    /// <summary>
    /// A multi-line text (the manifest) as a verbatim literal, so it reads as the JSON it is; text holding any other
    /// character a reader could not see falls back to <see cref="StringLiteral"/>.
    /// </summary>
    public static string TextLiteral(string s)
    {
        for (int i = 0; i < s.Length; i++)
            if (s[i] is not ('\n' or '\r' or '\t') && Hidden(s, i)) return StringLiteral(s);
        return "@\"" + s.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>Text for a single-line comment: line breaks and other invisible characters shown as escapes.</summary>
    public static string Comment(string s) => Escape(new StringBuilder(s.Length), s, inLiteral: false).ToString();

    /// <summary>Text for an XML documentation element on one line: <see cref="Comment"/>, with XML's markup characters as entities.</summary>
    public static string DocText(string s) => Comment(s).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static StringBuilder Escape(StringBuilder sb, string s, bool inLiteral)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (inLiteral && c is '"' or '\\') sb.Append('\\').Append(c);
            else if (!Hidden(s, i)) sb.Append(c);
            else
            {
                switch (c)
                {
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\0': sb.Append("\\0"); break;
                    default: sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                }
            }
        }
        return sb;
    }

    /// <summary>
    /// True when the character at <paramref name="i"/> would end a literal's or comment's line or could not be seen:
    /// control characters (line breaks among them), line and paragraph separators, format characters (the bidirectional
    /// overrides that make text read other than it compiles), a surrogate without its pair, and U+FFFE/U+FFFF.
    /// </summary>
    private static bool Hidden(string s, int i)
    {
        char c = s[i];
        switch (CharUnicodeInfo.GetUnicodeCategory(c))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return true;
            case UnicodeCategory.Surrogate:
                return char.IsHighSurrogate(c) ? i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]) : i == 0 || !char.IsHighSurrogate(s[i - 1]);
            default:
                return c is '\uFFFE' or '\uFFFF';
        }
    }
}
