using System;
using System.Collections.Generic;
using System.Linq;

namespace NpuSdk.Xclbin;

/// <summary>One kernel's arguments as EMBEDDED_METADATA declares them, before memory groups are attached.</summary>
internal sealed class KernelMetadata
{
    internal KernelMetadata(string name, List<ArgMetadata> arguments) { Name = name; Arguments = arguments; }
    internal string Name { get; }
    internal List<ArgMetadata> Arguments { get; }
}

/// <summary>One argument as written in the XML (multi-component arguments already merged).</summary>
internal sealed class ArgMetadata
{
    internal ArgMetadata(int index, string name, AddressQualifier qualifier, string hostType, ulong offset, ulong size)
    {
        Index = index; Name = name; Qualifier = qualifier; HostType = hostType; Offset = offset; Size = size;
    }
    internal int Index { get; }
    internal string Name { get; }
    internal AddressQualifier Qualifier { get; }
    internal string HostType { get; }
    internal ulong Offset { get; set; }
    internal ulong Size { get; set; }
}

/// <summary>
/// Reads kernels and arguments from the EMBEDDED_METADATA XML the way XRT's <c>xclbin_parser.cpp</c> does
/// (checked against XRT 2.13's <c>xrt::xclbin</c> in the tests): XML read by <see cref="MetadataXml"/>; kernels
/// under the first <c>project/platform/device/core</c>, other elements (ports, instances, extended data) ignored;
/// every argument needs <c>id</c>, <c>addressQualifier</c>, <c>offset</c>, <c>size</c> and <c>hostSize</c>, as XRT
/// does; numbers read by <see cref="MetadataNumbers"/>; an argument with an empty <c>id</c> is an OpenCL runtime
/// argument and is not a kernel argument; arguments are stably sorted by id and components with the same id merged
/// (sizes added, lowest offset); the ids must then run 0..n-1; a missing <c>type</c> reads as <c>no-type</c>; when
/// two kernels share a name, both have the first one's arguments, because XRT looks arguments up by name.
/// Errors name the byte offset of the element at fault.
/// </summary>
internal static class XclbinMetadata
{
    private const string Section = "EMBEDDED_METADATA";

    internal static List<KernelMetadata> Read(byte[] d, XclbinSection s, string? source)
    {
        var kernels = new List<KernelMetadata>();
        if (s.Size == 0) return kernels;

        // XRT's XML parser reads a zero-terminated string, so the document ends at the first NUL (xclbinutil
        // NUL-terminates it); a UTF-8 byte order mark before it is skipped.
        int start = (int)s.Offset, length = (int)s.Size;
        int nul = Array.IndexOf(d, (byte)0, start, length);
        if (nul >= 0) length = nul - start;
        if (length >= 3 && d[start] == 0xEF && d[start + 1] == 0xBB && d[start + 2] == 0xBF) { start += 3; length -= 3; }
        var elements = MetadataXml.ReadKernels(d, start, length, Section, source)
            ?? throw Error((long)s.Offset, "the XML has no project/platform/device/core element, where kernels are declared", source);

        var firstByName = new Dictionary<string, KernelMetadata>(StringComparer.Ordinal);
        foreach (var kernel in elements)
        {
            string name = kernel.Attribute("name")
                ?? throw Error(kernel.Offset, "a <kernel> element has no name attribute", source);
            if (!firstByName.TryGetValue(name, out var first))
                firstByName[name] = first = new KernelMetadata(name, ReadArguments(kernel, name, source));
            kernels.Add(first);
        }
        return kernels;
    }

    private static List<ArgMetadata> ReadArguments(MetadataElement kernel, string kernelName, string? source)
    {
        var args = new List<ArgMetadata>();
        var at = new List<long>();
        foreach (var arg in kernel.Arguments)
        {
            string argName = arg.Attribute("name")
                ?? throw Error(arg.Offset, $"kernel '{kernelName}': an <arg> element has no name attribute", source);
            string where = $"kernel '{kernelName}' argument '{argName}'";
            string id = Required(arg, "id", where, source);
            string qualifierText = Required(arg, "addressQualifier", where, source);
            ulong qualifier = Number(MetadataNumbers.Decimal(qualifierText), qualifierText, "addressQualifier", where, arg, source);
            if (qualifier > int.MaxValue)
                throw Error(arg.Offset, $"{where}: addressQualifier {qualifier} is not a valid address qualifier", source);
            ulong offset = ReadNumber(Required(arg, "offset", where, source), "offset", where, arg, source);
            ulong size = ReadNumber(Required(arg, "size", where, source), "size", where, arg, source);
            // XRT reads hostSize for every argument and cannot load a kernel whose arguments lack it.
            ReadNumber(Required(arg, "hostSize", where, source), "hostSize", where, arg, source);
            if (id.Length == 0) continue; // OpenCL runtime-info argument: XRT gives it no index and no kernel arg.

            ulong index = Number(MetadataNumbers.Convert(id), id, "id", where, arg, source);
            if (index > int.MaxValue)
                throw Error(arg.Offset, $"{where}: id {id} is not a valid argument index", source);
            args.Add(new ArgMetadata((int)index, argName, (AddressQualifier)(int)qualifier,
                arg.Attribute("type") ?? "no-type", offset, size));
            at.Add(arg.Offset);
        }

        // Stable: components of a multi-component argument keep their written order.
        var sorted = args.Select((a, order) => (a, order)).OrderBy(p => p.a.Index).ThenBy(p => p.order).ToList();
        var merged = new List<ArgMetadata>();
        foreach (var (a, order) in sorted)
        {
            if (merged.Count > 0 && merged[merged.Count - 1].Index == a.Index)
            {
                var first = merged[merged.Count - 1];
                first.Size = unchecked(first.Size + a.Size);
                first.Offset = Math.Min(first.Offset, a.Offset);
                continue;
            }
            if (a.Index != merged.Count)
                throw Error(at[order], $"kernel '{kernelName}': argument ids must run 0..n-1, but after {merged.Count} argument(s) the next id is {a.Index} ('{a.Name}')", source);
            merged.Add(a);
        }
        return merged;
    }

    private static string Required(MetadataElement arg, string attribute, string where, string? source) =>
        arg.Attribute(attribute) ?? throw Error(arg.Offset, $"{where} has no {attribute} attribute", source);

    private static ulong ReadNumber(string text, string attribute, string where, MetadataElement arg, string? source) =>
        Number(MetadataNumbers.Convert(text), text, attribute, where, arg, source);

    private static ulong Number(MetadataNumbers.Result r, string text, string attribute, string where, MetadataElement arg, string? source) =>
        r.Problem is null ? r.Value : throw Error(arg.Offset, $"{where}: {attribute}=\"{text}\" {r.Problem}", source);

    private static XclbinFormatException Error(long offset, string problem, string? source) =>
        new(Section, offset, problem, source);
}
