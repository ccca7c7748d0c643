using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;
using NpuSdk.Testing;

namespace NpuSdk.Native.Tests;

/// <summary>What only the xrt backend has: XRT's own messages, the shim's checks, its run-list path and capabilities.</summary>
[Trait("Tier", "Native")]
public sealed class XrtNoopTests : IDisposable
{
    private readonly Device _device;
    private readonly Kernel _kernel;
    private readonly Bo _instr;

    public XrtNoopTests()
    {
        if (NoopXrt.UnavailableReason is not null)
        {
            // Every test here is a NoopXrtFact and is skipped; nothing to set up.
            _device = null!; _kernel = null!; _instr = null!;
            return;
        }
        var emulation = LibraryKernel.TileMatMul16;
        _device = Device.Open(NoopXrt.Backend());
        var context = new HwContext(_device, _device.RegisterXclbin(emulation.Xclbin));
        _kernel = new Kernel(context, emulation.KernelName);
        _instr = new Bo(_device, 300, BoFlags.Cacheable, _kernel.GroupId(1));
    }

    private XrtDevice Handle => (XrtDevice)_device.Handle;

    private Run BoundRun()
    {
        var run = new Run(_kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, _instr);
        run.SetArg(2, 75u);
        run.SetArg(3, new Bo(_device, 512, BoFlags.HostOnly, _kernel.GroupId(3)));
        run.SetArg(4, new Bo(_device, 256, BoFlags.HostOnly, _kernel.GroupId(4)));
        return run;
    }

    [NoopXrtFact]
    public void DeviceRunsOnTheXrtBackend()
    {
        Assert.Equal("xrt", _device.BackendName);
        Assert.IsType<XrtBackend>(_device.Backend);
    }

    [NoopXrtFact]
    public void TheDeviceNameComesFromXrtAndANameOfNoKnownGenerationGetsTheTighterProfileSayingSo()
    {
        // XRT's no-op device answers no name query ("No such query request"), so no generation is named and the
        // tighter npu1 is assumed, saying so; an NPU's driver answers RyzenAI-npuN.
        Assert.Null(_device.DeviceName);
        Assert.Null(Handle.DeviceName);
        Assert.Same(NpuDeviceProfile.Npu1, _device.Profile);
        Assert.Contains("the device's name (not reported) is no known NPU generation, so the tighter npu1 profile is assumed", _device.ContextBudgetSource);
        // Debian's XRT 2.13 build has no amdxdna uapi to ask: the driver's budget is unknown and npu1's 6 hold.
        Assert.Null(Handle.ContextLimit);
        Assert.Null(Handle.ContextsInUse);
        Assert.Equal(6, _device.ContextBudget);
    }

    [NoopXrtFact]
    public void TheNoopDeviceTakesTheLibrarysStandInsBecauseXrtSaysItIsEmulated()
    {
        // XRT reads XCL_EMULATION_MODE from the native environment; the shim reports what XRT sees.
        Assert.Equal("noop", XrtShim.EmulationMode());
        var standIn = NpuSdk.Kernels.KernelLibrary.EmulationXclbin("matmul_whole_array_int8");
        Assert.NotNull(standIn.EmulationStandIn);
        Assert.Equal(standIn.Uuid, _device.RegisterXclbin(standIn));
    }

    [NoopXrtFact]
    public void HandWrittenContextsOnTheXrtBackendCountAgainstTheBudgetAndThePastOneIsRefusedTyped()
    {
        // The fixture holds one; five more fit npu1's six, the seventh is refused before XRT is asked.
        var more = Enumerable.Range(0, 5).Select(i => new HwContext(_device, _device.RegisterXclbin(
            NpuSdk.Xclbin.XclbinFile.Read(NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(3, uuidSeed: $"noop{i}")), $"noop{i}.xclbin")))).ToList();
        Assert.Equal(6, _device.LiveContexts);
        var seventh = NpuSdk.Xclbin.XclbinFile.Read(NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(3, uuidSeed: "seventh")), "seventh.xclbin");
        var e = Assert.Throws<NpuContextBudgetException>(() => new HwContext(_device, _device.RegisterXclbin(seventh)));
        Assert.Equal(6, e.Budget);
        foreach (var c in more) c.Dispose();
    }

    [NoopXrtFact]
    public void CapabilitiesAreConsistentWithTheXrtVersionTheShimWasBuiltAgainst()
    {
        var caps = ((XrtBackend)_device.Backend).Capabilities;
        Assert.NotNull(caps.XrtVersion);
        Assert.Equal(2, caps.XrtVersion!.Major);
        Assert.Equal(caps.XrtVersion >= new Version(2, 14), caps.HasHwContext);
        Assert.Equal(caps.XrtVersion >= new Version(2, 17), caps.HasRunList);
        Assert.Contains(caps.HasRunList ? "xrt::runlist" : "window", caps.RunListPath);
    }

    [NoopXrtFact]
    public void MissingXclbinFileComesBackWithXrtsMessageNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"npusdk-missing-{Guid.NewGuid():N}.xclbin");
        var e = Assert.Throws<XrtException>(() => Handle.RegisterXclbinFile(path));
        Assert.Equal(XrtStatus.XrtError, e.Status);
        Assert.Contains(path, e.XrtMessage);
        Assert.Contains(e.XrtMessage, e.Message);
    }

    [NoopXrtFact]
    public void XclbinFileRegisteredByXrtHasTheUuidTheSdkReaderReads()
    {
        string path = Path.Combine(Path.GetTempPath(), $"npusdk-{Guid.NewGuid():N}.xclbin");
        File.WriteAllBytes(path, File.ReadAllBytes(LibraryKernel.TileMatMul16.FilePath));
        try
        {
            Assert.Equal(LibraryKernel.TileMatMul16.Uuid, Handle.RegisterXclbinFile(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [NoopXrtFact]
    public void UnknownKernelNameCarriesXrtsMessage()
    {
        var context = new HwContext(_device, LibraryKernel.TileMatMul16.Uuid);
        var e = Assert.Throws<XrtException>(() => new Kernel(context, "NO_SUCH_KERNEL"));
        Assert.Equal(XrtStatus.XrtError, e.Status);
        Assert.Contains("NO_SUCH_KERNEL", e.XrtMessage);
    }

    [NoopXrtFact]
    public void BadArgumentIndexIsABindingErrorCarryingXrtsMessage()
    {
        using var run = new Run(_kernel);
        var e = Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(42, 1u));
        Assert.Equal(42, e.ArgIndex);
        Assert.StartsWith("XRT rejected it: ", e.Reason);
        Assert.True(e.Reason.Length > "XRT rejected it: ".Length, "XRT's message is missing");
    }

    [NoopXrtFact]
    public void SubBufferPastItsParentsEndIsRefusedByXrtItself()
    {
        using var parent = new Bo(_device, 4096, BoFlags.HostOnly, _kernel.GroupId(3));
        var e = Assert.Throws<XrtException>(() => parent.Handle.CreateSubBuffer(8, 4090));
        Assert.Equal(XrtStatus.XrtError, e.Status);
        Assert.NotEmpty(e.XrtMessage);
    }

    [NoopXrtFact]
    public void SyncPastTheEndIsRefusedByTheShimBecauseXrtDoesNotCheckIt()
    {
        using var bo = new Bo(_device, 4096, BoFlags.HostOnly, _kernel.GroupId(3));
        var e = Assert.Throws<XrtException>(() => bo.Handle.Sync(SyncDirection.FromDevice, 8, 4090));
        Assert.Equal(XrtStatus.OutOfRange, e.Status);
        Assert.Contains("4096", e.XrtMessage);
    }

    [NoopXrtFact]
    public void ScalarOfAnOddWidthIsRefusedBeforeReachingXrt()
    {
        using var run = new Run(_kernel);
        var e = Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(0, [1, 2, 3]));
        Assert.Contains("not 3", e.Reason);
    }

    [NoopXrtFact]
    public void RunListRefusesARunTwiceAndChangesWhileExecuting()
    {
        // xrt::runlist throws for both itself; the windowed fallback reports which rule was broken.
        bool native = ((XrtBackend)_device.Backend).Capabilities.HasRunList;
        using var list = new RunList(_kernel.Context);
        var first = BoundRun();
        list.Add(first);
        var twice = Assert.Throws<XrtException>(() => list.Add(first));
        Assert.Equal(native ? XrtStatus.XrtError : XrtStatus.InvalidArgument, twice.Status);

        list.Execute();
        var busy = Assert.Throws<XrtException>(() => list.Add(BoundRun()));
        Assert.Equal(native ? XrtStatus.XrtError : XrtStatus.Busy, busy.Status);
        Assert.Equal(CommandState.Completed, list.Wait(TimeSpan.FromMinutes(1)));

        list.Reset();
        list.Add(first);
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(Timeout.InfiniteTimeSpan));
    }

    [NoopXrtFact]
    public void RunListWindowOfOneStillCompletesEveryRun()
    {
        var backend = XrtBackend.Open(runListWindow: 1);
        using var device = Device.Open(backend);
        var context = new HwContext(device, device.RegisterXclbin(LibraryKernel.TileMatMul16.Xclbin));
        var kernel = new Kernel(context, LibraryKernel.TileMatMul16.KernelName);
        var instr = new Bo(device, 300, BoFlags.Cacheable, kernel.GroupId(1));
        var data = new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(3));
        using var list = new RunList(context);
        for (int i = 0; i < 100; i++) list.Add(kernel.CreateRun().Bind(instr, data));
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(TimeSpan.FromMinutes(1)));
        Assert.Equal(100, device.Counters.Runs);
    }

    public void Dispose() => _device?.Dispose();
}

internal static class RunBinding
{
    /// <summary>Binds the mlir-aie arguments with one data buffer for both bo0 and bo1.</summary>
    public static Run Bind(this Run run, Bo instr, Bo data)
    {
        run.SetArg(0, 3UL);
        run.SetArg(1, instr);
        run.SetArg(2, 75u);
        run.SetArg(3, data);
        run.SetArg(4, data);
        return run;
    }
}
