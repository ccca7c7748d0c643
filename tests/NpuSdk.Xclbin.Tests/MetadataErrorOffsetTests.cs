using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;

namespace NpuSdk.Xclbin.Tests;

/// <summary>
/// An error in EMBEDDED_METADATA is reported at the true byte offset in the file of the character at fault, whatever
/// the line breaks (LF, CRLF, CR alone: XML counts each as one line) and whatever precedes it on its line and the
/// lines above (accents, an emoji, bytes that are not UTF-8, a byte order mark, a DOCTYPE).
/// </summary>
public class MetadataErrorOffsetTests
{
    public static TheoryData<string> LineBreaks => ["LF", "CRLF", "CR"];

    /// <summary>What may come before the error: each holds an attribute value or comment the reader has to step over.</summary>
    public static TheoryData<string> Contents => ["ascii", "accents and emoji", "invalid UTF-8", "byte order mark and DOCTYPE"];

    /// <summary>Each error and where the reader places it: the marker's offset plus a fixed distance.</summary>
    public static TheoryData<string> Errors => ["end tag", "attribute", "entity", "missing attribute", "argument id"];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var lineBreak in LineBreaks)
            foreach (var content in Contents)
                foreach (var error in Errors)
                    data.Add(lineBreak, content, error);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheOffsetIsTheByteAtFault(string lineBreak, string content, string error)
    {
        string nl = lineBreak switch { "LF" => "\n", "CRLF" => "\r\n", _ => "\r" };
        var (xml, marker, distance) = Document(nl, error);
        var bytes = new List<byte>();
        if (content == "byte order mark and DOCTYPE") bytes.AddRange([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("<!DOCTYPE project>" + nl)]);
        foreach (string line in xml.Split('\n'))
        {
            string[] parts = line.Split("NOTE");
            for (int i = 0; i < parts.Length; i++)
            {
                if (i > 0) bytes.AddRange(Note(content));
                bytes.AddRange(Encoding.UTF8.GetBytes(parts[i]));
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(nl));
        }
        bytes.Add(0);

        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "offsets")));
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, bytes.ToArray());
        var file = builder.Build();

        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(file, "offsets.xclbin"));
        Assert.Equal("EMBEDDED_METADATA", ex.Section);
        int at = file.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker));
        Assert.True(at > 0, $"marker '{marker}' not in the file");
        Assert.Equal(at + distance, ex.Offset);
    }

    /// <summary>
    /// Bytes that are not UTF-8, each decoded as U+FFFD for its longest well-formed start: a lone 0xFF, a truncated
    /// euro sign, an overlong '/', an encoded surrogate, a code point past U+10FFFF and a stray continuation byte.
    /// </summary>
    private static readonly byte[] InvalidUtf8 = [0xFF, 0x20, 0xE2, 0x82, 0x20, 0xC0, 0xAF, 0x20, 0xED, 0xA0, 0x80, 0x20, 0xF4, 0x90, 0x80, 0x80, 0x20, 0x80];

    private static byte[] Note(string content) => content switch
    {
        "accents and emoji" => Encoding.UTF8.GetBytes("d\u00e9j\u00e0 vu \U0001F600 na\u00efve \u4e2d\u6587"),
        "invalid UTF-8" => [.. "bad "u8, .. InvalidUtf8, .. " bytes"u8],
        _ => "plain words"u8.ToArray(),
    };

    /// <summary>
    /// A document with a NOTE (in an attribute value, a comment or text) on several lines before the error, and the
    /// marker the error is placed by.
    /// </summary>
    private static (string Xml, string Marker, int Distance) Document(string nl, string error)
    {
        string arg(string attributes) => $"<arg name=\"a\" {attributes}/>";
        const string full = "addressQualifier=\"0\" id=\"0\" size=\"0x4\" offset=\"0x0\" hostSize=\"0x4\"";
        string body = error switch
        {
            // The reader points at the end tag's name, the unexpected '<', and the entity's name.
            "end tag" => "<kernel name=\"K\" note=\"NOTE\">\n<!-- NOTE -->\n" + arg(full) + "</oops>",
            "attribute" => "<kernel name=\"K\" note=\"NOTE\">\n<!-- NOTE -->\n<arg name=\"a\" note=\"NOTE\"\n id=<\"0\"/></kernel>",
            "entity" => "<kernel name=\"K\" note=\"NOTE\">\n<!-- NOTE -->\nNOTE &undeclared;</kernel>",
            // Errors in what the XML says are placed at the '<' of the element at fault.
            "missing attribute" => "<kernel name=\"K\" note=\"NOTE\">\n<!-- NOTE -->\n" + arg(full) + "\n" + "<arg note=\"NOTE\"\n name=\"b\" id=\"1\"/></kernel>",
            _ => "<kernel name=\"K\" note=\"NOTE\">\n<!-- NOTE -->\n" + arg(full) + "<arg name=\"c\" note=\"NOTE\"\n " + full.Replace("id=\"0\"", "id=\"5\"") + "/></kernel>",
        };
        string xml = "<project note=\"NOTE\">\n<platform>\n<device>\n<core>\n" + body + "\n</core>\n</device>\n</platform>\n</project>";
        return error switch
        {
            "end tag" => (xml, "</oops>", 2),
            "attribute" => (xml, "id=<", 3),
            "entity" => (xml, "&undeclared;", 1),
            "missing attribute" => (xml, "<arg note=", 0),
            _ => (xml, "<arg name=\"c\"", 0),
        };
    }
}
