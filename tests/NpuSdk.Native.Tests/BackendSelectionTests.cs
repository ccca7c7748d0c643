using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;

namespace NpuSdk.Native.Tests;

/// <summary>
/// Which backend a program gets and why. The machine is a parameter of the choice (<see cref="NpuHost"/>), so every
/// case runs here, where there is no NPU: an NPU with XRT missing, the shim missing or too old for it, XRT's emulation
/// variable set; no NPU at all; a forced backend. The tests that read the real environment change process-wide
/// variables, so they run in a collection of their own.
/// </summary>
[Trait("Tier", "Native")]
[Collection(nameof(EnvironmentCollection))]
public sealed class BackendSelectionTests : IDisposable
{
    private static readonly AccelDevice Npu = new("accel0", "/dev/accel/accel0", true, "amdxdna", "1.5.5.391", "RyzenAI-npu1", null);

    private readonly string? _saved = Environment.GetEnvironmentVariable(NpuBackends.EnvironmentVariable);

    private static NpuHost Host(IReadOnlyList<AccelDevice> devices, Func<XrtBackend> loadXrt, params (string Name, string Value)[] variables) =>
        new(name => variables.FirstOrDefault(v => v.Name == name).Value, () => devices, loadXrt);

    private static XrtBackend NotLoaded() => throw new InvalidOperationException("selection must not load XRT here");

    private static XrtBackend Load(IReadOnlyList<XrtLibraryCandidate> xrt, string shim)
    {
        XrtBackend.LoadShim(xrt, shim);
        throw new InvalidOperationException("the load was expected to fail");
    }

    private static readonly XrtLibraryCandidate AbsentXrt = new("/nonexistent/xrt/lib/libxrt_coreutil.so.2", "a test folder");

    [Fact]
    public void WithoutAnNpuTheEmulatorIsChosenAndTheReasonSaysNoNodeWasFound()
    {
        var selection = NpuBackends.Select(Host([], NotLoaded));
        Assert.Same(NpuBackends.Emulator, selection.Backend);
        Assert.Contains("no NPU device node was found", selection.Reason);
        Assert.Contains("NPUSDK_BACKEND=xrt", selection.Reason);
    }

    [Theory]
    [InlineData("intel_vpu", true)]   // another vendor's accelerator
    [InlineData("amdxdna", false)]    // sysfs lists it, but its node is not there (a container without the device)
    public void AcceleratorsThatAreNotAnUsableNpuLeaveTheEmulator(string driver, bool nodeExists)
    {
        var device = new AccelDevice("accel1", "/dev/accel/accel1", nodeExists, driver, null, null, null);
        Assert.Same(NpuBackends.Emulator, NpuBackends.Select(Host([device], NotLoaded)).Backend);
    }

    [Fact]
    public void AnNpuWithXrtMissingThrowsNamingTheLibraryTheFoldersTriedAndTheFix()
    {
        var e = Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(Host([Npu], () => Load([AbsentXrt], XrtShim.Library))));
        Assert.Equal("xrt", e.Backend);
        Assert.Contains("libxrt_coreutil.so.2 was not found", e.Message);
        Assert.Contains(AbsentXrt.Path, e.Message);
        Assert.Contains("/opt/xilinx/xrt", e.InstallHint);
        Assert.Contains("xdna-driver", e.InstallHint);
        Assert.DoesNotContain("rebuild", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ADriverThatCannotBeReadCountsAsAnNpuSoTheChoiceIsLoud()
    {
        var hidden = Npu with { Driver = null };
        var e = Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(Host([hidden], () => Load([AbsentXrt], XrtShim.Library))));
        Assert.Contains("libxrt_coreutil", e.Message);
        Assert.Contains("driver unreadable", hidden.ToString());
    }

    [NoopXrtFact]
    public void AnNpuWithAShimBuiltWithoutHardwareContextsIsRefusedNamingTheXrtItWasBuiltAgainst()
    {
        var backend = NoopXrt.Backend();
        var host = Host([Npu], () => backend);
        if (backend.Capabilities.HasHwContext)
        {
            // A shim built against XRT 2.14+: the device (here XRT's no-op device) opens and XRT is chosen.
            Assert.Same(backend, NpuBackends.Select(host).Backend);
            return;
        }
        var e = Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(host));
        Assert.Contains("without xrt::hw_context, which the amdxdna driver requires", e.Message);
        Assert.Contains($"XRT {backend.Capabilities.XrtVersion}", e.Message);
        Assert.Contains("/dev/accel/accel0", e.Message);
        Assert.Contains("NpuSdkXrtRoot=/opt/xilinx/xrt", e.InstallHint);
    }

    [Fact]
    public void AnNpuWithXrtsEmulationVariableSetThrowsSayingHowToChoose()
    {
        var e = Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(Host([Npu], NotLoaded, ("XCL_EMULATION_MODE", "noop"))));
        Assert.Contains("XCL_EMULATION_MODE=noop is set", e.Message);
        Assert.Contains("Unset XCL_EMULATION_MODE", e.InstallHint);
        Assert.Contains("NPUSDK_BACKEND=emulator", e.InstallHint);
    }

    [Fact]
    public void ForcingTheEmulatorOnAnNpuMachineSaysTheNpuIsNotUsed()
    {
        var selection = NpuBackends.Select(Host([Npu], NotLoaded, ("NPUSDK_BACKEND", "emulator")));
        Assert.Same(NpuBackends.Emulator, selection.Backend);
        Assert.Contains("NPUSDK_BACKEND=emulator asks for the emulator", selection.Reason);
        Assert.Contains("/dev/accel/accel0", selection.Reason);
    }

    [Fact]
    public void ForcingXrtWithXrtMissingThrowsTheSameCause()
    {
        var e = Assert.Throws<NpuBackendUnavailableException>(() => NpuBackends.Select(Host([], () => Load([AbsentXrt], XrtShim.Library), ("NPUSDK_BACKEND", "xrt"))));
        Assert.Contains("was not found", e.Message);
    }

    [Fact]
    public void AnNpuThatXrtCannotOpenIsNamedWithXrtsMessageAndThePluginFix()
    {
        var e = XrtUnavailable.NpuDidNotOpen(Npu, new NpuDeviceNotFoundException("XRT could not open device 0: XRT has no device 0 (it enumerates 0)"));
        Assert.Contains("/dev/accel/accel0 (driver amdxdna, RyzenAI-npu1, firmware 1.5.5.391)", e.Message);
        Assert.Contains("it enumerates 0", e.Message);
        Assert.Contains("libxrt_driver_xdna", e.InstallHint);
        Assert.Contains("render group", e.InstallHint);
    }

    [NoopXrtFact]
    public void XrtNoopDeviceIsNotTakenForAnNpuByTheDefaultChoice()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, null);
        var selection = NpuBackends.Select();
        Assert.IsType<EmulatorBackend>(selection.Backend);
        Assert.Contains("no NPU device node", selection.Reason);
    }

    [NoopXrtFact]
    public void ForcedXrtOpensTheNoopDeviceAndTheDeviceSaysWhy()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, " XRT ");
        using var device = Device.Open();
        Assert.IsType<XrtBackend>(device.Backend);
        Assert.Contains("NPUSDK_BACKEND=xrt asks for XRT", device.BackendReason);
        Assert.Contains("XCL_EMULATION_MODE=noop", device.BackendReason);
        Assert.Contains("the shim built against XRT", device.BackendReason);
    }

    [Fact]
    public void ForcedEmulatorIsTheEmulator()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, "emulator");
        Assert.Same(NpuBackends.Emulator, NpuBackends.Default());
        using var device = Device.Open();
        Assert.Contains("NPUSDK_BACKEND=emulator", device.BackendReason);
    }

    [Fact]
    public void ADeviceOpenedOnAGivenBackendSaysTheProgramChoseIt()
    {
        using var device = Device.Open(new EmulatorBackend());
        Assert.Equal("the program chose the 'emulator' backend itself.", device.BackendReason);
    }

    [Fact]
    public void UnknownBackendNameIsRejectedNamingTheVariable()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, "fpga");
        var e = Assert.Throws<ArgumentException>(NpuBackends.Default);
        Assert.Contains(NpuBackends.EnvironmentVariable, e.Message);
        Assert.Contains("fpga", e.Message);
    }

    [Fact]
    public void ShimStatusesBecomeTheSdksExceptions()
    {
        Assert.IsType<NpuDeviceNotFoundException>(XrtErrors.Translate(XrtStatus.NoDevice, "open device 3", "none"));
        var unavailable = Assert.IsType<NpuBackendUnavailableException>(XrtErrors.Translate(XrtStatus.Unavailable, "open device 0", "XILINX_XRT not set"));
        Assert.Contains("XILINX_XRT not set", unavailable.Message);
        Assert.Contains("driver plugins", unavailable.InstallHint);
        var e = Assert.IsType<XrtException>(XrtErrors.Translate(XrtStatus.XrtError, "open kernel 'k'", "No such kernel"));
        Assert.Contains("No such kernel", e.Message);
    }

    [Fact]
    public void WaitTimeoutsFollowXrtsZeroMeansNoLimitConvention()
    {
        Assert.Equal(0u, XrtShim.TimeoutMilliseconds(Timeout.InfiniteTimeSpan));
        Assert.Equal(1u, XrtShim.TimeoutMilliseconds(TimeSpan.Zero));
        Assert.Equal(2u, XrtShim.TimeoutMilliseconds(TimeSpan.FromMilliseconds(1.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => XrtShim.TimeoutMilliseconds(TimeSpan.FromSeconds(-2)));
    }

    public void Dispose() => Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, _saved);
}

/// <summary>Tests that change environment variables.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;
