using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.Xclbin;

/// <summary>
/// Attaches memory groups to a kernel's arguments the way XRT's <c>xrt::xclbin</c> does: the kernel's compute
/// units are the IP_LAYOUT entries named <c>KERNEL:INSTANCE</c>; an argument's memories are the union, over
/// those units, of the (group) connectivity entries with its index; an argument with no entry has no group.
/// </summary>
internal static class KernelBinding
{
    internal static XclbinKernel Bind(KernelMetadata kernel, IReadOnlyList<IpInstance> ips, int groupCount,
        IReadOnlyList<Connection> connectivity, XclbinSection? connectivitySection, string? source)
    {
        var units = ips.Where(ip => ip.Name.StartsWith(kernel.Name + ":", System.StringComparison.Ordinal)).ToList();
        var unitIndices = new HashSet<int>(units.Select(u => u.Index));

        var groupsByArg = new Dictionary<int, SortedSet<int>>();
        for (int i = 0; i < connectivity.Count; i++)
        {
            var c = connectivity[i];
            if (!unitIndices.Contains(c.IpIndex)) continue;
            long at = connectivitySection is null ? 0
                : (long)connectivitySection.Offset + AxlfLayout.ConnectionEntries + (long)i * AxlfLayout.ConnectionEntrySize;
            string name = connectivitySection?.KindName ?? "CONNECTIVITY";
            if (c.ArgIndex < 0)
                throw new XclbinFormatException(name, at, $"entry {i} has a negative argument index ({c.ArgIndex})", source);
            if (c.MemoryIndex < 0 || c.MemoryIndex >= groupCount)
                throw new XclbinFormatException(name, at + 8,
                    $"entry {i} connects argument {c.ArgIndex} of '{ips[c.IpIndex].Name}' to memory {c.MemoryIndex}, but the memory topology has {groupCount} entries", source);
            if (!groupsByArg.TryGetValue(c.ArgIndex, out var set)) groupsByArg[c.ArgIndex] = set = new SortedSet<int>();
            set.Add(c.MemoryIndex);
        }

        var args = new List<XclbinKernelArg>(kernel.Arguments.Count);
        foreach (var a in kernel.Arguments)
        {
            IReadOnlyList<int> groups = groupsByArg.TryGetValue(a.Index, out var set) ? set.ToArray() : new int[0];
            args.Add(new XclbinKernelArg(a.Index, a.Name, a.Qualifier, a.HostType, a.Offset, a.Size, groups));
        }
        return new XclbinKernel(kernel.Name, args, units.Select(u => u.InstanceName).ToArray());
    }
}
