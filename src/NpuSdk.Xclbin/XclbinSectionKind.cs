namespace NpuSdk.Xclbin;

/// <summary>
/// Section kinds of the axlf container (the numbering of XRT's <c>xclbin.h</c>). Kinds not listed here
/// are kept by the reader with their numeric value.
/// </summary>
public enum XclbinSectionKind : uint
{
    /// <summary>FPGA bitstream; absent from NPU builds.</summary>
    Bitstream = 0,
    /// <summary>XML describing kernels and their arguments.</summary>
    EmbeddedMetadata = 2,
    /// <summary>Memory banks.</summary>
    MemTopology = 6,
    /// <summary>Which memory bank each kernel argument is connected to.</summary>
    Connectivity = 7,
    /// <summary>Kernel instances (IPs).</summary>
    IpLayout = 8,
    /// <summary>Debug IP layout.</summary>
    DebugIpLayout = 9,
    /// <summary>Clock frequencies.</summary>
    ClockFreqTopology = 11,
    /// <summary>Build metadata (JSON).</summary>
    BuildMetadata = 14,
    /// <summary>Key/value metadata.</summary>
    KeyValueMetadata = 15,
    /// <summary>Programmable device image.</summary>
    Pdi = 18,
    /// <summary>System metadata (JSON).</summary>
    SystemMetadata = 22,
    /// <summary>Soft kernel.</summary>
    SoftKernel = 23,
    /// <summary>AIE metadata.</summary>
    AieMetadata = 25,
    /// <summary>Memory groups (same layout as MEM_TOPOLOGY).</summary>
    AskGroupTopology = 26,
    /// <summary>Group connectivity (same layout as CONNECTIVITY).</summary>
    AskGroupConnectivity = 27,
    /// <summary>AIE resources.</summary>
    AieResources = 29,
    /// <summary>AIE partition: the PDIs and the column range of an NPU design.</summary>
    AiePartition = 32,
    /// <summary>IP metadata.</summary>
    IpMetadata = 33,
    /// <summary>AIE resources, binary form.</summary>
    AieResourcesBin = 34,
    /// <summary>AIE trace metadata.</summary>
    AieTraceMetadata = 35,
}
