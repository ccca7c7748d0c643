using System.Collections.Generic;
using System.IO;
using System.Xml;

namespace NpuSdk.Xclbin;

/// <summary>A <c>kernel</c> or <c>arg</c> element: its attributes as written and where it starts in the file.</summary>
internal sealed class MetadataElement
{
    private readonly List<KeyValuePair<string, string>> _attributes = new();

    internal MetadataElement(long offset) => Offset = offset;

    /// <summary>The file offset of the element's <c>&lt;</c>.</summary>
    internal long Offset { get; }

    /// <summary>For a kernel, its <c>arg</c> child elements in document order.</summary>
    internal List<MetadataElement> Arguments { get; } = new();

    /// <summary>The value of the attribute written as <paramref name="name"/> (no prefix), or null.</summary>
    internal string? Attribute(string name)
    {
        foreach (var a in _attributes)
            if (a.Key == name) return a.Value;
        return null;
    }

    internal void Add(string name, string value) => _attributes.Add(new KeyValuePair<string, string>(name, value));
}

/// <summary>
/// Reads EMBEDDED_METADATA the way XRT's parser (boost property_tree over rapidxml) sees it, so lookups find the
/// same elements: several top-level elements are allowed and the first <c>project</c> counts; a DOCTYPE is skipped
/// and its entities never expanded; attribute values stay as written; elements are named as written, prefix
/// included and namespace ignored. Only the kernels of the first <c>project/platform/device/core</c> and their
/// arguments are kept; everything else is checked for well-formedness and dropped, in one pass with memory
/// proportional to the nesting depth, which <see cref="XclbinFile.MaxMetadataDepth"/> bounds. Malformed XML is an
/// <see cref="XclbinFormatException"/> at the byte offset of the problem in the file.
/// </summary>
internal static class MetadataXml
{
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    /// <summary>Where an open element sits on the path to the kernels.</summary>
    private enum Role : byte { Other, Project, Platform, Device, Core, Kernel, Argument }

    /// <summary>
    /// The kernel elements of the first <c>project/platform/device/core</c> of the <paramref name="length"/> bytes at
    /// <paramref name="start"/>, or null when there is no such core.
    /// </summary>
    internal static List<MetadataElement>? ReadKernels(byte[] d, int start, int length, string section, string? source)
    {
        if (length > XclbinFile.MaxMetadataBytes)
            throw new XclbinFormatException(section, start + (long)XclbinFile.MaxMetadataBytes,
                $"the XML is {length} bytes, more than the reader's limit of {XclbinFile.MaxMetadataBytes} (XclbinFile.MaxMetadataBytes)", source);
        var text = new MetadataText(d, start, length);
        try
        {
            try
            {
                // A fragment may hold several top-level elements (XRT reads them all), but not a DOCTYPE.
                return Read(new XmlTextReader(text.Text, XmlNodeType.Element, null), text, section, source);
            }
            catch (XmlException)
            {
                // Read it again as a document, which may hold a DOCTYPE; if that fails too, its error is the one to report.
            }
            return Read(new XmlTextReader(new StringReader(text.Text)), text, section, source);
        }
        catch (XmlException ex)
        {
            throw new XclbinFormatException(section, text.ByteOffset(ex.LineNumber, ex.LinePosition), "malformed XML: " + ex.Message, source, ex);
        }
    }

    private static List<MetadataElement>? Read(XmlTextReader reader, MetadataText text, string section, string? source)
    {
        // Without normalization attribute values keep a tab or line break as written, as XRT's parser does.
        // Ignoring a DOCTYPE, as XRT does, also means no entity is ever expanded and nothing is fetched.
        reader.Normalization = false;
        reader.DtdProcessing = DtdProcessing.Ignore;
        reader.XmlResolver = null;
        using (reader)
        {
            var open = new List<Role>();
            bool project = false, platform = false, device = false;
            List<MetadataElement>? kernels = null;
            MetadataElement? kernel = null;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (open.Count == XclbinFile.MaxMetadataDepth)
                            throw new XclbinFormatException(section, text.ByteOffset(reader.LineNumber, reader.LinePosition) - 1,
                                $"elements are nested more than {XclbinFile.MaxMetadataDepth} deep, the reader's limit (XclbinFile.MaxMetadataDepth)", source);
                        Role parent = open.Count == 0 ? Role.Other : open[open.Count - 1];
                        string name = reader.Name;
                        Role role =
                            open.Count == 0 ? (name == "project" && !project ? Role.Project : Role.Other) :
                            parent == Role.Project && name == "platform" && !platform ? Role.Platform :
                            parent == Role.Platform && name == "device" && !device ? Role.Device :
                            parent == Role.Device && name == "core" && kernels is null ? Role.Core :
                            parent == Role.Core && name == "kernel" ? Role.Kernel :
                            parent == Role.Kernel && name == "arg" ? Role.Argument : Role.Other;
                        project |= role == Role.Project;
                        platform |= role == Role.Platform;
                        device |= role == Role.Device;
                        if (role == Role.Core) kernels = new List<MetadataElement>();

                        MetadataElement? kept = null;
                        if (role == Role.Kernel || role == Role.Argument)
                        {
                            kept = new MetadataElement(text.ByteOffset(reader.LineNumber, reader.LinePosition) - 1);
                            if (role == Role.Kernel) kernels!.Add(kernel = kept);
                            else kernel!.Arguments.Add(kept);
                        }
                        bool empty = reader.IsEmptyElement;
                        ReadAttributes(reader, kept);
                        if (!empty) open.Add(role);
                        break;
                    case XmlNodeType.EndElement:
                        open.RemoveAt(open.Count - 1);
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                        // XRT's parser rejects text outside the elements.
                        if (open.Count == 0) throw new XmlException("text outside the root element", null, reader.LineNumber, reader.LinePosition);
                        break;
                    case XmlNodeType.EntityReference:
                        // Inside an element an unknown entity is an error (no DTD is read, so every one is unknown).
                        if (open.Count > 0) reader.ResolveEntity();
                        break;
                }
            }
            return kernels;
        }
    }

    private static void ReadAttributes(XmlTextReader reader, MetadataElement? kept)
    {
        while (reader.MoveToNextAttribute())
        {
            string name = reader.Name;
            // The reader checks prefixed declarations itself; the reserved namespaces as the default it lets through.
            if (name == "xmlns" && reader.Value is var ns && (ns == XmlNamespace || ns == XmlnsNamespace))
                throw new XmlException($"the reserved namespace '{ns}' cannot be the default namespace", null, reader.LineNumber, reader.LinePosition);
            kept?.Add(name, reader.Value);
        }
        reader.MoveToElement();
    }
}
