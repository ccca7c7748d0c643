using System.Buffers.Binary;
using System.Text;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Xclbin.Tests;

/// <summary>
/// Files the writer never produces but real toolchains may: arguments written out of id order with mixed
/// number bases, OpenCL runtime-info arguments, two kernels, a kernel with two compute units connected to
/// different banks, and no group sections. XRT's parser and the SDK's reader must still agree.
/// </summary>
public class XrtEdgeCaseTests
{
    private const string TwoKernelsXml = """
        <?xml version="1.0" encoding="utf-8"?>
        <project name="edge">
          <platform>
            <device name="fpga0">
              <core name="OCL_REGION_0">
                <kernel name="scale" language="c" type="dpu">
                  <arg name="n" addressQualifier="0" id="2" size="4" offset="0x20" hostOffset="0x0" hostSize="0x4" type="unsigned int"/>
                  <arg name="src" addressQualifier="1" id="0" size="0x8" offset="16" hostOffset="0x0" hostSize="0x8" type="const float*"/>
                  <arg name="work_dim" addressQualifier="0" id="" size="0x4" offset="0x40" hostOffset="0x0" hostSize="0x4" type="uint"/>
                  <arg name="dst" addressQualifier="1" id="0x1" size="0x8" offset="0x18" hostOffset="0x0" hostSize="0x8" type="float*"/>
                  <instance name="scale_1"/>
                  <instance name="scale_2"/>
                </kernel>
                <kernel name="copy" language="c" type="dpu">
                  <arg name="in" addressQualifier="1" id="0" size="0x8" offset="0x10" hostOffset="0x0" hostSize="0x8" type="void*"/>
                  <arg name="out" addressQualifier="1" id="1" size="0x8" offset="0x18" hostOffset="0x0" hostSize="0x8" type="void*"/>
                  <instance name="copy_1"/>
                </kernel>
              </core>
            </device>
          </platform>
        </project>
        """;

    [XrtFact]
    public void TwoKernelsTwoComputeUnitsOutOfOrderIdsAndNoGroupSections()
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "edge")));
        builder.Sections.RemoveAll(s => s.Kind is (uint)XclbinSectionKind.AskGroupConnectivity or (uint)XclbinSectionKind.AskGroupTopology);
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(TwoKernelsXml + "\0"));
        builder.Replace(XclbinSectionKind.IpLayout, IpLayout("scale:scale_1", "scale:scale_2", "copy:copy_1"));
        builder.Replace(XclbinSectionKind.Connectivity, Connectivity(
            (0, 0, 0), (1, 0, 0),          // scale_1: src, dst -> HOST
            (0, 1, 1), (1, 1, 0),          // scale_2: src -> SRAM, dst -> HOST
            (1, 2, 1)));                   // copy_1: out -> SRAM; in unconnected
        var bytes = builder.Build();
        var file = XclbinFile.Read(bytes, "edge.xclbin");

        var scale = file.FindKernel("scale")!;
        Assert.Equal(["src", "dst", "n"], scale.Arguments.Select(a => a.Name));
        Assert.Equal([0, 1], scale.FindArgument("src")!.MemoryGroups);
        Assert.Equal(["scale_1", "scale_2"], scale.Instances);
        Assert.Null(file.FindKernel("copy")!.FindArgument("in")!.MemoryGroup);

        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);
        XrtAgreementTests.AssertAgrees(file, xrt.RootElement);
    }

    internal static byte[] IpLayout(params string[] names)
    {
        var d = new byte[8 + names.Length * 80];
        BinaryPrimitives.WriteInt32LittleEndian(d, names.Length);
        for (int i = 0; i < names.Length; i++)
        {
            int e = 8 + i * 80;
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(e), 7);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(e + 4), 0x09010001);
            Encoding.ASCII.GetBytes(names[i]).CopyTo(d, e + 16);
        }
        return d;
    }

    internal static byte[] Connectivity(params (int Arg, int Ip, int Mem)[] entries)
    {
        var d = new byte[4 + entries.Length * 12];
        BinaryPrimitives.WriteInt32LittleEndian(d, entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(4 + i * 12), entries[i].Arg);
            BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(8 + i * 12), entries[i].Ip);
            BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(12 + i * 12), entries[i].Mem);
        }
        return d;
    }
}
