using NpuSdk.Backends;
using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;
using NpuSdk.Xclbin;

namespace NpuSdk.Testing;

/// <summary>
/// A backend that wraps the emulator the way a user's tracing or fault-injecting backend would, and stands in for the
/// driver's side of the context budget: it records the most contexts alive at once at the backend (what the driver
/// counts), and, given a limit, refuses every context past it with the error the xrt backend gives for amdxdna's
/// refused <c>CREATE_HWCTX</c>. Linked into the test projects that need it.
/// </summary>
internal sealed class DriverStandIn : INpuBackend
{
    private readonly EmulatorBackend _inner;
    private readonly int? _limit;
    private readonly string _deviceName;
    private int _live, _peak;

    public DriverStandIn(EmulatorOptions options, int? limit = null, string? deviceName = null)
    {
        _inner = new EmulatorBackend(options);
        _limit = limit;
        _deviceName = deviceName ?? _inner.Profile.DriverNames[0];
    }

    public string Name => "driver-stand-in";

    /// <summary>The most contexts that were alive at once at the backend.</summary>
    public int PeakContexts => Volatile.Read(ref _peak);

    /// <summary>Contexts alive at the backend now.</summary>
    public int LiveContexts => Volatile.Read(ref _live);

    public IDeviceHandle OpenDevice(int index) => new Handle(this, _inner.OpenDevice(index));

    private IContextHandle Create(IDeviceHandle inner, XclbinUuid uuid)
    {
        int live = Interlocked.Increment(ref _live);
        if (live > _limit)
        {
            Interlocked.Decrement(ref _live);
            throw XrtErrors.Translate(XrtStatus.NoContext, ContextRefusal.Operation(uuid), ContextRefusal.DriverMessage);
        }
        IContextHandle created;
        try
        {
            created = inner.CreateHwContext(uuid);
        }
        catch
        {
            Interlocked.Decrement(ref _live);
            throw;
        }
        for (int peak = _peak; live > peak; peak = _peak) Interlocked.CompareExchange(ref _peak, live, peak);
        return new Counted(created, () => Interlocked.Decrement(ref _live));
    }

    private sealed class Handle(DriverStandIn owner, IDeviceHandle inner) : IDeviceHandle, IAcceptsKernelManifests, IProjectsDeviceTime
    {
        public string? DeviceName => owner._deviceName;
        public int? ContextLimit => inner.ContextLimit;
        public TimeSpan? ProjectedTime => (inner as IProjectsDeviceTime)?.ProjectedTime;
        public void RegisterXclbin(XclbinFile xclbin) => inner.RegisterXclbin(xclbin);
        public IBoHandle AllocateBo(ulong size, BoFlags flags, int group) => inner.AllocateBo(size, flags, group);
        public IContextHandle CreateHwContext(XclbinUuid uuid) => owner.Create(inner, uuid);
        public void AddManifest(XclbinUuid uuid, KernelModel.KernelManifest manifest, uint[]? instructions) =>
            ((IAcceptsKernelManifests)inner).AddManifest(uuid, manifest, instructions);
        public void Dispose() => inner.Dispose();
    }

    // The wrapped context's slot is the emulator's business (its kernels and runs keep it); this counts the program's handle.
    private sealed class Counted(IContextHandle inner, Action released) : IContextHandle
    {
        private int _disposed;
        public IKernelHandle OpenKernel(string name) => inner.OpenKernel(name);
        public IRunListHandle CreateRunList() => inner.CreateRunList();
        public void Dispose()
        {
            inner.Dispose();
            if (Interlocked.Exchange(ref _disposed, 1) == 0) released();
        }
    }
}
