using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;

namespace NpuSdk.Native.Tests;

/// <summary>
/// NpuBackends.Default with XRT present. These change process-wide environment variables, so they run
/// in a collection of their own, not in parallel with anything else.
/// </summary>
[Trait("Tier", "Native")]
[Collection(nameof(EnvironmentCollection))]
public sealed class BackendSelectionTests : IDisposable
{
    private readonly string? _saved = Environment.GetEnvironmentVariable(NpuBackends.EnvironmentVariable);

    [NoopXrtFact]
    public void XrtNoopDeviceIsNotTakenForAnNpuByTheDefaultChoice()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, null);
        Assert.IsType<EmulatorBackend>(NpuBackends.Default());
    }

    [NoopXrtFact]
    public void ForcedXrtOpensTheNoopDevice()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, " XRT ");
        var backend = NpuBackends.Default();
        Assert.IsType<XrtBackend>(backend);
        using var device = Device.Open(backend);
        Assert.Equal("xrt", device.BackendName);
    }

    [Fact]
    public void ForcedEmulatorIsTheEmulator()
    {
        Environment.SetEnvironmentVariable(NpuBackends.EnvironmentVariable, "emulator");
        Assert.Same(NpuBackends.Emulator, NpuBackends.Default());
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
    public void MissingXrtLibraryIsUnavailableWithTheInstallHint()
    {
        var e = Assert.Throws<NpuBackendUnavailableException>(() => XrtBackend.LoadShim(["libxrt_coreutil_absent.so.2"], XrtShim.Library));
        Assert.Equal("xrt", e.Backend);
        Assert.Contains("libxrt_coreutil", e.Message);
        Assert.Contains("libxrt-dev", e.InstallHint);
    }

    [NoopXrtFact]
    public void MissingShimIsUnavailableWithTheInstallHint()
    {
        var e = Assert.Throws<NpuBackendUnavailableException>(() => XrtBackend.LoadShim(["libxrt_coreutil.so.2"], "npusdk_xrt_absent"));
        Assert.Contains("libnpusdk_xrt_absent.so", e.Message);
        Assert.Contains("cmake", e.InstallHint);
    }

    [Fact]
    public void ShimStatusesBecomeTheSdksExceptions()
    {
        Assert.IsType<NpuDeviceNotFoundException>(XrtErrors.Translate(XrtStatus.NoDevice, "open device 3", "none"));
        Assert.IsType<NpuBackendUnavailableException>(XrtErrors.Translate(XrtStatus.Unavailable, "open device 0", "XILINX_XRT not set"));
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
