using System.Text.Json;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Xclbin.Tests;

/// <summary>XRT's own parser (libxrt_coreutil) and the SDK's reader agree on files the SDK writes.</summary>
public class XrtAgreementTests
{
    public static TheoryData<string, XclbinSpec> Specs() => new()
    {
        { "mlir-aie, 1 buffer", XclbinSpec.MlirAie(1, uuidSeed: "xrt-1") },
        { "mlir-aie, 2 buffers", XclbinSpec.MlirAie(2, uuidSeed: "xrt-2") },
        { "mlir-aie, 5 buffers", XclbinSpec.MlirAie(5, kernelName: "MLIR_AIE", uuidSeed: "xrt-5") },
        { "Riallto", XclbinSpec.Riallto("color_detect", uuidSeed: "xrt-r") },
    };

    [XrtTheory]
    [MemberData(nameof(Specs))]
    public void XrtSeesWhatTheReaderSees(string name, XclbinSpec spec)
    {
        var bytes = XclbinWriter.Write(spec);
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);

        AssertAgrees(XclbinFile.Read(bytes, name), xrt.RootElement);
    }

    [XrtDeviceTheory]
    [MemberData(nameof(Specs))]
    public void XrtLoadsTheFileOnItsNoopDeviceAndItsGroupIdsMatch(string name, XclbinSpec spec)
    {
        var bytes = XclbinWriter.Write(spec);
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Load(temp.Path);

        var kernel = XclbinFile.Read(bytes, name).Kernels.Single();
        var deviceGroupIds = xrt.RootElement.GetProperty("kernels")[0].GetProperty("deviceGroupIds").EnumerateArray().Select(g => g.GetInt32());
        // xrt::kernel::group_id is -1 for an argument with no memory connection (the scalars).
        Assert.Equal(kernel.Arguments.Select(a => a.MemoryGroup ?? -1), deviceGroupIds);
    }

    [XrtFact]
    public void XrtAndTheReaderBothTakeGroupIdsFromGroupConnectivity()
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "groups")));
        var group = builder.Sections[builder.IndexOf(XclbinSectionKind.AskGroupConnectivity)].Data.ToArray();
        for (int i = 0; i < BitConverter.ToInt32(group, 0); i++)
            if (BitConverter.ToInt32(group, 4 + i * 12) == 4) BitConverter.TryWriteBytes(group.AsSpan(4 + i * 12 + 8), 1);
        builder.Replace(XclbinSectionKind.AskGroupConnectivity, group);
        var bytes = builder.Build();
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);

        var file = XclbinFile.Read(bytes);
        Assert.Equal(1, file.Kernels[0].FindArgument("bo1")!.MemoryGroup);
        AssertAgrees(file, xrt.RootElement);
    }

    /// <summary>Compares uuid, kernel names and every argument's index, name, type, offset, size and groups.</summary>
    internal static void AssertAgrees(XclbinFile file, JsonElement xrt)
    {
        Assert.Equal(xrt.GetProperty("uuid").GetString(), file.Uuid.ToString());
        var kernels = xrt.GetProperty("kernels").EnumerateArray().ToList();
        Assert.Equal(kernels.Select(k => k.GetProperty("name").GetString()), file.Kernels.Select(k => k.Name));
        for (int k = 0; k < kernels.Count; k++)
        {
            var xrtArgs = kernels[k].GetProperty("args").EnumerateArray().ToList();
            var args = file.Kernels[k].Arguments;
            Assert.Equal(xrtArgs.Count, args.Count);
            for (int i = 0; i < args.Count; i++)
            {
                var x = xrtArgs[i];
                Assert.Equal(x.GetProperty("index").GetInt32(), args[i].Index);
                Assert.Equal(x.GetProperty("name").GetString(), args[i].Name);
                Assert.Equal(x.GetProperty("type").GetString(), args[i].HostType);
                Assert.Equal(x.GetProperty("offset").GetUInt64(), args[i].Offset);
                Assert.Equal(x.GetProperty("size").GetUInt64(), args[i].Size);
                Assert.Equal(x.GetProperty("groups").EnumerateArray().Select(g => g.GetInt32()).Order(), args[i].MemoryGroups);
            }
        }
    }
}
