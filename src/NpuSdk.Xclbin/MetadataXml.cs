using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace NpuSdk.Xclbin;

/// <summary>
/// Loads EMBEDDED_METADATA text the way XRT's parser (boost property_tree over rapidxml) sees it, so lookups
/// find the same elements: several top-level elements are allowed and the first with a name counts; a DOCTYPE is
/// skipped; attribute values stay as written; elements are named as written, prefix included and namespace
/// ignored. Malformed XML is an <see cref="XclbinFormatException"/> with the byte offset of the problem.
/// </summary>
internal static class MetadataXml
{
    /// <summary>The top-level elements of <paramref name="text"/>, which starts at byte <paramref name="textOffset"/>.</summary>
    internal static IReadOnlyList<XElement> TopLevelElements(string text, long textOffset, string section, string? source)
    {
        try
        {
            try
            {
                // A fragment may hold several top-level elements (XRT reads them all), but not a DOCTYPE.
                return ReadTopLevel(new XmlTextReader(text, XmlNodeType.Element, null));
            }
            catch (Exception ex) when (ex is XmlException || ex is ArgumentException)
            {
                // Read it again as a document, which may hold a DOCTYPE; if that fails too, its error is the one to report.
            }
            return ReadTopLevel(new XmlTextReader(new StringReader(text)));
        }
        catch (XmlException ex)
        {
            long at = textOffset + ByteOffsetOf(text, ex.LineNumber, ex.LinePosition);
            throw new XclbinFormatException(section, at, "malformed XML: " + ex.Message, source, ex);
        }
        catch (ArgumentException ex)
        {
            // LINQ to XML's own namespace rules (the reserved xml namespace declared as the default, for one) throw
            // this rather than an XmlException, and without a position.
            throw new XclbinFormatException(section, textOffset, "malformed XML: " + ex.Message, source, ex);
        }
    }

    /// <summary>The element reached from <paramref name="from"/> by taking the first child of each name in turn.</summary>
    internal static XElement? Path(XElement? from, params string[] children)
    {
        XElement? e = from;
        foreach (var child in children)
        {
            if (e is null) return null;
            e = Children(e, child).FirstOrDefault();
        }
        return e;
    }

    /// <summary>Child elements whose name as written is <paramref name="name"/>.</summary>
    internal static IEnumerable<XElement> Children(XElement parent, string name) =>
        parent.Elements().Where(e => WrittenName(e) == name);

    /// <summary>The name as written in the text: a default namespace changes nothing, a prefix is part of the name.</summary>
    internal static string WrittenName(XElement e)
    {
        string? prefix = e.GetPrefixOfNamespace(e.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? e.Name.LocalName : prefix + ":" + e.Name.LocalName;
    }

    private static List<XElement> ReadTopLevel(XmlTextReader reader)
    {
        // Without normalization attribute values keep a tab or line break as written, as XRT's parser does.
        // Ignoring a DOCTYPE, as XRT does, also means no entity is ever expanded and nothing is fetched.
        reader.Normalization = false;
        reader.DtdProcessing = DtdProcessing.Ignore;
        reader.XmlResolver = null;
        using (reader)
        {
            var elements = new List<XElement>();
            while (!reader.EOF)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        elements.Add((XElement)XNode.ReadFrom(reader));
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                        // XRT's parser rejects text outside the elements.
                        throw new XmlException("text outside the root element", null, reader.LineNumber, reader.LinePosition);
                    default:
                        reader.Read();
                        break;
                }
            }
            return elements;
        }
    }

    /// <summary>UTF-8 byte offset of a 1-based line and column, clamped to the text (for error messages).</summary>
    private static long ByteOffsetOf(string text, int line, int column)
    {
        int index = 0;
        for (int l = 1; l < line && index < text.Length; l++)
        {
            int nl = text.IndexOf('\n', index);
            if (nl < 0) { index = text.Length; break; }
            index = nl + 1;
        }
        index = Math.Min(text.Length, index + Math.Max(0, column - 1));
        return Encoding.UTF8.GetByteCount(text.Substring(0, index));
    }
}
