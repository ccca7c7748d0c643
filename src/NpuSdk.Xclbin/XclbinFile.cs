using System;
using System.Collections.Generic;
using System.IO;

namespace NpuSdk.Xclbin;

/// <summary>
/// A parsed xclbin: header, sections (unknown kinds kept), memory banks, IP layout, connectivity and
/// kernels with their arguments. Read with <see cref="Read(byte[], string?)"/> or <see cref="ReadFile"/>;
/// malformed input raises <see cref="XclbinFormatException"/> and nothing else.
/// </summary>
public sealed class XclbinFile
{
    /// <summary>
    /// The deepest element nesting the reader accepts in EMBEDDED_METADATA (the root element is depth 1). mlir-aie
    /// and Riallto builds nest 7 deep; a deeper document is an <see cref="XclbinFormatException"/>.
    /// </summary>
    public const int MaxMetadataDepth = 256;

    /// <summary>
    /// The largest EMBEDDED_METADATA document the reader accepts, in bytes up to its terminating NUL: 8 MiB.
    /// mlir-aie and Riallto builds write a few KiB; a larger document is an <see cref="XclbinFormatException"/>.
    /// </summary>
    public const int MaxMetadataBytes = 8 * 1024 * 1024;

    private readonly byte[] _data;

    internal XclbinFile(byte[] data, string? sourceName, XclbinHeader header, IReadOnlyList<XclbinSection> sections,
        IReadOnlyList<MemoryBank> memoryBanks, IReadOnlyList<IpInstance> ipLayout, IReadOnlyList<Connection> connectivity,
        IReadOnlyList<XclbinKernel> kernels, IReadOnlyList<MemoryBank> groupTopology, IReadOnlyList<Connection> groupConnectivity)
    {
        _data = data; SourceName = sourceName; Header = header; Sections = sections; MemoryBanks = memoryBanks;
        IpLayout = ipLayout; Connectivity = connectivity; Kernels = kernels;
        GroupTopology = groupTopology; GroupConnectivity = groupConnectivity;
    }

    /// <summary>The file name it was read from, when known.</summary>
    public string? SourceName { get; }
    /// <summary>The fixed header.</summary>
    public XclbinHeader Header { get; }
    /// <summary>The xclbin uuid (header offset 416).</summary>
    public XclbinUuid Uuid => Header.Uuid;
    /// <summary>Every section, in header order, unknown kinds included.</summary>
    public IReadOnlyList<XclbinSection> Sections { get; }
    /// <summary>MEM_TOPOLOGY entries; empty when the section is absent.</summary>
    public IReadOnlyList<MemoryBank> MemoryBanks { get; }
    /// <summary>IP_LAYOUT entries; empty when the section is absent.</summary>
    public IReadOnlyList<IpInstance> IpLayout { get; }
    /// <summary>CONNECTIVITY entries; empty when the section is absent.</summary>
    public IReadOnlyList<Connection> Connectivity { get; }
    /// <summary>
    /// The memory groups that argument group ids refer to: ASK_GROUP_TOPOLOGY, or MEM_TOPOLOGY when that is
    /// absent (XRT falls back the same way; a zero-size ASK_GROUP_TOPOLOGY is an empty table, not absent).
    /// </summary>
    public IReadOnlyList<MemoryBank> GroupTopology { get; }
    /// <summary>ASK_GROUP_CONNECTIVITY, or CONNECTIVITY when that is absent: what group ids come from.</summary>
    public IReadOnlyList<Connection> GroupConnectivity { get; }
    /// <summary>Kernels from EMBEDDED_METADATA, with memory groups from <see cref="GroupConnectivity"/>.</summary>
    public IReadOnlyList<XclbinKernel> Kernels { get; }

    /// <summary>The file's bytes, as read (for handing the same image to XRT).</summary>
    public byte[] GetBytes() => (byte[])_data.Clone();

    /// <summary>The bytes of one section.</summary>
    public byte[] GetSectionData(XclbinSection section)
    {
        if (section is null) throw new ArgumentNullException(nameof(section));
        var copy = new byte[section.Size];
        Buffer.BlockCopy(_data, checked((int)section.Offset), copy, 0, copy.Length);
        return copy;
    }

    /// <summary>The first section of a kind, or null.</summary>
    public XclbinSection? FindSection(XclbinSectionKind kind)
    {
        foreach (var s in Sections) if (s.Kind == kind) return s;
        return null;
    }

    /// <summary>
    /// The AIE partition (the first AIE_PARTITION section): the columns the design spans and may start at, and its
    /// PDIs; null when the file has none or it is empty. Read on request, so a file whose partition this reader cannot
    /// follow still gives its kernels.
    /// </summary>
    /// <exception cref="XclbinFormatException">The section is malformed; the message names the field and its offset.</exception>
    public XclbinAiePartition? ReadAiePartition() =>
        FindSection(XclbinSectionKind.AiePartition) is { Size: > 0 } s ? AiePartitionReader.Read(_data, s, SourceName) : null;

    /// <summary>
    /// Non-null when the file is an NpuSdk emulation stand-in (written by <c>npu emulation-xclbin</c>; no device program,
    /// which only the emulator can run): the real design it mirrors, in words, or empty when it names none.
    /// </summary>
    public string? EmulationStandIn
    {
        get
        {
            foreach (var s in Sections)
                if (s.Kind == XclbinSectionKind.KeyValueMetadata && s.Size > 0 && EmulationMarker.Read(GetSectionData(s)) is { } note) return note;
            return null;
        }
    }

    /// <summary>The kernel with this name, or null.</summary>
    public XclbinKernel? FindKernel(string name)
    {
        foreach (var k in Kernels) if (k.Name == name) return k;
        return null;
    }

    /// <summary>Parses an xclbin image.</summary>
    /// <param name="data">The whole file.</param>
    /// <param name="sourceName">A file name for messages.</param>
    /// <exception cref="XclbinFormatException">The image is malformed; the message names section and offset.</exception>
    public static XclbinFile Read(byte[] data, string? sourceName = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        // A private copy: the parsed model and GetBytes must not change if the caller reuses its array.
        return XclbinReader.Read((byte[])data.Clone(), sourceName);
    }

    /// <summary>Reads and parses an xclbin file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="XclbinFormatException">The file is malformed.</exception>
    public static XclbinFile ReadFile(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        return XclbinReader.Read(File.ReadAllBytes(path), Path.GetFileName(path));
    }
}
