using System;
using System.Collections.Generic;

namespace NpuSdk.Xclbin;

/// <summary>The fixed header of an axlf container (offsets 0..455).</summary>
public sealed class XclbinHeader
{
    /// <summary>Creates a header.</summary>
    public XclbinHeader(int signatureLength, ulong uniqueId, ulong length, ulong timestamp, ulong featureRomTimestamp,
        ushort versionPatch, byte versionMajor, byte versionMinor, ushort mode, ushort actionMask,
        XclbinUuid interfaceUuid, string platformVbnv, XclbinUuid uuid, byte[] debugBin, uint sectionCount)
    {
        SignatureLength = signatureLength; UniqueId = uniqueId; Length = length; Timestamp = timestamp;
        FeatureRomTimestamp = featureRomTimestamp; VersionPatch = versionPatch; VersionMajor = versionMajor;
        VersionMinor = versionMinor; Mode = mode; ActionMask = actionMask; InterfaceUuid = interfaceUuid;
        PlatformVbnv = platformVbnv; Uuid = uuid; DebugBin = debugBin; SectionCount = sectionCount;
    }

    /// <summary>Signature length (offset 8); -1 when unsigned.</summary>
    public int SignatureLength { get; }
    /// <summary>Unique id (offset 296).</summary>
    public ulong UniqueId { get; }
    /// <summary>Total file length the header declares (offset 304).</summary>
    public ulong Length { get; }
    /// <summary>Build timestamp (offset 312).</summary>
    public ulong Timestamp { get; }
    /// <summary>Feature ROM timestamp (offset 320).</summary>
    public ulong FeatureRomTimestamp { get; }
    /// <summary>Version patch (offset 328).</summary>
    public ushort VersionPatch { get; }
    /// <summary>Version major (offset 330).</summary>
    public byte VersionMajor { get; }
    /// <summary>Version minor (offset 331).</summary>
    public byte VersionMinor { get; }
    /// <summary>Mode (offset 332).</summary>
    public ushort Mode { get; }
    /// <summary>Action mask (offset 334).</summary>
    public ushort ActionMask { get; }
    /// <summary>Interface uuid (offset 336).</summary>
    public XclbinUuid InterfaceUuid { get; }
    /// <summary>Platform VBNV string (offset 352, 64 bytes, NUL-terminated).</summary>
    public string PlatformVbnv { get; }
    /// <summary>The xclbin uuid (offset 416).</summary>
    public XclbinUuid Uuid { get; }
    /// <summary>Debug bin (offset 432, 16 bytes).</summary>
    public byte[] DebugBin { get; }
    /// <summary>Number of section headers (offset 448).</summary>
    public uint SectionCount { get; }
}

/// <summary>One section header and where its data lies in the file.</summary>
public sealed class XclbinSection
{
    /// <summary>Creates a section entry.</summary>
    public XclbinSection(XclbinSectionKind kind, string name, ulong offset, ulong size)
    {
        Kind = kind; Name = name; Offset = offset; Size = size;
    }

    /// <summary>The kind; values outside <see cref="XclbinSectionKind"/>'s names are unknown kinds, kept as read.</summary>
    public XclbinSectionKind Kind { get; }
    /// <summary>True when <see cref="Kind"/> is one of the named kinds.</summary>
    public bool IsKnownKind => Enum.IsDefined(typeof(XclbinSectionKind), Kind);
    /// <summary>The kind's name as xclbinutil prints it (e.g. <c>MEM_TOPOLOGY</c>), or <c>UNKNOWN(n)</c>.</summary>
    public string KindName => XclbinSectionKinds.Name(Kind);
    /// <summary>The section name from the header (16 bytes, NUL-terminated).</summary>
    public string Name { get; }
    /// <summary>Absolute offset of the section data.</summary>
    public ulong Offset { get; }
    /// <summary>Size of the section data in bytes.</summary>
    public ulong Size { get; }
}

/// <summary>Names of section kinds as XRT tools print them.</summary>
public static class XclbinSectionKinds
{
    /// <summary>The printed name of a kind, e.g. <c>EMBEDDED_METADATA</c>; <c>UNKNOWN(n)</c> otherwise.</summary>
    public static string Name(XclbinSectionKind kind) => kind switch
    {
        XclbinSectionKind.Bitstream => "BITSTREAM",
        XclbinSectionKind.EmbeddedMetadata => "EMBEDDED_METADATA",
        XclbinSectionKind.MemTopology => "MEM_TOPOLOGY",
        XclbinSectionKind.Connectivity => "CONNECTIVITY",
        XclbinSectionKind.IpLayout => "IP_LAYOUT",
        XclbinSectionKind.DebugIpLayout => "DEBUG_IP_LAYOUT",
        XclbinSectionKind.ClockFreqTopology => "CLOCK_FREQ_TOPOLOGY",
        XclbinSectionKind.BuildMetadata => "BUILD_METADATA",
        XclbinSectionKind.KeyValueMetadata => "KEYVALUE_METADATA",
        XclbinSectionKind.Pdi => "PDI",
        XclbinSectionKind.SystemMetadata => "SYSTEM_METADATA",
        XclbinSectionKind.SoftKernel => "SOFT_KERNEL",
        XclbinSectionKind.AieMetadata => "AIE_METADATA",
        XclbinSectionKind.AskGroupTopology => "ASK_GROUP_TOPOLOGY",
        XclbinSectionKind.AskGroupConnectivity => "ASK_GROUP_CONNECTIVITY",
        XclbinSectionKind.AieResources => "AIE_RESOURCES",
        XclbinSectionKind.AiePartition => "AIE_PARTITION",
        XclbinSectionKind.IpMetadata => "IP_METADATA",
        XclbinSectionKind.AieResourcesBin => "AIE_RESOURCES_BIN",
        XclbinSectionKind.AieTraceMetadata => "AIE_TRACE_METADATA",
        XclbinSectionKind.ClearingBitstream => "CLEARING_BITSTREAM",
        XclbinSectionKind.Firmware => "FIRMWARE",
        XclbinSectionKind.DebugData => "DEBUG_DATA",
        XclbinSectionKind.SchedFirmware => "SCHED_FIRMWARE",
        XclbinSectionKind.DesignCheckPoint => "DESIGN_CHECK_POINT",
        XclbinSectionKind.Mcs => "MCS",
        XclbinSectionKind.Bmc => "BMC",
        XclbinSectionKind.UserMetadata => "USER_METADATA",
        XclbinSectionKind.DnaCertificate => "DNA_CERTIFICATE",
        XclbinSectionKind.BitstreamPartialPdi => "BITSTREAM_PARTIAL_PDI",
        XclbinSectionKind.PartitionMetadata => "PARTITION_METADATA",
        XclbinSectionKind.EmulationData => "EMULATION_DATA",
        XclbinSectionKind.AskFlash => "ASK_FLASH",
        XclbinSectionKind.SmartNic => "SMARTNIC",
        XclbinSectionKind.Overlay => "OVERLAY",
        XclbinSectionKind.VendorMetadata => "VENDER_METADATA", // sic: XRT's spelling
        _ => $"UNKNOWN({(uint)kind})",
    };
}

/// <summary>Memory types of a MEM_TOPOLOGY entry (XRT's <c>MEM_TYPE</c>).</summary>
public enum MemoryType : byte
{
    /// <summary>DDR3.</summary>
    Ddr3 = 0,
    /// <summary>DDR4.</summary>
    Ddr4 = 1,
    /// <summary>DRAM (mlir-aie uses it for both its HOST and SRAM banks).</summary>
    Dram = 2,
    /// <summary>Streaming.</summary>
    Streaming = 3,
    /// <summary>Preallocated global.</summary>
    PreallocatedGlobal = 4,
    /// <summary>ARE.</summary>
    Are = 5,
    /// <summary>HBM.</summary>
    Hbm = 6,
    /// <summary>BRAM.</summary>
    Bram = 7,
    /// <summary>URAM.</summary>
    Uram = 8,
    /// <summary>Streaming connection.</summary>
    StreamingConnection = 9,
    /// <summary>Host memory.</summary>
    Host = 10,
    /// <summary>PS kernel memory.</summary>
    PsKernelMem = 11,
}

/// <summary>One MEM_TOPOLOGY (or ASK_GROUP_TOPOLOGY) entry. Its index is the memory group id.</summary>
public sealed class MemoryBank
{
    /// <summary>Creates a bank.</summary>
    public MemoryBank(int index, MemoryType type, bool used, ulong sizeKb, ulong baseAddress, string tag)
    {
        Index = index; Type = type; Used = used; SizeKb = sizeKb; BaseAddress = baseAddress; Tag = tag;
    }

    /// <summary>Index in the topology: the group id of arguments connected to it.</summary>
    public int Index { get; }
    /// <summary>Memory type.</summary>
    public MemoryType Type { get; }
    /// <summary>Whether the bank is used.</summary>
    public bool Used { get; }
    /// <summary>Size in KiB.</summary>
    public ulong SizeKb { get; }
    /// <summary>Base address.</summary>
    public ulong BaseAddress { get; }
    /// <summary>The bank's tag, e.g. <c>HOST</c> or <c>SRAM</c>.</summary>
    public string Tag { get; }
}

/// <summary>One IP_LAYOUT entry: a kernel instance, named <c>KERNEL:INSTANCE</c>.</summary>
public sealed class IpInstance
{
    /// <summary>Creates an IP entry.</summary>
    public IpInstance(int index, uint type, uint properties, ulong baseAddress, string name)
    {
        Index = index; Type = type; Properties = properties; BaseAddress = baseAddress; Name = name;
    }

    /// <summary>Index in IP_LAYOUT (the ip index CONNECTIVITY refers to).</summary>
    public int Index { get; }
    /// <summary>IP type (7 = PS kernel, as mlir-aie writes).</summary>
    public uint Type { get; }
    /// <summary>Type-specific properties (mlir-aie: 0x09010001).</summary>
    public uint Properties { get; }
    /// <summary>Base address (unused on NPUs).</summary>
    public ulong BaseAddress { get; }
    /// <summary>Full name, <c>KERNEL:INSTANCE</c>.</summary>
    public string Name { get; }
    /// <summary>The kernel part of <see cref="Name"/>.</summary>
    public string KernelName => Name.IndexOf(':') is var i && i >= 0 ? Name.Substring(0, i) : Name;
    /// <summary>The instance part of <see cref="Name"/>, empty when there is none.</summary>
    public string InstanceName => Name.IndexOf(':') is var i && i >= 0 ? Name.Substring(i + 1) : "";
}

/// <summary>One CONNECTIVITY (or ASK_GROUP_CONNECTIVITY) entry.</summary>
public sealed class Connection
{
    /// <summary>Creates a connection.</summary>
    public Connection(int argIndex, int ipIndex, int memoryIndex)
    {
        ArgIndex = argIndex; IpIndex = ipIndex; MemoryIndex = memoryIndex;
    }

    /// <summary>Kernel argument index.</summary>
    public int ArgIndex { get; }
    /// <summary>Index into IP_LAYOUT.</summary>
    public int IpIndex { get; }
    /// <summary>Index into MEM_TOPOLOGY: the argument's memory group.</summary>
    public int MemoryIndex { get; }
}

/// <summary>How a kernel argument is passed (EMBEDDED_METADATA's <c>addressQualifier</c>).</summary>
public enum AddressQualifier
{
    /// <summary>A scalar passed by value.</summary>
    Scalar = 0,
    /// <summary>A global memory buffer.</summary>
    Global = 1,
    /// <summary>A constant memory buffer.</summary>
    Constant = 2,
    /// <summary>Local memory.</summary>
    Local = 3,
    /// <summary>A stream.</summary>
    Stream = 4,
}

/// <summary>One argument of a kernel as EMBEDDED_METADATA declares it.</summary>
public sealed class XclbinKernelArg
{
    /// <summary>Creates an argument.</summary>
    public XclbinKernelArg(int index, string name, AddressQualifier addressQualifier, string hostType, ulong offset, ulong size, int? memoryGroup)
        : this(index, name, addressQualifier, hostType, offset, size, memoryGroup is int g ? new[] { g } : new int[0])
    {
    }

    /// <summary>Creates an argument connected to several memory groups (the union over the kernel's compute units).</summary>
    public XclbinKernelArg(int index, string name, AddressQualifier addressQualifier, string hostType, ulong offset, ulong size, IReadOnlyList<int> memoryGroups)
    {
        Index = index; Name = name; AddressQualifier = addressQualifier; HostType = hostType;
        Offset = offset; Size = size;
        MemoryGroups = memoryGroups ?? throw new ArgumentNullException(nameof(memoryGroups));
        MemoryGroup = memoryGroups.Count > 0 ? memoryGroups[0] : null;
    }

    /// <summary>Argument index (<c>id</c>).</summary>
    public int Index { get; }
    /// <summary>Argument name, e.g. <c>opcode</c>, <c>instr</c>, <c>bo0</c>.</summary>
    public string Name { get; }
    /// <summary>How the argument is passed.</summary>
    public AddressQualifier AddressQualifier { get; }
    /// <summary>True for buffer arguments (global or constant memory).</summary>
    public bool IsBuffer => AddressQualifier == AddressQualifier.Global || AddressQualifier == AddressQualifier.Constant;
    /// <summary>The host type string exactly as written, e.g. <c>uint64_t</c>, <c>char *</c>, <c>void*</c>.</summary>
    public string HostType { get; }
    /// <summary>Offset of the argument in the kernel's register map.</summary>
    public ulong Offset { get; }
    /// <summary>Size of the argument in bytes.</summary>
    public ulong Size { get; }
    /// <summary>
    /// The memory group the connectivity connects it to (the lowest, when several); null if none. XRT reads
    /// ASK_GROUP_CONNECTIVITY when present and CONNECTIVITY otherwise; so does the reader.
    /// </summary>
    public int? MemoryGroup { get; }
    /// <summary>Every memory group the argument is connected to, ascending (XRT's <c>arg.get_mems()</c>).</summary>
    public IReadOnlyList<int> MemoryGroups { get; }
}

/// <summary>A kernel with its arguments in index order, and the IP instances that implement it.</summary>
public sealed class XclbinKernel
{
    /// <summary>Creates a kernel.</summary>
    public XclbinKernel(string name, IReadOnlyList<XclbinKernelArg> arguments, IReadOnlyList<string> instances)
    {
        Name = name; Arguments = arguments; Instances = instances;
    }

    /// <summary>Kernel name, e.g. <c>MLIR_AIE</c>.</summary>
    public string Name { get; }
    /// <summary>Arguments ordered by index.</summary>
    public IReadOnlyList<XclbinKernelArg> Arguments { get; }
    /// <summary>Instance names from IP_LAYOUT (<c>MLIRAIE</c> for mlir-aie builds).</summary>
    public IReadOnlyList<string> Instances { get; }

    /// <summary>The argument with this name, or null.</summary>
    public XclbinKernelArg? FindArgument(string name)
    {
        foreach (var a in Arguments) if (a.Name == name) return a;
        return null;
    }
}
