using System.Globalization;
using System.Text;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>The human summary of <c>npu inspect</c>, in the spirit of <c>xclbinutil --info</c>, with the AIE partition's columns.</summary>
internal static class XclbinTextReport
{
    internal static string Write(XclbinFile file)
    {
        var sb = new StringBuilder();
        var h = file.Header;
        Line(sb, $"xclbin:          {file.SourceName}");
        Line(sb, $"UUID:            {file.Uuid}");
        Line(sb, $"Version:         {h.VersionMajor}.{h.VersionMinor}.{h.VersionPatch}");
        Line(sb, $"Platform VBNV:   {(h.PlatformVbnv.Length == 0 ? "<not defined>" : h.PlatformVbnv)}");
        Line(sb, $"Length:          {h.Length} bytes");
        if (file.EmulationStandIn is { } note)
            Line(sb, $"Stand-in:        an NpuSdk emulation stand-in (no device program): the emulator runs it, an NPU refuses it{(note.Length > 0 ? "; " + note : "")}");
        Line(sb, "");

        Line(sb, $"Sections ({file.Sections.Count}):");
        Line(sb, $"  {"Kind",-30} {"Name",-16} {"Offset",12} {"Size",10}");
        foreach (var s in file.Sections)
            Line(sb, $"  {s.KindName + " (" + (uint)s.Kind + ")",-30} {s.Name,-16} {Hex(s.Offset),12} {s.Size,10}");
        Line(sb, "");

        Line(sb, "Memory banks:");
        if (file.MemoryBanks.Count == 0) Line(sb, "  <none>");
        foreach (var b in file.MemoryBanks)
            Line(sb, $"  [{b.Index}] {b.Tag,-8} {Names.Memory(b.Type),-14} {(b.Used ? "used" : "unused"),-6} base {Hex(b.BaseAddress)}  size {b.SizeKb} KiB");
        Line(sb, "");

        Line(sb, "IP layout:");
        if (file.IpLayout.Count == 0) Line(sb, "  <none>");
        foreach (var ip in file.IpLayout)
            Line(sb, $"  [{ip.Index}] {ip.Name}  type {ip.Type}  properties 0x{ip.Properties:x8}");
        Line(sb, "");

        Line(sb, "AIE partition:");
        if (file.ReadAiePartition() is not { } partition) Line(sb, "  <none>");
        else
        {
            Line(sb, $"  {partition.ColumnWidth} column(s) wide, starting at column {(partition.StartColumns.Count == 0 ? "<none listed>" : string.Join(" or ", partition.StartColumns))}");
            Line(sb, $"  name '{partition.Name}', {partition.OperationsPerCycle} operations per cycle");
            foreach (var pdi in partition.Pdis) Line(sb, $"  PDI {pdi}");
        }
        Line(sb, "");

        Line(sb, "Kernels:");
        if (file.Kernels.Count == 0) Line(sb, "  <none>");
        foreach (var k in file.Kernels)
        {
            Line(sb, $"  {k.Name} (instances: {(k.Instances.Count == 0 ? "none" : string.Join(", ", k.Instances))})");
            foreach (var a in k.Arguments)
            {
                string group = a.MemoryGroup is int g
                    ? $"  group {string.Join(",", a.MemoryGroups)} ({GroupTag(file, g)})"
                    : "";
                Line(sb, $"    [{a.Index}] {a.Name,-10} {Names.Qualifier(a.AddressQualifier),-8} {a.HostType,-14} offset {Hex(a.Offset),-6} size {a.Size}{group}");
            }
        }
        return sb.ToString();
    }

    private static string GroupTag(XclbinFile file, int group) =>
        group < file.GroupTopology.Count ? file.GroupTopology[group].Tag : "?";

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, string text) => sb.Append(text).Append('\n');
}
