using NpuSdk.Backends.Xrt;
using NpuSdk.Cli;
using NpuSdk.Cli.Doctor;

namespace NpuSdk.Cli.Tests;

/// <summary>
/// <c>npu doctor</c> over a laid-out machine: <c>/dev</c>, <c>/sys</c>, <c>/proc</c>, AMD's XRT folder and the shim's
/// folder in a temporary tree, with the XRT loader and environment given. Each fact is reported with where it was read;
/// what is missing or unreadable is reported as such; the backend line is backend selection's own answer.
/// </summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("npu-doctor-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string At(params string[] parts) => Path.Combine([_root, .. parts]);

    private void Write(string text, params string[] parts)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(At(parts))!);
        File.WriteAllText(At(parts), text);
    }

    /// <summary>An amdxdna NPU at accel0 with firmware, name, power attributes and the module's version.</summary>
    private void LayOutNpu()
    {
        Write("", "dev", "accel", "accel0");
        string pci = At("sys", "devices", "pci0000:00", "0000:c4:00.1");
        Directory.CreateDirectory(At("sys", "bus", "pci", "drivers", "amdxdna"));
        Directory.CreateDirectory(pci);
        Directory.CreateSymbolicLink(Path.Combine(pci, "driver"), "../../../bus/pci/drivers/amdxdna");
        Directory.CreateDirectory(At("sys", "class", "accel", "accel0"));
        Directory.CreateSymbolicLink(At("sys", "class", "accel", "accel0", "device"), pci);
        Write("1.5.5.391\n", "sys", "devices", "pci0000:00", "0000:c4:00.1", "fw_version");
        Write("RyzenAI-npu1\n", "sys", "devices", "pci0000:00", "0000:c4:00.1", "vbnv");
        Write("active\n", "sys", "devices", "pci0000:00", "0000:c4:00.1", "power", "runtime_status");
        Write("auto\n", "sys", "devices", "pci0000:00", "0000:c4:00.1", "power", "control");
        Write("2.19.0\n", "sys", "module", "amdxdna", "version");
        Write("low-power\n", "sys", "firmware", "acpi", "platform_profile");
    }

    private void Limits(string memlock) => Write(
        "Limit                     Soft Limit           Hard Limit           Units     \n" +
        "Max open files            1024                 524288               files     \n" +
        $"Max locked memory         {memlock} {memlock} bytes     \n", "proc", "self", "limits");

    private (int Exit, string Stdout, string Stderr) Doctor(Func<XrtBackend> loadXrt, bool shim = true, params (string Name, string Value)[] variables)
    {
        if (shim) Write("", "shim", XrtLibraries.FileName(XrtLibraries.Shim));
        var host = new NpuHost(name => variables.FirstOrDefault(v => v.Name == name).Value,
            () => NpuDeviceProbe.FindLinux(At("dev"), At("sys")), loadXrt);
        var machine = new DoctorMachine(host, At("proc"), At("sys"), At("opt", "xilinx", "xrt"), At("shim"), [At("lib")]);
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = NpuCommandLine.Run(["doctor"], stdout, stderr, machine);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Row(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith("  " + label.PadRight(20) + " ", StringComparison.Ordinal))[(2 + label.Length)..].Trim();

    [Fact]
    public void WithoutAnNpuItSaysSoAndThatProgramsGetTheEmulatorAndWhy()
    {
        var (exit, stdout, stderr) = Doctor(() => throw XrtUnavailable.XrtLibraryMissing([new("libxrt_coreutil.so.2", "the system library path")]));
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("none: no /dev/accel/accel* node", Row(stdout, "device nodes"));
        Assert.Equal("emulator", Row(stdout, "backend"));
        Assert.StartsWith("no NPU device node was found", Row(stdout, "why"));
        Assert.Contains("Nothing, to run on the emulator. This machine has no NPU", stdout);
        // What could not be read says so, and where it looked.
        Assert.Equal($"unknown (no readable {At("proc", "self", "limits")})", Row(stdout, "memlock limit"));
        Assert.Equal($"not loaded (no {At("sys", "module", "amdxdna")})", Row(stdout, "amdxdna module"));
        Assert.StartsWith("not installed (no libxrt_coreutil.so* in", Row(stdout, At("opt", "xilinx", "xrt")));
        Assert.StartsWith("not found (looked in LD_LIBRARY_PATH and " + At("lib"), Row(stdout, "system library path"));
        Assert.StartsWith("unknown, it did not load: The 'xrt' backend is unavailable: XRT's runtime library", Row(stdout, "capabilities"));
    }

    [Fact]
    public void TheDevicesProfileBudgetAndLiveContextsAreShownWithWhereTheBudgetComesFrom()
    {
        var (exit, stdout, _) = Doctor(() => throw XrtUnavailable.XrtLibraryMissing([new("libxrt_coreutil.so.2", "the system library path")]));
        Assert.Equal(0, exit);
        Assert.Equal("npu1: Phoenix, Hawk Point (the device reports RyzenAI-npu1)", Row(stdout, "device profile"));
        Assert.Equal("6 contexts alive at once, system-wide (the driver reports 6)", Row(stdout, "budget"));
        Assert.Equal("0 on the device, every process's (the driver's count); this process 0", Row(stdout, "alive now"));
        Assert.Contains("Keep the designs a program cycles through within 6", stdout);

        var (_, strix, _) = Doctor(() => throw XrtUnavailable.XrtLibraryMissing([new("libxrt_coreutil.so.2", "the system library path")]), true,
            ("NPUSDK_DEVICE", "npu4"), ("NPUSDK_MAX_CONTEXTS", "3"));
        Assert.Equal("npu4: Strix, Strix Halo, Krackan (the device reports RyzenAI-npu4)", Row(strix, "device profile"));
        Assert.Equal("3 contexts alive at once, system-wide (the driver reports 16, lowered by NPUSDK_MAX_CONTEXTS=3)", Row(strix, "budget"));
    }

    [Fact]
    public void AnNpuWhoseShimDoesNotLoadIsReportedWithDriverFirmwareLimitsPowerAndTheFix()
    {
        LayOutNpu();
        Limits("8388608");
        Write("", "opt", "xilinx", "xrt", "lib", "libxrt_coreutil.so.2.19.0");
        File.CreateSymbolicLink(At("opt", "xilinx", "xrt", "lib", "libxrt_coreutil.so.2"), "libxrt_coreutil.so.2.19.0");

        var (exit, stdout, _) = Doctor(() => throw XrtUnavailable.ShimAbiMismatch("libnpusdk_xrt.so", 0, At("shim")));
        Assert.Equal(0, exit);
        string accel0 = Row(stdout, "accel0");
        Assert.Contains(At("dev", "accel", "accel0"), accel0);
        Assert.Contains($"driver amdxdna (from {At("sys", "class", "accel", "accel0", "device", "driver")})", accel0);
        Assert.Contains("RyzenAI-npu1 (vbnv), firmware 1.5.5.391 (fw_version), an NPU", accel0);
        Assert.Equal($"version 2.19.0 (from {At("sys", "module", "amdxdna", "version")})", Row(stdout, "amdxdna module"));
        Assert.StartsWith($"8192 KiB soft, 8192 KiB hard (from {At("proc", "self", "limits")}", Row(stdout, "memlock limit"));
        Assert.StartsWith("runtime status active, control auto (from", Row(stdout, "accel0 power"));
        Assert.StartsWith("low-power (from", Row(stdout, "platform profile"));
        Assert.Equal($"found {At("opt", "xilinx", "xrt", "lib", "libxrt_coreutil.so.2")} -> libxrt_coreutil.so.2.19.0 (XRT 2.19.0)", Row(stdout, At("opt", "xilinx", "xrt")));

        Assert.Equal("none: Device.Open() throws NpuBackendUnavailableException", Row(stdout, "backend"));
        Assert.Contains("ABI version 0", Row(stdout, "why"));
        string todo = stdout[stdout.IndexOf("\nTo do\n", StringComparison.Ordinal)..];
        Assert.Contains($"Delete the stale libnpusdk_xrt.so in {At("shim")} and build again", todo);
        Assert.Contains("Raise the memlock limit", todo);
    }

    [Fact]
    public void AnNpuWithXrtsEmulationVariableSetNamesTheVariableAndAnUnlimitedMemlockNeedsNothing()
    {
        LayOutNpu();
        Limits("unlimited");
        var (_, stdout, _) = Doctor(() => throw new InvalidOperationException("not loaded in this test"), shim: false, ("XCL_EMULATION_MODE", "noop"));
        Assert.Equal("noop: XRT opens its emulated device, not an NPU", Row(stdout, "XCL_EMULATION_MODE"));
        Assert.Equal("missing, and no build record (npusdk_xrt.build.txt) says why", Row(stdout, "file"));
        Assert.Equal("unlimited soft, unlimited hard (from " + At("proc", "self", "limits") + ", what `ulimit -l` shows)", Row(stdout, "memlock limit"));
        Assert.Contains("XCL_EMULATION_MODE=noop is set", Row(stdout, "why"));
        Assert.DoesNotContain("Raise the memlock limit", stdout);
        Assert.Contains("Unset XCL_EMULATION_MODE", stdout);
    }

    [Fact]
    public void AShimTheBuildDidNotMakeIsReportedWithTheBuildsReason()
    {
        Write("built: no\nreason: CMake (cmake on PATH) not found\nfix: Install them\n", "shim", "npusdk_xrt.build.txt");
        var (_, stdout, _) = Doctor(() => throw new InvalidOperationException("not loaded in this test"), shim: false);
        Assert.Equal("missing: the build did not make it, because CMake (cmake on PATH) not found (from npusdk_xrt.build.txt)", Row(stdout, "file"));
    }

    [Fact]
    public void AShimTheBuildMadeSaysWhichXrtItWasBuiltAgainst()
    {
        Write("built: yes\nxrt: /opt/xilinx/xrt\n", "shim", "npusdk_xrt.build.txt");
        var (_, stdout, _) = Doctor(() => throw XrtUnavailable.ShimAbiMismatch("libnpusdk_xrt.so", 0, At("shim")));
        Assert.Equal("built against the XRT in /opt/xilinx/xrt (from npusdk_xrt.build.txt)", Row(stdout, "file"));
    }

    [Fact]
    public void AnUnknownBackendNameIsReportedWithTheFix()
    {
        var (_, stdout, _) = Doctor(() => throw new InvalidOperationException("not loaded in this test"), shim: false, ("NPUSDK_BACKEND", "fpga"));
        Assert.Equal("none: Device.Open() throws ArgumentException", Row(stdout, "backend"));
        Assert.Contains("Set NPUSDK_BACKEND to xrt or emulator, or unset it.", stdout);
    }
}
