using System.Diagnostics;
using NpuSdk.Backends.Xrt;

namespace NpuSdk.Native.Tests;

/// <summary>
/// How the shim classifies a device that does not open, seen through a fresh process each time (XRT
/// chooses its driver once per process): no device on a working XRT, and XRT that cannot reach a driver.
/// </summary>
[Trait("Tier", "Native")]
public sealed class DeviceOpenOutcomeTests
{
    private static (XrtStatus Status, string Message) Probe(string? emulationMode, string? xilinxXrt)
    {
        string probe = Path.Combine(AppContext.BaseDirectory, "npusdk_xrt_device_probe");
        Assert.True(File.Exists(probe), $"{probe} is built with the shim but is missing.");
        var start = new ProcessStartInfo(probe, "0") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("XCL_EMULATION_MODE");
        start.Environment.Remove("XILINX_XRT");
        start.Environment.Remove("XRT_INI_PATH");
        if (emulationMode is not null) start.Environment["XCL_EMULATION_MODE"] = emulationMode;
        if (xilinxXrt is not null) start.Environment["XILINX_XRT"] = xilinxXrt;

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "the probe did not finish");
        Assert.True(process.ExitCode == 0, $"the probe crashed (exit {process.ExitCode}): {process.StandardError.ReadToEnd()}");
        string[] lines = output.Split('\n');
        return ((XrtStatus)int.Parse(lines[0]), lines.Length > 1 ? lines[1] : "");
    }

    [NoopXrtFact]
    public void NoopDeviceOpens()
    {
        var (status, message) = Probe("noop", NoopXrt.Root);
        Assert.True(status == XrtStatus.Ok, message);
    }

    [NoopXrtFact]
    public void WorkingXrtWithoutAnNpuIsNoDevice()
    {
        // The real driver shim (libxrt_core) loads and finds no device: this machine has no NPU.
        var (status, message) = Probe(null, NoopXrt.Root);
        Assert.Equal(XrtStatus.NoDevice, status);
        Assert.Contains("no device 0", message);
        Assert.IsType<NpuDeviceNotFoundException>(XrtErrors.Translate(status, "open device 0", message));
    }

    [NoopXrtFact]
    public void XrtWhoseDriverLibraryIsMissingIsUnavailable()
    {
        string empty = Directory.CreateTempSubdirectory("npusdk-empty-xrt-").FullName;
        Directory.CreateDirectory(Path.Combine(empty, "lib"));
        try
        {
            var (status, message) = Probe("noop", empty);
            Assert.Equal(XrtStatus.Unavailable, status);
            Assert.Contains(empty, message); // XRT names the library path it could not load
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
