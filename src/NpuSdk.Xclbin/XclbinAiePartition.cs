using System.Collections.Generic;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// The AIE_PARTITION section of an NPU xclbin as XRT's <c>xclbin.h</c> lays it out (<c>aie_partition</c>): the columns
/// of the AIE array the design occupies (a width and the columns it may start at) and its PDIs.
/// </summary>
public sealed class XclbinAiePartition
{
    internal XclbinAiePartition(string name, uint operationsPerCycle, ushort columnWidth, IReadOnlyList<ushort> startColumns, IReadOnlyList<XclbinUuid> pdis)
    {
        Name = name; OperationsPerCycle = operationsPerCycle; ColumnWidth = columnWidth; StartColumns = startColumns; Pdis = pdis;
    }

    /// <summary>The partition's name (mlir-aie writes <c>QoS</c>).</summary>
    public string Name { get; }

    /// <summary>Operations per cycle, from which XRT derives TOPS.</summary>
    public uint OperationsPerCycle { get; }

    /// <summary>How many columns the partition spans (<c>info.column_width</c>).</summary>
    public ushort ColumnWidth { get; }

    /// <summary>The columns the partition may start at (<c>info.start_columns</c>).</summary>
    public IReadOnlyList<ushort> StartColumns { get; }

    /// <summary>The uuids of the partition's PDIs, in order.</summary>
    public IReadOnlyList<XclbinUuid> Pdis { get; }
}

/// <summary>
/// Reads AIE_PARTITION: the 184-byte <c>aie_partition</c> record, then its arrays, each an {u32 count, u32 offset from
/// the section start} reference (<c>start_columns</c> of u16, <c>aie_pdi</c> of 96-byte records) and its name, a u32
/// offset to NUL-terminated text. Every reference is checked against the section before it is followed.
/// </summary>
internal static class AiePartitionReader
{
    private const string Section = "AIE_PARTITION";
    private const int PartitionSize = AxlfLayout.AiePartitionSize, PdiSize = AxlfLayout.AiePdiSize;

    internal static XclbinAiePartition Read(byte[] d, XclbinSection s, string? source)
    {
        long start = (long)s.Offset;
        if (s.Size < PartitionSize)
            throw new XclbinFormatException(Section, start, $"the section is {s.Size} bytes, shorter than the {PartitionSize}-byte aie_partition record", source);

        long columnsAt = Array(d, s, AxlfLayout.AiePartitionStartColumns, 2, "start_columns", source, out uint columnCount);
        var columns = new ushort[columnCount];
        for (int i = 0; i < columns.Length; i++) columns[i] = LittleEndian.U16(d, columnsAt + 2L * i);

        long pdisAt = Array(d, s, AxlfLayout.AiePartitionPdis, PdiSize, "aie_pdi", source, out uint pdiCount);
        var pdis = new List<XclbinUuid>((int)pdiCount);
        for (long i = 0; i < pdiCount; i++)
        {
            var uuid = new byte[16];
            System.Buffer.BlockCopy(d, (int)(pdisAt + i * PdiSize + AxlfLayout.AiePdiUuid), uuid, 0, 16);
            pdis.Add(new XclbinUuid(uuid));
        }

        return new XclbinAiePartition(Name(d, s, source), LittleEndian.U32(d, start + AxlfLayout.AiePartitionOperations),
            LittleEndian.U16(d, start + AxlfLayout.AiePartitionColumnWidth), columns, pdis);
    }

    /// <summary>Follows the array reference at <paramref name="at"/>; returns where its elements start in the file.</summary>
    private static long Array(byte[] d, XclbinSection s, int at, int elementSize, string field, string? source, out uint count)
    {
        long reference = (long)s.Offset + at;
        count = LittleEndian.U32(d, reference);
        uint offset = LittleEndian.U32(d, reference + 4);
        ulong end = offset + (ulong)count * (ulong)elementSize;
        if (end > s.Size)
            throw new XclbinFormatException(Section, reference,
                $"{field} holds {count} element(s) of {elementSize} bytes at +{offset}, past the end of the {s.Size}-byte section", source);
        return (long)s.Offset + offset;
    }

    private static string Name(byte[] d, XclbinSection s, string? source)
    {
        long reference = (long)s.Offset + AxlfLayout.AiePartitionName;
        uint offset = LittleEndian.U32(d, reference);
        long from = (long)s.Offset + offset, end = (long)s.Offset + (long)s.Size;
        long nul = from;
        while (nul < end && d[nul] != 0) nul++;
        if (offset >= s.Size || nul == end)
            throw new XclbinFormatException(Section, reference, $"the name at +{offset} does not end with a NUL inside the {s.Size}-byte section", source);
        return Encoding.UTF8.GetString(d, (int)from, (int)(nul - from));
    }
}
