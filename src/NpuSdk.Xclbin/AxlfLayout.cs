namespace NpuSdk.Xclbin;

/// <summary>
/// Byte offsets and record sizes of the axlf container (XRT's <c>xclbin.h</c>; DESIGN.md "The xclbin
/// container"). One table shared by the reader and the writer so the two cannot drift apart.
/// </summary>
internal static class AxlfLayout
{
    internal const string Magic = "xclbin2";
    internal const int SignatureLength = 8;
    internal const int Reserved = 12;          // 28 bytes of 0xFF
    internal const int KeyBlock = 40;          // 256 bytes of 0xFF
    internal const int UniqueId = 296;
    internal const int Length = 304;
    internal const int Timestamp = 312;
    internal const int FeatureRomTimestamp = 320;
    internal const int VersionPatch = 328;
    internal const int VersionMajor = 330;
    internal const int VersionMinor = 331;
    internal const int Mode = 332;
    internal const int ActionMask = 334;
    internal const int InterfaceUuid = 336;
    internal const int PlatformVbnv = 352;
    internal const int PlatformVbnvLength = 64;
    internal const int Uuid = 416;
    internal const int DebugBin = 432;
    internal const int SectionCount = 448;
    internal const int SectionTable = 456;

    internal const int SectionHeaderSize = 40;
    internal const int SectionKind = 0;
    internal const int SectionName = 4;
    internal const int SectionNameLength = 16;
    internal const int SectionOffset = 24;
    internal const int SectionSize = 32;

    // MEM_TOPOLOGY / ASK_GROUP_TOPOLOGY: i32 count, entries from +8.
    internal const int MemEntries = 8;
    internal const int MemEntrySize = 40;
    internal const int MemTagLength = 16;

    // IP_LAYOUT: i32 count, entries from +8.
    internal const int IpEntries = 8;
    internal const int IpEntrySize = 80;
    internal const int IpNameLength = 64;

    // CONNECTIVITY / ASK_GROUP_CONNECTIVITY: i32 count, (arg, ip, mem) i32 triples from +4.
    internal const int ConnectionEntries = 4;
    internal const int ConnectionEntrySize = 12;

    // AIE_PARTITION: the aie_partition record, then the arrays it references, each {u32 count, u32 offset from the
    // section start}; strings are u32 offsets to NUL-terminated text.
    internal const int AiePartitionSize = 184;
    internal const int AiePartitionName = 4;               // mpo_name
    internal const int AiePartitionOperations = 8;         // operations_per_cycle
    internal const int AiePartitionInferenceFingerprint = 16;
    internal const int AiePartitionPrePostFingerprint = 24;
    internal const int AiePartitionColumnWidth = 32;       // info.column_width
    internal const int AiePartitionStartColumns = 40;      // info.start_columns (u16 elements)
    internal const int AiePartitionPdis = 120;             // aie_pdis
    internal const int AiePdiSize = 96;
    internal const int AiePdiUuid = 0;
    internal const int AiePdiImage = 16;                   // pdi_image
    internal const int AiePdiCdoGroups = 24;               // cdo_groups
    internal const int AieCdoGroupSize = 96;

    /// <summary>Section data is placed on 8-byte boundaries, as xclbinutil does.</summary>
    internal const int SectionAlignment = 8;
}
