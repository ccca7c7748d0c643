using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu inspect --json</c> for an xclbin: uuid, sections, memory banks, IP layout, the AIE partition (column width,
/// start columns, PDIs; null when absent) and kernels, each argument with index, name, host type as written, offset,
/// size and memory group.
/// </summary>
internal static class XclbinJsonReport
{
    internal static string Write(XclbinFile file)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps host types such as "char *" and names readable; output is not embedded in HTML.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("file", file.SourceName);
            w.WriteString("uuid", file.Uuid.ToString());
            if (file.EmulationStandIn is { } note) w.WriteString("emulationStandIn", note);
            w.WriteString("version", $"{file.Header.VersionMajor}.{file.Header.VersionMinor}.{file.Header.VersionPatch}");
            w.WriteString("platformVbnv", file.Header.PlatformVbnv);

            w.WriteStartArray("sections");
            foreach (var s in file.Sections)
            {
                w.WriteStartObject();
                w.WriteString("kind", s.KindName);
                w.WriteNumber("kindId", (uint)s.Kind);
                w.WriteString("name", s.Name);
                w.WriteNumber("offset", s.Offset);
                w.WriteNumber("size", s.Size);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("memoryBanks");
            foreach (var b in file.MemoryBanks)
            {
                w.WriteStartObject();
                w.WriteNumber("index", b.Index);
                w.WriteString("tag", b.Tag);
                w.WriteString("type", Names.Memory(b.Type));
                w.WriteBoolean("used", b.Used);
                w.WriteNumber("sizeKb", b.SizeKb);
                w.WriteNumber("baseAddress", b.BaseAddress);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("ipLayout");
            foreach (var ip in file.IpLayout)
            {
                w.WriteStartObject();
                w.WriteNumber("index", ip.Index);
                w.WriteString("name", ip.Name);
                w.WriteNumber("type", ip.Type);
                w.WriteNumber("properties", ip.Properties);
                w.WriteNumber("baseAddress", ip.BaseAddress);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            if (file.ReadAiePartition() is { } partition)
            {
                w.WriteStartObject("aiePartition");
                w.WriteString("name", partition.Name);
                w.WriteNumber("columnWidth", partition.ColumnWidth);
                w.WriteStartArray("startColumns");
                foreach (var c in partition.StartColumns) w.WriteNumberValue(c);
                w.WriteEndArray();
                w.WriteNumber("operationsPerCycle", partition.OperationsPerCycle);
                w.WriteStartArray("pdis");
                foreach (var pdi in partition.Pdis) w.WriteStringValue(pdi.ToString());
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("aiePartition");
            }

            w.WriteStartArray("kernels");
            foreach (var k in file.Kernels)
            {
                w.WriteStartObject();
                w.WriteString("name", k.Name);
                w.WriteStartArray("instances");
                foreach (var i in k.Instances) w.WriteStringValue(i);
                w.WriteEndArray();
                w.WriteStartArray("args");
                foreach (var a in k.Arguments)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", a.Index);
                    w.WriteString("name", a.Name);
                    w.WriteString("addressQualifier", Names.Qualifier(a.AddressQualifier));
                    w.WriteString("type", a.HostType);
                    w.WriteNumber("offset", a.Offset);
                    w.WriteNumber("size", a.Size);
                    if (a.MemoryGroup is int g) w.WriteNumber("group", g); else w.WriteNull("group");
                    w.WriteStartArray("groups");
                    foreach (var m in a.MemoryGroups) w.WriteNumberValue(m);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }
}
