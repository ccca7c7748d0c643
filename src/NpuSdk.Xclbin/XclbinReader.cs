using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// Parses an axlf image: header, section table, the binary tables, and the kernels with their memory groups.
/// Every bound is checked before a read, so malformed input raises <see cref="XclbinFormatException"/> (naming
/// the section or <c>header</c> and the absolute byte offset) and nothing else.
/// </summary>
internal static class XclbinReader
{
    private const string HeaderName = "header";

    internal static XclbinFile Read(byte[] data, string? source)
    {
        var header = ReadHeader(data, source);
        var sections = ReadSections(data, header, source);

        XclbinSection? First(XclbinSectionKind kind) => sections.FirstOrDefault(s => s.Kind == kind);
        // XRT uses the first section of each kind, and the group sections fall back to the plain ones only when
        // absent: a zero-size group section is an empty table (checked against XRT 2.13 in the tests).

        var banks = XclbinTables.ReadMemTopology(data, First(XclbinSectionKind.MemTopology), source);
        var ips = XclbinTables.ReadIpLayout(data, First(XclbinSectionKind.IpLayout), source);
        var connectivity = XclbinTables.ReadConnectivity(data, First(XclbinSectionKind.Connectivity), source);

        var groupTopologySection = First(XclbinSectionKind.AskGroupTopology);
        var groupConnectivitySection = First(XclbinSectionKind.AskGroupConnectivity);
        var groupTopology = groupTopologySection is null ? banks : XclbinTables.ReadMemTopology(data, groupTopologySection, source);
        var groupConnectivity = groupConnectivitySection is null
            ? connectivity
            : XclbinTables.ReadConnectivity(data, groupConnectivitySection, source);

        var kernels = new List<XclbinKernel>();
        var metadata = First(XclbinSectionKind.EmbeddedMetadata);
        if (metadata is not null)
        {
            var connectivityInUse = groupConnectivitySection ?? First(XclbinSectionKind.Connectivity);
            kernels = KernelBinding.BindAll(XclbinMetadata.Read(data, metadata, source), ips, groupTopology.Count,
                groupConnectivity, connectivityInUse, source);
        }

        return new XclbinFile(data, source, header, sections, banks, ips, connectivity, kernels, groupTopology, groupConnectivity);
    }

    private static XclbinHeader ReadHeader(byte[] d, string? source)
    {
        if (d.Length < AxlfLayout.SectionTable)
            throw new XclbinFormatException(HeaderName, d.Length,
                $"the file is {d.Length} bytes, shorter than the {AxlfLayout.SectionTable}-byte axlf header (truncated or not an xclbin)", source);
        for (int i = 0; i < AxlfLayout.Magic.Length; i++)
            if (d[i] != AxlfLayout.Magic[i])
                throw new XclbinFormatException(HeaderName, 0,
                    $"the magic is '{Printable(d, 0, 8)}', not 'xclbin2' (not an xclbin file)", source);

        ulong length = LittleEndian.U64(d, AxlfLayout.Length);
        if (length > (ulong)d.Length)
            throw new XclbinFormatException(HeaderName, AxlfLayout.Length,
                $"the header declares a length of {length} bytes but the file has {d.Length} (truncated)", source);

        uint count = LittleEndian.U32(d, AxlfLayout.SectionCount);
        long tableEnd = AxlfLayout.SectionTable + (long)count * AxlfLayout.SectionHeaderSize;
        if (tableEnd > d.Length)
            throw new XclbinFormatException(HeaderName, AxlfLayout.SectionCount,
                $"the section count {count} needs a section table up to byte {tableEnd} but the file has {d.Length} bytes", source);

        return new XclbinHeader(
            LittleEndian.I32(d, AxlfLayout.SignatureLength), LittleEndian.U64(d, AxlfLayout.UniqueId), length,
            LittleEndian.U64(d, AxlfLayout.Timestamp), LittleEndian.U64(d, AxlfLayout.FeatureRomTimestamp),
            LittleEndian.U16(d, AxlfLayout.VersionPatch), d[AxlfLayout.VersionMajor], d[AxlfLayout.VersionMinor],
            LittleEndian.U16(d, AxlfLayout.Mode), LittleEndian.U16(d, AxlfLayout.ActionMask),
            new XclbinUuid(Slice(d, AxlfLayout.InterfaceUuid, 16)),
            LittleEndian.FixedString(d, AxlfLayout.PlatformVbnv, AxlfLayout.PlatformVbnvLength),
            new XclbinUuid(Slice(d, AxlfLayout.Uuid, 16)), Slice(d, AxlfLayout.DebugBin, 16), count);
    }

    private static List<XclbinSection> ReadSections(byte[] d, XclbinHeader header, string? source)
    {
        long tableEnd = AxlfLayout.SectionTable + (long)header.SectionCount * AxlfLayout.SectionHeaderSize;
        var sections = new List<XclbinSection>((int)header.SectionCount);
        for (long i = 0; i < header.SectionCount; i++)
        {
            long h = AxlfLayout.SectionTable + i * AxlfLayout.SectionHeaderSize;
            var section = new XclbinSection(
                (XclbinSectionKind)LittleEndian.U32(d, h + AxlfLayout.SectionKind),
                LittleEndian.FixedString(d, h + AxlfLayout.SectionName, AxlfLayout.SectionNameLength),
                LittleEndian.U64(d, h + AxlfLayout.SectionOffset), LittleEndian.U64(d, h + AxlfLayout.SectionSize));

            if (section.Offset > (ulong)d.Length || section.Size > (ulong)d.Length - section.Offset)
                throw new XclbinFormatException(section.KindName, h + AxlfLayout.SectionOffset,
                    $"section {i} ('{section.Name}') spans bytes {section.Offset}..+{section.Size}, past the end of the {d.Length}-byte file", source);
            if (section.Size > 0 && section.Offset < (ulong)tableEnd)
                throw new XclbinFormatException(section.KindName, h + AxlfLayout.SectionOffset,
                    $"section {i} ('{section.Name}') starts at byte {section.Offset}, inside the header and section table (which end at byte {tableEnd})", source);
            sections.Add(section);
        }

        // Zero-size sections occupy no bytes and may share an offset with anything.
        var placed = sections.Where(s => s.Size > 0).OrderBy(s => s.Offset).ToList();
        for (int i = 1; i < placed.Count; i++)
        {
            var previous = placed[i - 1];
            if (placed[i].Offset < previous.Offset + previous.Size)
                throw new XclbinFormatException(placed[i].KindName, (long)placed[i].Offset,
                    $"the section's data (bytes {placed[i].Offset}..+{placed[i].Size}) overlaps {previous.KindName} (bytes {previous.Offset}..+{previous.Size})", source);
        }
        return sections;
    }

    private static byte[] Slice(byte[] d, int offset, int length)
    {
        var copy = new byte[length];
        Buffer.BlockCopy(d, offset, copy, 0, length);
        return copy;
    }

    private static string Printable(byte[] d, int offset, int length)
    {
        var sb = new StringBuilder();
        for (int i = offset; i < offset + length; i++)
            sb.Append(d[i] >= 0x20 && d[i] < 0x7F ? (char)d[i] : '.');
        return sb.ToString();
    }
}
