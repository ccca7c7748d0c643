using System.Runtime.CompilerServices;
using NpuSdk.Backends;
using NpuSdk.Xclbin;

namespace NpuSdk;

/// <summary>
/// An NPU device (<c>xrt::device</c>). Owns everything created from it: disposing the device disposes
/// its contexts, kernels, buffers, runs and run lists that are still alive.
/// </summary>
public sealed class Device : IDisposable
{
    private readonly object _gate = new();
    // Held weakly, as ILGPU's accelerator holds its objects: a child nobody references is collected (its native handle
    // released by its SafeHandle), and disposing the device still disposes every child alive then.
    private readonly ConditionalWeakTable<IDisposable, object> _owned = new();
    private static readonly object s_owned = new();
    private readonly Dictionary<XclbinUuid, XclbinFile> _xclbins = new();
    private IDeviceHandle? _handle;
    private int _activeCalls;
    private bool _disposing;

    private Device(INpuBackend backend, IDeviceHandle handle, string backendReason, Func<string, string?> environment)
    {
        Backend = backend;
        BackendReason = backendReason;
        Counters = new DeviceCounters { Backend = backend.Name };
        _handle = handle;
        DeviceName = handle.DeviceName;
        var named = NpuDeviceProfile.FromDeviceName(DeviceName);
        Profile = named ?? NpuDeviceProfile.Npu1;
        int budget = handle.ContextLimit is int live && live > 0 ? live : Profile.ContextBudget;
        string source = handle.ContextLimit is int l && l > 0 ? $"the driver reports {l}" : $"{Profile.Name}'s budget";
        if (NpuDeviceProfile.MaxContextsFromEnvironment(environment) is int max && max < budget)
        {
            budget = max;
            source += $", lowered by {NpuDeviceProfile.MaxContextsVariable}={max}";
        }
        ContextBudgetSource = named is null
            ? $"{source}: the device's name ({(string.IsNullOrEmpty(DeviceName) ? "not reported" : DeviceName)}) is no known NPU generation, so the tighter npu1 profile is assumed"
            : source;
        Contexts = new ContextCache(this, budget);
    }

    /// <summary>Opens device <paramref name="index"/> on the default backend (see <see cref="NpuBackends.Select()"/>).</summary>
    /// <exception cref="NpuBackendUnavailableException">An NPU is present but XRT cannot drive it, or a forced backend cannot open.</exception>
    public static Device Open(int index = 0)
    {
        var selection = NpuBackends.Select();
        return Open(selection.Backend, index, selection.Reason);
    }

    /// <summary>Opens device <paramref name="index"/> on a given backend.</summary>
    public static Device Open(INpuBackend backend, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return Open(backend, index, $"the program chose the '{backend.Name}' backend itself.");
    }

    private static Device Open(INpuBackend backend, int index, string reason) => Open(backend, index, reason, Environment.GetEnvironmentVariable);

    /// <summary>Opens a device reading <c>NPUSDK_MAX_CONTEXTS</c> from <paramref name="environment"/> (tests give their own).</summary>
    internal static Device Open(INpuBackend backend, int index, Func<string, string?> environment) =>
        Open(backend, index, $"the program chose the '{backend.Name}' backend itself.", environment);

    private static Device Open(INpuBackend backend, int index, string reason, Func<string, string?> environment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var handle = backend.OpenDevice(index);
        try
        {
            var device = new Device(backend, handle, reason, environment);
            NpuTrace.ForProcess?.Attach(device);
            return device;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The backend this device runs on.</summary>
    public INpuBackend Backend { get; }

    /// <summary>Why the device runs on <see cref="Backend"/>: <see cref="NpuBackendSelection.Reason"/>, or that the program passed it.</summary>
    public string BackendReason { get; }

    /// <summary>The backend's name, <c>xrt</c> or <c>emulator</c>.</summary>
    public string BackendName => Backend.Name;

    /// <summary>Exact operation counts since the device was opened.</summary>
    public DeviceCounters Counters { get; }

    /// <summary>The device's name as its driver reports it (<c>RyzenAI-npu1</c>, <c>RyzenAI-npu4</c>, ...), or null when the backend does not say.</summary>
    public string? DeviceName { get; }

    /// <summary>The NPU generation: the context budget and the latency model. Taken from <see cref="DeviceName"/>; npu1, the tighter, when the name is not known.</summary>
    public NpuDeviceProfile Profile { get; }

    /// <summary>
    /// How many hardware contexts may be alive at once on this device: the driver's live budget where the backend can read
    /// it, else <see cref="Profile"/>'s, lowered by <c>NPUSDK_MAX_CONTEXTS</c> when that is set. Generated methods share one
    /// context per xclbin and evict the least recently used idle one past this budget.
    /// </summary>
    public int ContextBudget => Contexts.Budget;

    /// <summary>Where <see cref="ContextBudget"/> comes from, in words (the driver, the profile, the environment).</summary>
    public string ContextBudgetSource { get; }

    /// <summary>Hardware contexts alive on this device now: those generated methods share and those the program opened.</summary>
    public int LiveContexts => Contexts.Live;

    /// <summary>This process's live contexts, each in words (xclbin, and whether calls are using it), for logs and diagnostics.</summary>
    public IReadOnlyList<string> DescribeLiveContexts() => Contexts.Describe();

    internal ContextCache Contexts { get; }

    /// <summary>Where trace events go while a trace is on (<see cref="StartTrace"/>, <c>NPUSDK_TRACE</c>), else null: every hook checks it and does nothing.</summary>
    internal Tracing.TraceRecorder? Tracer { get; private set; }

    /// <summary>
    /// Traces this device into <paramref name="path"/> until the returned trace is disposed, which writes it: a timeline
    /// in the Chrome trace-event format that Perfetto and <c>chrome://tracing</c> open (see <see cref="NpuTrace"/>).
    /// </summary>
    /// <param name="path">The JSON file to write.</param>
    /// <param name="maxEvents">The most events kept; later ones are counted and left out.</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The cap is not positive.</exception>
    public NpuTrace StartTrace(string path, int maxEvents = NpuTrace.DefaultMaxEvents) => NpuTrace.Start(this, path, maxEvents);

    internal void AttachTrace(Tracing.TraceRecorder recorder)
    {
        Tracer = recorder;
        (_handle as ITracesProjection)?.AttachTrace(recorder);
    }

    internal void DetachTrace(Tracing.TraceRecorder recorder)
    {
        if (Tracer != recorder) return;
        Tracer = null;
        (_handle as ITracesProjection)?.AttachTrace(null);
    }

    /// <summary>Time the work so far would take on the modelled NPU (emulator with a latency model), or null.</summary>
    public TimeSpan? ProjectedTime => (Handle as IProjectsDeviceTime)?.ProjectedTime;

    internal IDeviceHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(Device));

    /// <summary>Registers an xclbin with the device and returns its uuid (<c>device.register_xclbin</c>).</summary>
    public XclbinUuid RegisterXclbin(XclbinFile xclbin)
    {
        ArgumentNullException.ThrowIfNull(xclbin);
        Handle.RegisterXclbin(xclbin);
        lock (_gate) _xclbins[xclbin.Uuid] = xclbin;
        Counters.AddXclbin();
        return xclbin.Uuid;
    }

    /// <summary>
    /// Reads an xclbin file and registers it. On the emulator, a kernel manifest beside it (<c>name.kernel.json</c> for
    /// <c>name.xclbin</c>) says what its kernel computes, so the emulator can run it with no C# written.
    /// </summary>
    /// <exception cref="KernelModel.KernelManifestException">The manifest beside the file cannot be read; the message names its line and column.</exception>
    public XclbinUuid RegisterXclbin(string path)
    {
        string manifestPath = Path.ChangeExtension(path, ".kernel.json");
        var xclbin = XclbinFile.ReadFile(path);
        var manifest = Handle is IAcceptsKernelManifests && File.Exists(manifestPath)
            ? KernelModel.KernelManifestParser.Parse(File.ReadAllText(manifestPath), manifestPath) : null;
        return RegisterXclbin(xclbin, manifest);
    }

    /// <summary>
    /// Registers an xclbin and says what its kernel computes. The emulator runs the kernel from the manifest (the
    /// kernel library's reference for its operation); hardware needs no manifest and ignores it.
    /// </summary>
    public XclbinUuid RegisterXclbin(XclbinFile xclbin, KernelModel.KernelManifest? manifest) => RegisterXclbin(xclbin, manifest, null);

    /// <summary>
    /// Registers an xclbin and says what its kernel computes when it runs <paramref name="instructions"/>: one xclbin may
    /// serve several designs that differ only in their instruction streams (shapes), each with its own manifest.
    /// </summary>
    internal XclbinUuid RegisterXclbin(XclbinFile xclbin, KernelModel.KernelManifest? manifest, uint[]? instructions)
    {
        var uuid = RegisterXclbin(xclbin);
        if (manifest is not null) (Handle as IAcceptsKernelManifests)?.AddManifest(uuid, manifest, instructions);
        return uuid;
    }

    /// <summary>The registered xclbin with this uuid.</summary>
    /// <exception cref="ArgumentException">No xclbin with that uuid is registered.</exception>
    public XclbinFile GetXclbin(XclbinUuid uuid)
    {
        lock (_gate)
        {
            if (_xclbins.TryGetValue(uuid, out var x)) return x;
        }
        throw new ArgumentException($"No xclbin with uuid {uuid} is registered on this device.", nameof(uuid));
    }

    internal T Own<T>(T child) where T : IDisposable => Own(child, disposeIfClosed: true);

    /// <summary>
    /// Enters <paramref name="child"/> in what the device releases on its disposal. When the device is disposed or being
    /// disposed it throws, disposing the child first only if <paramref name="disposeIfClosed"/>: a child that registers
    /// from its constructor, before it holds anything, is not disposed half made.
    /// </summary>
    internal T Own<T>(T child, bool disposeIfClosed) where T : IDisposable
    {
        lock (_gate)
        {
            if (_handle is null || _disposing)
            {
                if (disposeIfClosed) child.Dispose();
                throw new ObjectDisposedException(nameof(Device));
            }
            _owned.AddOrUpdate(child, s_owned);
        }
        return child;
    }

    internal void Release(IDisposable child)
    {
        lock (_gate) _owned.Remove(child);
    }

    /// <summary>
    /// Marks the start of a generated call on this device, so <see cref="Dispose"/> waits for it to leave before it
    /// releases the buffers the call writes through mapped memory.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is disposed or being disposed.</exception>
    internal void EnterCall()
    {
        lock (_gate)
        {
            if (_handle is null || _disposing) throw new ObjectDisposedException(nameof(Device));
            _activeCalls++;
        }
    }

    /// <summary>Marks the end of a call <see cref="EnterCall"/> started.</summary>
    internal void ExitCall()
    {
        lock (_gate)
        {
            _activeCalls--;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Closes a context the cache evicts, and every kernel, run and run list built on it (their owners rebuild them on
    /// their next use); buffers belong to the device and stay.
    /// </summary>
    internal void CloseContext(HwContext context)
    {
        IDisposable[] children;
        lock (_gate)
        {
            children = _owned.Select(pair => pair.Key).SelectMany(c => c switch
            {
                RunList l when l.Context == context => [c],
                Run r when r.Kernel.Context == context => [c],
                Kernel k when k.Context == context => [c],
                Launch.LaunchPlan plan => plan.RunsOn(context),
                _ => Enumerable.Empty<IDisposable>(),
            }).ToArray();
        }
        foreach (var c in children.OrderBy(DisposalRank)) c.Dispose();
        context.Dispose();
    }

    /// <summary>
    /// Disposes everything created from this device, then the device. Safe to call twice. Generated calls running on
    /// other threads are made to fail and this returns once every one of them has left the device (they throw
    /// <see cref="ObjectDisposedException"/> or an <see cref="NpuException"/>): on the emulator their run lists are
    /// aborted at once; on XRT each call ends when its runs complete or its timeout aborts them.
    /// </summary>
    public void Dispose()
    {
        IDisposable[] children;
        IDeviceHandle? handle;
        lock (_gate)
        {
            handle = _handle;
            if (handle is null || _disposing) return;
            _disposing = true;
        }
        Contexts.Close();
        // Calls in flight: abort their run lists (again, for a call that submits after a pass) until none is left.
        while (true)
        {
            RunList[] lists;
            lock (_gate)
            {
                if (_activeCalls == 0) break;
                lists = _owned.Select(pair => pair.Key).OfType<RunList>().Where(l => l.AbortsFromAnyThread).ToArray();
            }
            foreach (var list in lists)
            {
                try { list.Abort(); }
                catch (Exception e) when (e is NpuException or ObjectDisposedException) { }
            }
            lock (_gate)
            {
                if (_activeCalls > 0) Monitor.Wait(_gate, TimeSpan.FromMilliseconds(20));
            }
        }
        lock (_gate) children = _owned.Select(pair => pair.Key).ToArray();
        // Runs and run lists before kernels and buffers, those before contexts: the reverse of creation.
        foreach (var c in children.OrderBy(DisposalRank)) c.Dispose();
        lock (_gate) { _handle = null; _owned.Clear(); }
        handle.Dispose();
    }

    private static int DisposalRank(IDisposable d) => d switch
    {
        RunList => 0,
        Run or Launch.LaunchPlan or Launch.PlanRuns => 1,
        Bo b => b.IsSubBuffer ? 2 : 3,
        Kernel => 4,
        _ => 5,
    };
}
