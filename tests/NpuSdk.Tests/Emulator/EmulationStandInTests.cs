using NpuSdk.Backends.Xrt;
using NpuSdk.Kernels;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Emulator;

/// <summary>
/// The kernel library's xclbins (and every file `npu emulation-xclbin` writes) are marked as emulation stand-ins, which the
/// xrt backend refuses on an NPU at once, naming the real design to build; XRT's emulated devices take them.
/// </summary>
public sealed class EmulationStandInTests
{
    [Fact]
    public void A_library_stand_in_is_marked_with_the_real_design_it_mirrors_and_a_plain_build_is_not()
    {
        var gemm = KernelLibrary.EmulationXclbin("matmul_whole_array_int16");
        Assert.Contains("whole_array", gemm.EmulationStandIn);
        Assert.Contains("M=512 K=512 N=512 n_aie_cols=4 dtype_in=i16 dtype_out=i32", gemm.EmulationStandIn);
        // A design of the library's own names no real design, but is a stand-in all the same.
        Assert.Equal("", KernelLibrary.EmulationXclbin("bias_add_bf16_512").EmulationStandIn);
        var real = XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(5, uuidSeed: "a real build")), "real.xclbin");
        Assert.Null(real.EmulationStandIn);
    }

    [Fact]
    public void The_marker_does_not_change_the_uuid_and_survives_any_text()
    {
        var spec = XclbinSpec.MlirAie(3, uuidSeed: "marked");
        var plain = XclbinFile.Read(XclbinWriter.Write(spec));
        spec.EmulationStandIn = "quotes \" and \\ back\nslashes, \u2028 and ü";
        var marked = XclbinFile.Read(XclbinWriter.Write(spec));
        Assert.Equal(plain.Uuid, marked.Uuid);
        Assert.Equal(spec.EmulationStandIn, marked.EmulationStandIn);
    }

    [Fact]
    public void The_xrt_backend_refuses_a_stand_in_on_an_npu_naming_what_to_build_and_xrts_emulated_devices_take_it()
    {
        var gemm = KernelLibrary.EmulationXclbin("matmul_whole_array_int16");
        var e = Assert.Throws<NpuException>(() => XrtDevice.RefuseStandIn(gemm, xrtEmulationMode: null));
        Assert.Contains("'matmul_whole_array_int16.xclbin' is an NpuSdk emulation stand-in", e.Message);
        Assert.Contains("make M=512 K=512 N=512 n_aie_cols=4 dtype_in=i16 dtype_out=i32", e.Message);
        Assert.Contains("NPUSDK_BACKEND=emulator", e.Message);

        XrtDevice.RefuseStandIn(gemm, xrtEmulationMode: "noop");
        XrtDevice.RefuseStandIn(XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(5, uuidSeed: "real")), "real.xclbin"), xrtEmulationMode: null);
    }
}
