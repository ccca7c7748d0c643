using System.Buffers.Binary;
using System.Text;
using NpuSdk.Xclbin;

namespace NpuSdk.Testing;

/// <summary>
/// Test-side axlf assembler: takes the header of an existing image and lays out any list of sections after it,
/// so tests can add unknown kinds, zero-size sections and trailing bytes, or craft broken tables. The header
/// bytes are open to edit; the length and section count are rewritten on build.
/// </summary>
internal sealed class AxlfBuilder
{
    public byte[] Header { get; }
    public List<(uint Kind, string Name, byte[] Data)> Sections { get; } = new();
    public byte[] Trailing { get; set; } = [];
    /// <summary>Section data boundaries (xclbinutil uses 8).</summary>
    public int Alignment { get; set; } = 8;
    /// <summary>What fills the gaps before aligned section data.</summary>
    public byte Padding { get; set; }

    public AxlfBuilder(byte[] image)
    {
        Header = image[..456];
        var file = XclbinFile.Read(image);
        foreach (var s in file.Sections) Sections.Add(((uint)s.Kind, s.Name, file.GetSectionData(s)));
    }

    public byte[] Build()
    {
        int at = 456 + Sections.Count * 40;
        var offsets = new int[Sections.Count];
        for (int i = 0; i < Sections.Count; i++)
        {
            at = (at + Alignment - 1) / Alignment * Alignment;
            offsets[i] = at;
            at += Sections[i].Data.Length;
        }
        var d = new byte[at + Trailing.Length];
        int tableEnd = 456 + Sections.Count * 40;
        Array.Fill(d, Padding, tableEnd, at - tableEnd);
        Header.CopyTo(d, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(304), (ulong)at);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(448), (uint)Sections.Count);
        for (int i = 0; i < Sections.Count; i++)
        {
            int h = 456 + i * 40;
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(h), Sections[i].Kind);
            Encoding.UTF8.GetBytes(Sections[i].Name).CopyTo(d, h + 4);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(h + 24), (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(h + 32), (ulong)Sections[i].Data.Length);
            Sections[i].Data.CopyTo(d, offsets[i]);
        }
        Trailing.CopyTo(d, at);
        return d;
    }

    public int IndexOf(XclbinSectionKind kind) => Sections.FindIndex(s => s.Kind == (uint)kind);

    public void Replace(XclbinSectionKind kind, byte[] data)
    {
        int i = IndexOf(kind);
        Sections[i] = (Sections[i].Kind, Sections[i].Name, data);
    }
}
