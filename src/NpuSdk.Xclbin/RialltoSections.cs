using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// The extra sections of an older Riallto build: small, well-formed stand-ins for the bitstream and the
/// build and system metadata JSON that its xclbinutil run recorded.
/// </summary>
internal static class RialltoSections
{
    /// <summary>A bitstream header only: padding then the configuration sync word 0xAA995566 (big-endian).</summary>
    internal static byte[] Bitstream()
    {
        var d = new byte[32];
        for (int i = 0; i < 16; i++) d[i] = 0xFF;
        d[16] = 0xAA; d[17] = 0x99; d[18] = 0x55; d[19] = 0x66;
        return d;
    }

    internal static byte[] BuildMetadata(XclbinSpec spec) => Encoding.UTF8.GetBytes(
        "{\"build_metadata\":{\"xclbin\":{\"generated_by\":{\"name\":\"NpuSdk.Xclbin\",\"version\":\"1\"}," +
        "\"user_regions\":[{\"name\":\"OCL_REGION_0\",\"type\":\"clc_region\",\"kernels\":[{\"name\":\"" + Json(spec.KernelName) +
        "\",\"instances\":[{\"name\":\"" + Json(spec.InstanceName) + "\"}]}]}]}}}\n");

    internal static byte[] SystemMetadata(XclbinSpec spec) => Encoding.UTF8.GetBytes(
        "{\"system_diagram_metadata\":{\"schema_version\":{\"major\":\"1\",\"minor\":\"0\",\"patch\":\"0\"}," +
        "\"xclbin\":{\"generated_by\":{\"name\":\"NpuSdk.Xclbin\",\"version\":\"1\"}," +
        "\"user_regions\":[{\"name\":\"OCL_REGION_0\",\"compute_units\":[{\"name\":\"" + Json(spec.InstanceName) +
        "\",\"kernel_name\":\"" + Json(spec.KernelName) + "\"}]}]}}}\n");

    private static string Json(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
