namespace NpuSdk.Xclbin;

/// <summary>
/// Section kinds of the axlf container (the numbering of XRT's <c>xclbin.h</c>). Kinds not listed here
/// are kept by the reader with their numeric value.
/// </summary>
public enum XclbinSectionKind : uint
{
    /// <summary>FPGA bitstream; absent from NPU builds.</summary>
    Bitstream = 0,
    /// <summary>Clearing bitstream.</summary>
    ClearingBitstream = 1,
    /// <summary>XML describing kernels and their arguments.</summary>
    EmbeddedMetadata = 2,
    /// <summary>Firmware.</summary>
    Firmware = 3,
    /// <summary>Debug data.</summary>
    DebugData = 4,
    /// <summary>Scheduler firmware.</summary>
    SchedFirmware = 5,
    /// <summary>Memory banks.</summary>
    MemTopology = 6,
    /// <summary>Which memory bank each kernel argument is connected to.</summary>
    Connectivity = 7,
    /// <summary>Kernel instances (IPs).</summary>
    IpLayout = 8,
    /// <summary>Debug IP layout.</summary>
    DebugIpLayout = 9,
    /// <summary>Design checkpoint.</summary>
    DesignCheckPoint = 10,
    /// <summary>Clock frequencies.</summary>
    ClockFreqTopology = 11,
    /// <summary>MCS flash image.</summary>
    Mcs = 12,
    /// <summary>Board management controller image.</summary>
    Bmc = 13,
    /// <summary>Build metadata (JSON).</summary>
    BuildMetadata = 14,
    /// <summary>Key/value metadata.</summary>
    KeyValueMetadata = 15,
    /// <summary>User metadata.</summary>
    UserMetadata = 16,
    /// <summary>DNA certificate.</summary>
    DnaCertificate = 17,
    /// <summary>Programmable device image.</summary>
    Pdi = 18,
    /// <summary>Partial-bitstream PDI.</summary>
    BitstreamPartialPdi = 19,
    /// <summary>Partition metadata.</summary>
    PartitionMetadata = 20,
    /// <summary>Emulation data.</summary>
    EmulationData = 21,
    /// <summary>System metadata (JSON).</summary>
    SystemMetadata = 22,
    /// <summary>Soft kernel.</summary>
    SoftKernel = 23,
    /// <summary>Flash image.</summary>
    AskFlash = 24,
    /// <summary>AIE metadata.</summary>
    AieMetadata = 25,
    /// <summary>Memory groups (same layout as MEM_TOPOLOGY).</summary>
    AskGroupTopology = 26,
    /// <summary>Group connectivity (same layout as CONNECTIVITY).</summary>
    AskGroupConnectivity = 27,
    /// <summary>SmartNIC data.</summary>
    SmartNic = 28,
    /// <summary>AIE resources.</summary>
    AieResources = 29,
    /// <summary>Overlay.</summary>
    Overlay = 30,
    /// <summary>Vendor metadata.</summary>
    VendorMetadata = 31,
    /// <summary>AIE partition: the PDIs and the column range of an NPU design.</summary>
    AiePartition = 32,
    /// <summary>IP metadata.</summary>
    IpMetadata = 33,
    /// <summary>AIE resources, binary form.</summary>
    AieResourcesBin = 34,
    /// <summary>AIE trace metadata.</summary>
    AieTraceMetadata = 35,
}
