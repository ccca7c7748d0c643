using System.Diagnostics;
using System.Reflection;

namespace NpuSdk.Native.Tests;

/// <summary>
/// XRT's no-op device with every command completing late (the probe program sets <c>Runtime.noop_completion_delay_us</c>
/// in its own xrt.ini, which XRT reads once per process): abort of a list the device has not finished returns and the
/// list executes again; a generated call waits for the device. XRT 2.13's no-op <c>exec_wait</c> ignores its timeout,
/// so the timeout path itself is covered on the asynchronous emulator (LaunchFailureTests).
/// </summary>
public sealed class DelayedNoopDeviceTests
{
    [NoopXrtFact]
    public void Abort_and_a_waiting_call_behave_on_a_device_that_completes_late()
    {
        string probe = typeof(DelayedNoopDeviceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "XrtTimeoutProbe").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(probe);
        start.ArgumentList.Add("300");
        start.Environment.Remove("NPUSDK_BACKEND");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the probe did not finish:\n" + output);
        string report = output + stderr.Result;
        Assert.True(process.ExitCode == 0, report);
        Assert.Contains("ok backend xrt", report);
        Assert.Contains("ok abort of an executing list of 4 runs returned", report);
        Assert.Contains("ok the aborted list executed again and ended Completed", report);
        Assert.Contains("ok the generated call waited for the device", report);
        Assert.DoesNotContain("FAIL", report);
    }
}
