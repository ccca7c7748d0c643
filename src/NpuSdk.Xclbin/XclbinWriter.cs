using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// Writes xclbin files with the section set of an mlir-aie build (MEM_TOPOLOGY, AIE_PARTITION,
/// EMBEDDED_METADATA, IP_LAYOUT, CONNECTIVITY, ASK_GROUP_CONNECTIVITY, ASK_GROUP_TOPOLOGY) or of an older
/// Riallto build (additionally BITSTREAM, PDI, BUILD_METADATA, SYSTEM_METADATA). Output is deterministic:
/// equal specs give byte-identical files.
/// </summary>
public static class XclbinWriter
{
    /// <summary>Version stamped into the header (major.minor.patch of the XRT whose xclbinutil is imitated).</summary>
    private const byte VersionMajor = 2, VersionMinor = 17;
    private const ushort VersionPatch = 0;

    /// <summary>Writes the xclbin image for <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">The spec cannot be written (empty or over-long names, an unknown memory tag).</exception>
    public static byte[] Write(XclbinSpec spec)
    {
        if (spec is null) throw new ArgumentNullException(nameof(spec));
        Validate(spec);
        var uuid = spec.Uuid.IsEmpty ? DeriveUuid(spec) : spec.Uuid;
        return Assemble(uuid, Sections(spec, uuid));
    }

    /// <summary>
    /// The uuid <see cref="Write"/> gives a spec whose <see cref="XclbinSpec.Uuid"/> is empty: SHA-256 of a
    /// canonical text of the layout, kernel, instance, arguments and <see cref="XclbinSpec.UuidSeed"/>,
    /// truncated to 16 bytes with RFC 4122 version (5, name-based) and variant bits.
    /// </summary>
    public static XclbinUuid DeriveUuid(XclbinSpec spec)
    {
        if (spec is null) throw new ArgumentNullException(nameof(spec));
        var text = new StringBuilder("npusdk-xclbin/1\n");
        text.Append(spec.Layout).Append('\n').Append(spec.KernelName).Append('\n').Append(spec.InstanceName).Append('\n');
        foreach (var a in spec.Arguments)
            text.Append(a.Name).Append('|').Append((int)a.AddressQualifier).Append('|').Append(a.HostType).Append('|')
                .Append(a.Size.ToString(CultureInfo.InvariantCulture)).Append('|').Append(a.MemoryTag ?? "-").Append('\n');
        text.Append(spec.UuidSeed);

        byte[] hash;
        using (var sha = SHA256.Create()) hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()));
        var bytes = new byte[16];
        Buffer.BlockCopy(hash, 0, bytes, 0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new XclbinUuid(bytes);
    }

    private static void Validate(XclbinSpec spec)
    {
        if (string.IsNullOrEmpty(spec.KernelName)) throw new ArgumentException("The kernel name is empty.", nameof(spec));
        if (string.IsNullOrEmpty(spec.InstanceName)) throw new ArgumentException("The instance name is empty.", nameof(spec));
        if (spec.KernelName.IndexOf(':') >= 0)
            throw new ArgumentException($"The kernel name '{spec.KernelName}' contains ':', which separates kernel and instance in IP_LAYOUT.", nameof(spec));
        if (Encoding.UTF8.GetByteCount(spec.KernelName + ":" + spec.InstanceName) >= AxlfLayout.IpNameLength)
            throw new ArgumentException($"'{spec.KernelName}:{spec.InstanceName}' is longer than the {AxlfLayout.IpNameLength - 1} bytes an IP_LAYOUT name holds.", nameof(spec));
        for (int i = 0; i < spec.Arguments.Count; i++)
            if (spec.Arguments[i].Name.Length == 0) throw new ArgumentException($"Argument {i} has an empty name.", nameof(spec));
    }

    private static List<(XclbinSectionKind Kind, string Name, byte[] Data)> Sections(XclbinSpec spec, XclbinUuid uuid)
    {
        var memTopology = XclbinSectionWriters.MemTopology();
        var connectivity = XclbinSectionWriters.Connectivity(spec);
        var partition = AiePartitionWriter.Write(uuid, columnWidth: 4, startColumn: 1);
        var sections = new List<(XclbinSectionKind, string, byte[])>();
        bool riallto = spec.Layout == XclbinLayout.Riallto;

        if (riallto) sections.Add((XclbinSectionKind.Bitstream, "", RialltoSections.Bitstream()));
        sections.Add((XclbinSectionKind.MemTopology, "", memTopology));
        sections.Add((XclbinSectionKind.AiePartition, "", partition));
        sections.Add((XclbinSectionKind.EmbeddedMetadata, "", XclbinSectionWriters.EmbeddedMetadata(spec)));
        sections.Add((XclbinSectionKind.IpLayout, "", XclbinSectionWriters.IpLayout(spec)));
        sections.Add((XclbinSectionKind.Connectivity, "", connectivity));
        if (riallto)
        {
            sections.Add((XclbinSectionKind.Pdi, uuid.ToString().Substring(0, 8), AiePartitionWriter.PlaceholderPdi()));
            sections.Add((XclbinSectionKind.BuildMetadata, "", RialltoSections.BuildMetadata(spec)));
            sections.Add((XclbinSectionKind.SystemMetadata, "", RialltoSections.SystemMetadata(spec)));
        }
        // xclbinutil derives the group sections from the plain ones; with no grouping they are copies.
        sections.Add((XclbinSectionKind.AskGroupConnectivity, "", connectivity));
        sections.Add((XclbinSectionKind.AskGroupTopology, "", memTopology));
        if (spec.EmulationStandIn is { } note) sections.Add((XclbinSectionKind.KeyValueMetadata, "", EmulationMarker.Write(note)));
        return sections;
    }

    private static byte[] Assemble(XclbinUuid uuid, List<(XclbinSectionKind Kind, string Name, byte[] Data)> sections)
    {
        long at = AxlfLayout.SectionTable + sections.Count * AxlfLayout.SectionHeaderSize;
        var offsets = new long[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            at = Align(at);
            offsets[i] = at;
            at += sections[i].Data.Length;
        }
        var d = new byte[at];

        Encoding.ASCII.GetBytes(AxlfLayout.Magic, 0, AxlfLayout.Magic.Length, d, 0);
        LittleEndian.Put(d, AxlfLayout.SignatureLength, -1); // unsigned
        for (int i = AxlfLayout.Reserved; i < AxlfLayout.UniqueId; i++) d[i] = 0xFF; // reserved and key block, as xclbinutil leaves them
        var id = uuid.ToByteArray();
        LittleEndian.Put(d, AxlfLayout.UniqueId, LittleEndian.U64(id, 0)); // deterministic stand-in for xclbinutil's time-based id
        LittleEndian.Put(d, AxlfLayout.Length, (ulong)d.Length);
        LittleEndian.Put(d, AxlfLayout.VersionPatch, VersionPatch);
        d[AxlfLayout.VersionMajor] = VersionMajor;
        d[AxlfLayout.VersionMinor] = VersionMinor;
        Buffer.BlockCopy(id, 0, d, AxlfLayout.Uuid, 16);
        LittleEndian.Put(d, AxlfLayout.SectionCount, (uint)sections.Count);

        for (int i = 0; i < sections.Count; i++)
        {
            long h = AxlfLayout.SectionTable + i * AxlfLayout.SectionHeaderSize;
            LittleEndian.Put(d, h + AxlfLayout.SectionKind, (uint)sections[i].Kind);
            LittleEndian.PutFixedString(d, h + AxlfLayout.SectionName, AxlfLayout.SectionNameLength, sections[i].Name);
            LittleEndian.Put(d, h + AxlfLayout.SectionOffset, (ulong)offsets[i]);
            LittleEndian.Put(d, h + AxlfLayout.SectionSize, (ulong)sections[i].Data.Length);
            Buffer.BlockCopy(sections[i].Data, 0, d, (int)offsets[i], sections[i].Data.Length);
        }
        return d;
    }

    private static long Align(long n) => (n + AxlfLayout.SectionAlignment - 1) & ~(long)(AxlfLayout.SectionAlignment - 1);
}
