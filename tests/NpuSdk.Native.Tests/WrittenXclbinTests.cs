using NpuSdk.Xclbin;

namespace NpuSdk.Native.Tests;

/// <summary>XRT loads xclbins the SDK writes, in each layout, and agrees with the SDK's reader about every argument's memory group.</summary>
[Trait("Tier", "Native")]
public sealed class WrittenXclbinTests
{
    public static TheoryData<string> Layouts => ["mlir-aie 1", "mlir-aie 5", "riallto"];

    private static XclbinSpec Spec(string layout) => layout switch
    {
        "mlir-aie 1" => XclbinSpec.MlirAie(1, uuidSeed: "native-tier/1"),
        "mlir-aie 5" => XclbinSpec.MlirAie(5, uuidSeed: "native-tier/5"),
        "riallto" => XclbinSpec.Riallto("passthrough", uuidSeed: "native-tier/riallto"),
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, null),
    };

    [NoopXrtTheory]
    [MemberData(nameof(Layouts))]
    public void GroupIdOfEveryArgumentEqualsTheReadersMemoryGroup(string layout)
    {
        var spec = Spec(layout);
        var xclbin = XclbinFile.Read(XclbinWriter.Write(spec), layout);
        using var device = Device.Open(NoopXrt.Backend());
        var context = new HwContext(device, device.RegisterXclbin(xclbin));
        var kernel = new Kernel(context, spec.KernelName);

        var arguments = xclbin.FindKernel(spec.KernelName)!.Arguments;
        Assert.Equal(spec.Arguments.Count, arguments.Count);
        foreach (var arg in arguments)
        {
            int reader = arg.IsBuffer ? arg.MemoryGroup ?? -1 : -1;
            Assert.True(reader == kernel.GroupId(arg.Index), $"{layout} argument {arg.Index} ('{arg.Name}'): reader {reader}, XRT {kernel.GroupId(arg.Index)}");
        }
        Assert.Contains(arguments, a => a.IsBuffer && a.MemoryGroup is not null);
    }
}
