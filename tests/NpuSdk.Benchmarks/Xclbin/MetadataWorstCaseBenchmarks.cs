using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using NpuSdk.Xclbin;

namespace NpuSdk.Benchmarks.Xclbin;

/// <summary>
/// Reading an xclbin whose EMBEDDED_METADATA is built to be expensive, at 1 and 4 MiB of XML, so the time and the
/// allocation per MiB can be read off and compared between the sizes (the reader is meant to be linear): nesting at
/// the depth limit over and over; one element carrying every attribute that fits (the XML reader's slowest work per
/// byte); thousands of kernels with arguments (everything kept and bound); and a document that breaks at its last byte
/// after CR-only lines and bytes that are not UTF-8, so the error's offset is walked back over the whole text.
/// </summary>
[MemoryDiagnoser]
public class MetadataWorstCaseBenchmarks
{
    private byte[] _file = [];

    /// <summary>The input's shape.</summary>
    [Params("deep", "attributes", "kernels", "error-at-end")]
    public string Shape { get; set; } = "deep";

    /// <summary>The XML's size.</summary>
    [Params(1, 4)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup() => _file = WithMetadata(Xml(Shape, MiB << 20));

    [Benchmark]
    public int Read()
    {
        try
        {
            return XclbinFile.Read(_file).Kernels.Count;
        }
        catch (XclbinFormatException ex)
        {
            return (int)ex.Offset;
        }
    }

    private static byte[] Xml(string shape, int size)
    {
        var x = new MemoryStream(size + 64);
        void Add(string text) => x.Write(Encoding.UTF8.GetBytes(text));
        const string close = "</core></device></platform></project>";
        Add("<project><platform><device><core>");
        switch (shape)
        {
            case "deep":
                int levels = XclbinFile.MaxMetadataDepth - 4;
                string tree = string.Concat(Enumerable.Repeat("<x>", levels)) + string.Concat(Enumerable.Repeat("</x>", levels));
                while (x.Length + tree.Length + close.Length <= size) Add(tree);
                break;
            case "attributes":
                Add("<x");
                for (int i = 0; x.Length + 16 + close.Length < size; i++) Add($" a{i}=\"\"");
                Add("/>");
                break;
            case "kernels":
                for (int k = 0; x.Length + 400 + close.Length < size; k++)
                {
                    Add($"<kernel name=\"k{k}\">");
                    for (int a = 0; a < 3; a++)
                        Add($"<arg name=\"bo{a}\" addressQualifier=\"1\" id=\"{a}\" size=\"0x8\" offset=\"0x0\" hostSize=\"0x8\" type=\"void*\"/>");
                    Add("</kernel>");
                }
                break;
            default:
                byte[] line = [.. "<x note=\"d\u00e9j\u00e0 "u8, 0xFF, 0xE2, 0x82, .. " \U0001F600\"/>\r"u8];
                while (x.Length + line.Length + 64 + close.Length < size) x.Write(line);
                Add("</oops>");
                break;
        }
        Add(close);
        x.WriteByte(0);
        return x.ToArray();
    }

    /// <summary>A written mlir-aie xclbin with its EMBEDDED_METADATA replaced, laid out again after the header.</summary>
    private static byte[] WithMetadata(byte[] xml)
    {
        var image = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "worst-case"));
        var file = XclbinFile.Read(image);
        var sections = file.Sections
            .Select(s => (s.Kind, Data: s.Kind == XclbinSectionKind.EmbeddedMetadata ? xml : file.GetSectionData(s)))
            .ToList();
        int at = 456 + sections.Count * 40;
        var offsets = new int[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            at = (at + 7) & ~7;
            offsets[i] = at;
            at += sections[i].Data.Length;
        }
        var d = new byte[at];
        image.AsSpan(0, 456).CopyTo(d);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(304), (ulong)at);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(448), (uint)sections.Count);
        for (int i = 0; i < sections.Count; i++)
        {
            var h = d.AsSpan(456 + i * 40);
            BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)sections[i].Kind);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)sections[i].Data.Length);
            sections[i].Data.CopyTo(d, offsets[i]);
        }
        return d;
    }
}
