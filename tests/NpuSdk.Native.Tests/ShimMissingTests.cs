using NpuSdk.Backends.Xrt;

namespace NpuSdk.Native.Tests;

/// <summary>
/// An NPU is present, XRT's runtime library loads, and the shim is not beside NpuSdk.dll: the default backend throws,
/// never falls back to the emulator, and its message gives the cause the build recorded in <c>npusdk_xrt.build.txt</c>
/// (what was not found, or <c>NpuSdkBuildShim=false</c>) with that cause's fix. The machine is the <see cref="NpuHost"/>
/// seam; the C library stands in for XRT's coreutil (any library that loads will do), so this runs without XRT.
/// </summary>
[Trait("Tier", "Native")]
[Collection(nameof(EnvironmentCollection))]
public sealed class ShimMissingTests : IDisposable
{
    private static readonly AccelDevice Npu = new("accel0", "/dev/accel/accel0", true, "amdxdna", "1.5.5.391", "RyzenAI-npu1", null);
    private static readonly XrtLibraryCandidate LoadableLibrary =
        new(OperatingSystem.IsWindows() ? "kernel32.dll" : OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libc.so.6", "a stand-in for XRT");

    private readonly string _folder = Directory.CreateTempSubdirectory("npusdk-shim-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Record(string text) => File.WriteAllText(Path.Combine(_folder, ShimBuildRecord.FileName), text);

    private NpuBackendUnavailableException SelectThrows(params (string Name, string Value)[] variables)
    {
        var host = new NpuHost(name => variables.FirstOrDefault(v => v.Name == name).Value, () => [Npu], () =>
        {
            XrtBackend.LoadShim([LoadableLibrary], XrtShim.Library, _folder);
            throw new InvalidOperationException("the shim was expected to be missing");
        });
        return Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(host));
    }

    [Fact]
    public void TheBuildsReasonAndFixAreTheMessage()
    {
        Record("built: no\nreason: CMake (cmake on PATH), XRT's headers (xrt/xrt_device.h under XILINX_XRT, /opt/xilinx/xrt or /usr/include/xrt) not found\n" +
               "fix: Install them (Debian or Ubuntu: apt-get install cmake g++ libxrt-dev) or set NpuSdkXrtRoot to an XRT whose include/ holds xrt/xrt_device.h, then build again\n" +
               "rebuild: the NpuSdk package builds it\n");
        var e = SelectThrows();
        Assert.Equal("xrt", e.Backend);
        Assert.Contains($"{XrtLibraries.FileName(XrtShim.Library)} is not beside NpuSdk.dll in {_folder}", e.Message);
        Assert.Contains("the build did not make it, because CMake (cmake on PATH), XRT's headers", e.Message);
        Assert.Contains("apt-get install cmake g++ libxrt-dev", e.InstallHint);
        Assert.Contains("NpuSdkXrtRoot", e.InstallHint);
        Assert.DoesNotContain("rebuild the SDK", e.Message + e.InstallHint, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AShimBuildTurnedOffSaysSo()
    {
        Record("built: no\nreason: NpuSdkBuildShim=false turned its build off\nfix: remove NpuSdkBuildShim=false and build again on a machine with CMake, a C++ compiler and XRT\n");
        var e = SelectThrows();
        Assert.Contains("because NpuSdkBuildShim=false turned its build off", e.Message);
        Assert.StartsWith("remove NpuSdkBuildShim=false", e.InstallHint);
    }

    [Fact]
    public void AShimTheBuildMadeButIsGoneSaysItWasDeletedOrNotCopied()
    {
        Record("built: yes\nxrt: the system include path (/usr/include/xrt)\n");
        var e = SelectThrows();
        Assert.Contains("though the build made it (against XRT from the system include path (/usr/include/xrt))", e.Message);
        Assert.Contains("copy", e.InstallHint);
    }

    [Fact]
    public void WithoutABuildRecordItSaysNoneSaysWhyAndHowTheProjectBuildsIt()
    {
        var e = SelectThrows();
        Assert.Contains("no build record (npusdk_xrt.build.txt) says why", e.Message);
        Assert.Contains(OperatingSystem.IsWindows() ? "NpuSdkXrtRoot" : "apt-get install cmake g++ libxrt-dev", e.InstallHint);
    }

    [Fact]
    public void TheEmulatorIsUsedOnlyWhenAskedFor()
    {
        Record("built: no\nreason: CMake (cmake on PATH) not found\nfix: Install it\n");
        SelectThrows();
        SelectThrows(("NPUSDK_BACKEND", "xrt"));
        var host = new NpuHost(name => name == "NPUSDK_BACKEND" ? "emulator" : null, () => [Npu], () => throw new InvalidOperationException("not loaded"));
        Assert.Same(NpuBackends.Emulator, NpuBackends.Select(host).Backend);
    }

    [Theory]
    [InlineData("")]
    [InlineData("reason: no 'built' line\n")]
    [InlineData("garbage without colons\n\n")]
    public void ARecordWithoutItsBuiltLineIsNoRecord(string text)
    {
        Record(text);
        Assert.Null(ShimBuildRecord.Read(_folder));
    }

    [Fact]
    public void ARecordsRebuildLineIsHowTheOtherShimErrorsSayToRebuild()
    {
        Record("built: yes\nrebuild: the NpuSdk package builds it into obj/npusdk_xrt/\n");
        var e = XrtUnavailable.ShimAbiMismatch("libnpusdk_xrt.so", 1, _folder);
        Assert.Contains("the NpuSdk package builds it into obj/npusdk_xrt/", e.InstallHint);
        Assert.Contains($"Delete the stale libnpusdk_xrt.so in {_folder}", e.InstallHint);
    }
}
