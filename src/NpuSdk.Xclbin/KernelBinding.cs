using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.Xclbin;

/// <summary>
/// Attaches memory groups to kernels' arguments the way XRT's <c>xrt::xclbin</c> does: a kernel's compute units are
/// the IP_LAYOUT entries named <c>KERNEL:INSTANCE</c>; an argument's memories are the union, over those units, of
/// the (group) connectivity entries with its index; an argument with no entry has no group. Units and connections
/// are indexed once, so the work is linear in the tables however many kernels there are.
/// </summary>
internal static class KernelBinding
{
    internal static List<XclbinKernel> BindAll(IReadOnlyList<KernelMetadata> kernels, IReadOnlyList<IpInstance> ips, int groupCount,
        IReadOnlyList<Connection> connectivity, XclbinSection? connectivitySection, string? source)
    {
        // An IP named "a:b:c" is a unit of kernel "a" and of kernel "a:b" (a name compared literally, up to a colon).
        var unitsByKernel = new Dictionary<string, List<IpInstance>>(System.StringComparer.Ordinal);
        foreach (var ip in ips)
        {
            for (int colon = ip.Name.IndexOf(':'); colon >= 0; colon = ip.Name.IndexOf(':', colon + 1))
            {
                string kernel = ip.Name.Substring(0, colon);
                if (!unitsByKernel.TryGetValue(kernel, out var units)) unitsByKernel[kernel] = units = new List<IpInstance>();
                units.Add(ip);
            }
        }
        var connectionsByIp = new Dictionary<int, List<int>>();
        for (int i = 0; i < connectivity.Count; i++)
        {
            if (!connectionsByIp.TryGetValue(connectivity[i].IpIndex, out var list)) connectionsByIp[connectivity[i].IpIndex] = list = new List<int>();
            list.Add(i);
        }

        // Kernels that share a name share one metadata object (XRT's lookup by name) and so one binding.
        var bound = new Dictionary<KernelMetadata, XclbinKernel>();
        var result = new List<XclbinKernel>(kernels.Count);
        foreach (var k in kernels)
        {
            if (!bound.TryGetValue(k, out var kernel))
            {
                var units = unitsByKernel.TryGetValue(k.Name, out var found) ? found : new List<IpInstance>();
                bound[k] = kernel = Bind(k, units, ips, groupCount, connectivity, connectionsByIp, connectivitySection, source);
            }
            result.Add(kernel);
        }
        return result;
    }

    private static XclbinKernel Bind(KernelMetadata kernel, List<IpInstance> units, IReadOnlyList<IpInstance> ips, int groupCount,
        IReadOnlyList<Connection> connectivity, Dictionary<int, List<int>> connectionsByIp, XclbinSection? connectivitySection, string? source)
    {
        // In table order, so the first bad entry is the one reported.
        var entries = units.SelectMany(u => connectionsByIp.TryGetValue(u.Index, out var list) ? list : Enumerable.Empty<int>()).ToList();
        entries.Sort();

        var groupsByArg = new Dictionary<int, SortedSet<int>>();
        foreach (int i in entries)
        {
            var c = connectivity[i];
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
