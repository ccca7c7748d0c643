using System.Collections.Generic;

namespace NpuSdk.Xclbin;

/// <summary>
/// Parsers for the binary tables: MEM_TOPOLOGY (and ASK_GROUP_TOPOLOGY), IP_LAYOUT, CONNECTIVITY (and
/// ASK_GROUP_CONNECTIVITY). Each checks that its count fits its section before reading an entry, so a
/// corrupt count is a format error, never an out-of-range read or a huge allocation.
/// </summary>
internal static class XclbinTables
{
    internal static IReadOnlyList<MemoryBank> ReadMemTopology(byte[] d, XclbinSection? s, string? source)
    {
        var banks = new List<MemoryBank>();
        if (s is null || s.Size == 0) return banks;
        int count = ReadCount(d, s, AxlfLayout.MemEntries, AxlfLayout.MemEntrySize, source);
        for (int i = 0; i < count; i++)
        {
            long e = (long)s.Offset + AxlfLayout.MemEntries + (long)i * AxlfLayout.MemEntrySize;
            banks.Add(new MemoryBank(i, (MemoryType)d[e], d[e + 1] != 0, LittleEndian.U64(d, e + 8),
                LittleEndian.U64(d, e + 16), LittleEndian.FixedString(d, e + 24, AxlfLayout.MemTagLength)));
        }
        return banks;
    }

    internal static IReadOnlyList<IpInstance> ReadIpLayout(byte[] d, XclbinSection? s, string? source)
    {
        var ips = new List<IpInstance>();
        if (s is null || s.Size == 0) return ips;
        int count = ReadCount(d, s, AxlfLayout.IpEntries, AxlfLayout.IpEntrySize, source);
        for (int i = 0; i < count; i++)
        {
            long e = (long)s.Offset + AxlfLayout.IpEntries + (long)i * AxlfLayout.IpEntrySize;
            ips.Add(new IpInstance(i, LittleEndian.U32(d, e), LittleEndian.U32(d, e + 4), LittleEndian.U64(d, e + 8),
                LittleEndian.FixedString(d, e + 16, AxlfLayout.IpNameLength)));
        }
        return ips;
    }

    internal static IReadOnlyList<Connection> ReadConnectivity(byte[] d, XclbinSection? s, string? source)
    {
        var connections = new List<Connection>();
        if (s is null || s.Size == 0) return connections;
        int count = ReadCount(d, s, AxlfLayout.ConnectionEntries, AxlfLayout.ConnectionEntrySize, source);
        for (int i = 0; i < count; i++)
        {
            long e = (long)s.Offset + AxlfLayout.ConnectionEntries + (long)i * AxlfLayout.ConnectionEntrySize;
            connections.Add(new Connection(LittleEndian.I32(d, e), LittleEndian.I32(d, e + 4), LittleEndian.I32(d, e + 8)));
        }
        return connections;
    }

    /// <summary>Reads the leading i32 count and checks that <c>count</c> entries fit the section.</summary>
    private static int ReadCount(byte[] d, XclbinSection s, int entriesAt, int entrySize, string? source)
    {
        long at = (long)s.Offset;
        if (s.Size < (ulong)entriesAt)
            throw new XclbinFormatException(s.KindName, at,
                $"the section is {s.Size} bytes, too small for its {entriesAt}-byte table header", source);
        int count = LittleEndian.I32(d, at);
        if (count < 0)
            throw new XclbinFormatException(s.KindName, at, $"the entry count is negative ({count})", source);
        ulong needed = (ulong)entriesAt + (ulong)count * (ulong)entrySize;
        if (needed > s.Size)
            throw new XclbinFormatException(s.KindName, at,
                $"the entry count {count} needs {needed} bytes ({entrySize} per entry) but the section is {s.Size} bytes", source);
        return count;
    }
}
