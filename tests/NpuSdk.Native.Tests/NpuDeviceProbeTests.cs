using NpuSdk.Backends.Xrt;

namespace NpuSdk.Native.Tests;

/// <summary>
/// The accelerator probe over a laid-out <c>/dev</c> and <c>/sys</c> (and a Windows driver store): which nodes it
/// finds, the driver each is bound to, the firmware and name amdxdna reports, and what counts as an NPU.
/// </summary>
[Trait("Tier", "Native")]
public sealed class NpuDeviceProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("npusdk-probe-").FullName;

    private string Dev => Path.Combine(_root, "dev");
    private string Sys => Path.Combine(_root, "sys");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>An accel device as sysfs shows it: class entry linking to a PCI folder whose driver link names the driver.</summary>
    private void Device(string name, string? driver, bool node = true, bool sysfs = true, string? firmware = null, string? model = null)
    {
        if (node)
        {
            Directory.CreateDirectory(Path.Combine(Dev, "accel"));
            File.WriteAllText(Path.Combine(Dev, "accel", name), "");
        }
        if (!sysfs) return;
        string pci = Path.Combine(Sys, "devices", "pci0000:00", "0000:c4:00." + name[^1]);
        Directory.CreateDirectory(pci);
        string entry = Path.Combine(Sys, "class", "accel", name);
        Directory.CreateDirectory(entry);
        Directory.CreateSymbolicLink(Path.Combine(entry, "device"), pci);
        if (driver is not null)
        {
            Directory.CreateDirectory(Path.Combine(Sys, "bus", "pci", "drivers", driver));
            Directory.CreateSymbolicLink(Path.Combine(pci, "driver"), "../../../bus/pci/drivers/" + driver);
        }
        if (firmware is not null) File.WriteAllText(Path.Combine(pci, "fw_version"), firmware + "\n");
        if (model is not null) File.WriteAllText(Path.Combine(pci, "vbnv"), model + "\n");
    }

    [Fact]
    public void AnAmdxdnaNodeIsAnNpuWithItsFirmwareAndName()
    {
        Device("accel0", "amdxdna", firmware: "1.5.5.391", model: "RyzenAI-npu1");
        var npu = Assert.Single(NpuDeviceProbe.FindLinux(Dev, Sys));
        Assert.Equal(Path.Combine(Dev, "accel", "accel0"), npu.Node);
        Assert.True(npu.NodeExists);
        Assert.Equal("amdxdna", npu.Driver);
        Assert.Equal("1.5.5.391", npu.Firmware);
        Assert.Equal("RyzenAI-npu1", npu.Model);
        Assert.True(npu.IsNpu);
    }

    [Fact]
    public void OtherDriversNodesWithoutSysfsAndSysfsWithoutNodesAreToldApart()
    {
        Device("accel1", "intel_vpu");
        Device("accel2", "amdxdna", node: false);
        Device("accel3", null, sysfs: false);
        var devices = NpuDeviceProbe.FindLinux(Dev, Sys);
        Assert.Equal(["accel1", "accel2", "accel3"], devices.Select(d => d.Name));
        Assert.Equal([false, false, true], devices.Select(d => d.IsNpu));
        Assert.False(devices[1].NodeExists);
        Assert.Null(devices[2].Driver); // no sysfs to read it from: counted as an NPU, so the choice is loud
        Assert.Null(devices[0].Firmware);
    }

    [Fact]
    public void AMachineWithoutAcceleratorsHasNone()
    {
        Assert.Empty(NpuDeviceProbe.FindLinux(Dev, Sys));
    }

    [Fact]
    public void OnWindowsTheRyzenAiDriverPackageIsTheNpu()
    {
        string store = Path.Combine(_root, "Windows", "System32", "DriverStore", "FileRepository");
        Directory.CreateDirectory(Path.Combine(store, "kipudrv.inf_amd64_1a1aa059597c4810"));
        Directory.CreateDirectory(Path.Combine(store, "amdgpu.inf_amd64_0000"));
        var npu = Assert.Single(NpuDeviceProbe.FindWindows(Path.Combine(_root, "Windows")));
        Assert.Equal("kipudrv", npu.Driver);
        Assert.True(npu.IsNpu);
        Assert.Empty(NpuDeviceProbe.FindWindows(Path.Combine(_root, "NoWindows")));
    }

    [Fact]
    public void XrtIsLookedForUnderXilinxXrtThenOptThenTheSystemPath()
    {
        var candidates = XrtLibraries.CoreutilCandidates(name => name == "XILINX_XRT" ? "/custom/xrt" : null);
        Assert.Equal(["/custom/xrt/lib/libxrt_coreutil.so.2", "/opt/xilinx/xrt/lib/libxrt_coreutil.so.2", "libxrt_coreutil.so.2", "libxrt_coreutil.so"],
            candidates.Select(c => c.Path));
        Assert.Equal("libnpusdk_xrt.so", XrtLibraries.FileName(XrtLibraries.Shim));
    }
}
