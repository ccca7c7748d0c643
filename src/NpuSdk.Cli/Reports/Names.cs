using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>The names xclbinutil prints for memory types and address qualifiers.</summary>
internal static class Names
{
    internal static string Memory(MemoryType type) => type switch
    {
        MemoryType.Ddr3 => "MEM_DDR3",
        MemoryType.Ddr4 => "MEM_DDR4",
        MemoryType.Dram => "MEM_DRAM",
        MemoryType.Streaming => "MEM_STREAMING",
        MemoryType.PreallocatedGlobal => "MEM_PREALLOCATED_GLOB",
        MemoryType.Are => "MEM_ARE",
        MemoryType.Hbm => "MEM_HBM",
        MemoryType.Bram => "MEM_BRAM",
        MemoryType.Uram => "MEM_URAM",
        MemoryType.StreamingConnection => "MEM_STREAMING_CONNECTION",
        MemoryType.Host => "MEM_HOST",
        MemoryType.PsKernelMem => "MEM_PS_KERNEL",
        _ => $"MEM_UNKNOWN({(byte)type})",
    };

    internal static string Qualifier(AddressQualifier q) => q switch
    {
        AddressQualifier.Scalar => "scalar",
        AddressQualifier.Global => "global",
        AddressQualifier.Constant => "constant",
        AddressQualifier.Local => "local",
        AddressQualifier.Stream => "stream",
        _ => $"unknown({(int)q})",
    };
}
