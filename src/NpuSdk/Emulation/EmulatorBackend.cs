using NpuSdk.Backends;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>Settings of an <see cref="EmulatorBackend"/>.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Where reference implementations are looked up (default: <see cref="ReferenceKernelRegistry.Default"/>, which the kernel library fills).</summary>
    public ReferenceKernelRegistry Registry { get; init; } = ReferenceKernelRegistry.Default;

    /// <summary>The latency model that projects hardware time, or null for none.</summary>
    public LatencyModel? Latency { get; init; }

    /// <summary>How many devices the emulator offers (indices 0..n-1).</summary>
    public int DeviceCount { get; init; } = 1;

    /// <summary>
    /// How long each run takes on the device's worker before it computes (default none): waits block, timeouts
    /// expire and outputs read before completion are stale, as on hardware. Kept to the clock's resolution, below a
    /// millisecond too (the worker yields its core while it waits the last part out).
    /// </summary>
    public TimeSpan RunLatency { get; init; }

    /// <summary>Faults injected into the runs the emulator executes, or null for none.</summary>
    public EmulatorFaults? Faults { get; init; }

    /// <summary>
    /// The NPU generation emulated: its name (which the device reports as the driver would), and the budget of hardware
    /// contexts alive at once that the emulator enforces as the driver does. Default: <c>NPUSDK_DEVICE</c> when set, else
    /// <see cref="NpuDeviceProfile.Npu1"/>, the tighter. The latency model stays <see cref="Latency"/>'s.
    /// </summary>
    public NpuDeviceProfile? Profile { get; init; }

    /// <summary>
    /// Hardware contexts other processes hold on the emulated device: they count against the profile's budget, as on
    /// hardware, where the budget is system-wide. Default 0.
    /// </summary>
    public int ContextsHeldElsewhere
    {
        get => _heldElsewhere;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _heldElsewhere = value;
        }
    }

    private readonly int _heldElsewhere;

    /// <summary>
    /// A counting emulator: everything a call does is validated, counted and projected as usual, but the runs complete
    /// without computing (their outputs are not written), and a kernel needs no reference to run. <c>npu plan</c> runs a
    /// generated call's pipeline on one to say what the call does.
    /// </summary>
    internal bool CountsOnly { get; init; }
}

/// <summary>
/// A faithful model of the XRT contract in C#: every buffer has a host view and a device view joined
/// only by syncs, every run is validated against the kernel's xclbin signature and executes a reference
/// implementation: C# registered for the xclbin's uuid, or the one the kernel's manifest describes (see
/// <see cref="ReferenceKernelRegistry"/>).
/// </summary>
public sealed class EmulatorBackend : INpuBackend
{
    /// <summary>Creates an emulator with default options.</summary>
    public EmulatorBackend() : this(new EmulatorOptions()) { }

    /// <summary>Creates an emulator.</summary>
    public EmulatorBackend(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Profile = options.Profile ?? NpuDeviceProfile.FromEnvironment(Environment.GetEnvironmentVariable);
        _slots = new ContextSlots[options.DeviceCount];
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new ContextSlots(Profile.ContextBudget, options.ContextsHeldElsewhere);
    }

    // One per emulated device, shared by every handle opened on it: the driver's budget is the device's, not a handle's.
    private readonly ContextSlots[] _slots;

    /// <summary>The NPU generation emulated (see <see cref="EmulatorOptions.Profile"/>).</summary>
    public NpuDeviceProfile Profile { get; }

    /// <summary>The emulator's settings.</summary>
    public EmulatorOptions Options { get; }

    /// <inheritdoc />
    public string Name => "emulator";

    /// <inheritdoc />
    public IDeviceHandle OpenDevice(int index)
    {
        if (index < 0 || index >= Options.DeviceCount)
            throw new NpuDeviceNotFoundException($"The emulator has {Options.DeviceCount} device(s); there is no device {index}.");
        return new EmulatorDevice(Options, Profile, _slots[index]);
    }
}

/// <summary>
/// An emulated device's hardware context slots, as the driver counts them: every context alive on the device, from
/// any handle, plus those other processes hold, against the driver's <c>hwctx_limit</c>.
/// </summary>
internal sealed class ContextSlots(int limit, int heldElsewhere)
{
    private int _live;

    public int Limit { get; } = limit;

    /// <summary>Slots taken now, here and elsewhere.</summary>
    public int InUse => Volatile.Read(ref _live) + heldElsewhere;

    /// <summary>Takes a slot, or false when the driver would refuse <c>CREATE_HWCTX</c>.</summary>
    public bool TryTake()
    {
        while (true)
        {
            int live = Volatile.Read(ref _live);
            if (live + heldElsewhere >= Limit) return false;
            if (Interlocked.CompareExchange(ref _live, live + 1, live) == live) return true;
        }
    }

    public void Return() => Interlocked.Decrement(ref _live);
}

internal sealed class EmulatorDevice : IDeviceHandle, IProjectsDeviceTime, IAcceptsKernelManifests, ITracesProjection
{
    private readonly object _gate = new();
    private readonly Lazy<EmulatorQueue> _queue;
    private readonly Dictionary<XclbinUuid, XclbinFile> _xclbins = new();
    private readonly Dictionary<(XclbinUuid, string), List<KernelDesign>> _designs = new();
    private readonly ContextSlots _slots;
    private ulong _nextAddress = 0x1_0000_0000;

    public EmulatorDevice(EmulatorOptions options, NpuDeviceProfile profile, ContextSlots slots)
    {
        Options = options;
        Profile = profile;
        _slots = slots;
        Timeline = options.Latency is { } model ? new ProjectedTimeline(model) : null;
        _queue = new Lazy<EmulatorQueue>(() => new EmulatorQueue(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public NpuDeviceProfile Profile { get; }

    /// <summary>The name the driver reports for the emulated generation, so the runtime picks its profile as on hardware.</summary>
    public string? DeviceName => Profile.DriverNames[0];

    /// <summary>The driver's budget (its <c>npu_task_max</c>), which the emulator enforces.</summary>
    public int? ContextLimit => _slots.Limit;

    /// <summary>The contexts the driver would count (its <c>npu_task_curr</c>): every one alive on the emulated device, and those held elsewhere.</summary>
    public int? ContextsInUse => _slots.InUse;

    /// <summary>The device's command queue and its worker.</summary>
    internal EmulatorQueue Queue => _queue.Value;

    public EmulatorOptions Options { get; }

    public TimeSpan? ProjectedTime => Timeline is { } t ? TimeSpan.FromSeconds(t.Seconds) : null;

    /// <summary>The projection's clocks when a latency model is set, else null (and nothing is charged).</summary>
    internal ProjectedTimeline? Timeline { get; }

    /// <summary>How long <paramref name="run"/> computes, on the cores its manifest says its design uses (1 without one).</summary>
    internal static double ComputeSeconds(LatencyModel model, EmulatorRun run)
    {
        if (run.Reference is { } reference)
            return model.ComputeSeconds(reference.Precision, reference.MacsOf(new ReferenceInvocation(run)), run.Manifest?.Cores ?? 1);
        // A counting emulator without the design's reference: the same work, counted from the manifest alone.
        if (run.Manifest is not { } m) return 0;
        int strip = 0;
        if (m.Pattern == NpuPattern.KStripMatMul)
        {
            // K is the call's: the A strip the run is bound to is m x K.
            var a = OperandLayout.Of(m, "a", stripLength: 1);
            strip = new ReferenceInvocation(run).Buffer(a.Arg).Length / (a.ElementSize * m.Tile["m"]);
        }
        return model.ComputeSeconds(LatencyModel.PrecisionOf(KernelWork.ComputeType(m)), KernelWork.MacsPerInvocation(m, strip), m.Cores);
    }

    internal ulong ReserveAddress(ulong size)
    {
        lock (_gate)
        {
            ulong a = _nextAddress;
            _nextAddress += (size + 4095) & ~4095UL;
            return a;
        }
    }

    public void RegisterXclbin(XclbinFile xclbin)
    {
        lock (_gate) _xclbins[xclbin.Uuid] = xclbin;
    }

    public void AddManifest(XclbinUuid uuid, KernelManifest manifest, uint[]? instructions)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        lock (_gate)
        {
            if (!_designs.TryGetValue((uuid, manifest.KernelName), out var designs)) _designs[(uuid, manifest.KernelName)] = designs = new();
            // The same instruction stream (or the kernel's only design) registered again replaces the earlier manifest.
            designs.RemoveAll(d => d.SameInstructions(instructions));
            designs.Add(new KernelDesign(manifest, instructions));
        }
    }

    /// <summary>The designs registered for a kernel of an xclbin: one per instruction stream, or one for the whole kernel.</summary>
    internal IReadOnlyList<KernelDesign> DesignsOf(XclbinUuid uuid, string kernelName)
    {
        lock (_gate) return _designs.TryGetValue((uuid, kernelName), out var d) ? d.ToArray() : [];
    }

    public IContextHandle CreateHwContext(XclbinUuid uuid)
    {
        XclbinFile? xclbin;
        lock (_gate) _xclbins.TryGetValue(uuid, out xclbin);
        if (xclbin is null) throw new NpuException($"No xclbin with uuid {uuid} is registered on the emulated device.");
        // As amdxdna does past its hwctx_limit: the budget counts every context on the device, whoever holds it.
        if (!_slots.TryTake()) throw ContextRefusal.FromDriver(ContextRefusal.Operation(uuid), ContextRefusal.DriverMessage);
        Timeline?.OpenContext(xclbin.SourceName);
        return new EmulatorContext(this, xclbin);
    }

    /// <summary>The last reference to a context went (the context and every kernel, run and run list made on it): its slot is free.</summary>
    internal void ContextReleased(XclbinFile xclbin)
    {
        _slots.Return();
        Timeline?.CloseContext(xclbin.SourceName);
    }

    /// <summary>Records the projection on <paramref name="recorder"/> (a process of tracks of its own), or stops with null.</summary>
    public void AttachTrace(Tracing.TraceRecorder? recorder) =>
        Timeline?.Attach(recorder, $"{Profile.Name} NPU, projected ({(Timeline.Model == LatencyModel.Strix ? "LatencyModel.Strix" : Timeline.Model == LatencyModel.Phoenix ? "LatencyModel.Phoenix" : "a latency model")}, from the device's open)");

    public IBoHandle AllocateBo(ulong size, BoFlags flags, int group)
    {
        if (size > int.MaxValue) throw new NpuException($"The emulator cannot allocate a buffer of {size} bytes (at most {int.MaxValue}).");
        Timeline?.Allocate(size);
        return new EmulatorBo(new BoStorage(this, (int)size, flags, group), 0, (int)size);
    }

    public void Dispose()
    {
        if (_queue.IsValueCreated) _queue.Value.Dispose();
    }
}

/// <summary>
/// A hardware context on the emulator. As in XRT, whose kernels, runs and run lists keep their context alive, the slot
/// is freed only when the context and everything made on it are released.
/// </summary>
internal sealed class EmulatorContext : IContextHandle
{
    private int _references = 1;

    public EmulatorContext(EmulatorDevice device, XclbinFile xclbin)
    {
        Device = device;
        Xclbin = xclbin;
    }

    public EmulatorDevice Device { get; }
    public XclbinFile Xclbin { get; }

    internal void AddReference() => Interlocked.Increment(ref _references);

    internal void ReleaseReference()
    {
        if (Interlocked.Decrement(ref _references) == 0) Device.ContextReleased(Xclbin);
    }

    public IKernelHandle OpenKernel(string name)
    {
        var signature = Xclbin.FindKernel(name);
        if (signature is null)
        {
            string names = string.Join(", ", Xclbin.Kernels.Select(k => k.Name));
            throw new NpuException($"No kernel named '{name}' in xclbin {Xclbin.Uuid}; it has: {(names.Length == 0 ? "none" : names)}.");
        }
        var designs = new List<RunnableDesign>();
        if (Device.Options.Registry.TryGet(Xclbin.Uuid, name, out var registered))
        {
            designs.Add(new RunnableDesign(Device.DesignsOf(Xclbin.Uuid, name).FirstOrDefault()?.Manifest, null, registered, null));
        }
        else
        {
            foreach (var design in Device.DesignsOf(Xclbin.Uuid, name))
            {
                var manifest = design.Manifest;
                string? missing = Device.Options.Registry.TryCreate(manifest, out var reference, out string why) ? null
                    : $"kernel '{name}' of xclbin {Xclbin.Uuid} cannot run on the emulator: {why} (manifest {manifest.SourcePath}); register C# for it with ReferenceKernelRegistry.Register";
                designs.Add(new RunnableDesign(manifest, design.Instructions, reference, missing));
            }
        }
        string? none = designs.Count > 0 ? null
            : $"no reference is registered for kernel '{name}' of xclbin {Xclbin.Uuid} and no manifest says what it computes; put its <name>.kernel.json beside the xclbin (or register C# with ReferenceKernelRegistry.Register)";
        AddReference();
        return new EmulatorKernel(this, signature, designs, none);
    }

    public IRunListHandle CreateRunList()
    {
        AddReference();
        return new EmulatorRunList(this);
    }

    public void Dispose() => ReleaseReference();
}

/// <summary>What a registered manifest says a kernel computes when it runs <see cref="Instructions"/> (null: whatever it runs).</summary>
internal sealed record KernelDesign(KernelManifest Manifest, uint[]? Instructions)
{
    public bool SameInstructions(uint[]? other) =>
        Instructions is null ? other is null : other is not null && Instructions.AsSpan().SequenceEqual(other);
}

/// <summary>A design the kernel can run: its manifest, the instruction stream that selects it, and its reference (or why there is none).</summary>
internal sealed record RunnableDesign(KernelManifest? Manifest, uint[]? Instructions, IReferenceKernel? Reference, string? MissingReference);

internal sealed class EmulatorKernel : IKernelHandle
{
    private readonly IReadOnlyList<RunnableDesign> _designs;
    private readonly string? _noDesign;
    private int _disposed;

    public EmulatorKernel(EmulatorContext context, XclbinKernel signature, IReadOnlyList<RunnableDesign> designs, string? noDesign)
    {
        Context = context;
        Signature = signature;
        _designs = designs;
        _noDesign = noDesign;
        // Looked up once: validation runs for every run of a run list, and a search of the signature per run
        // would allocate an enumerator each time (32,768 runs per call in a 512-cube int8 matmul).
        Opcode = signature.FindArgument("opcode");
        Instructions = signature.FindArgument("instr");
        InstructionWords = signature.FindArgument("ninstr");
    }

    public EmulatorContext Context { get; }
    public XclbinKernel Signature { get; }
    internal XclbinKernelArg? Opcode { get; }
    internal XclbinKernelArg? Instructions { get; }
    internal XclbinKernelArg? InstructionWords { get; }

    /// <summary>
    /// The design a run executes: the kernel's only one, or, when one xclbin serves several designs, the one whose
    /// instruction stream the run's instruction buffer holds (the device reads it to know what to do).
    /// </summary>
    /// <exception cref="NpuException">No design fits: none is registered, it cannot run here, or the stream matches none.</exception>
    internal RunnableDesign DesignFor(ReadOnlySpan<byte> instructions)
    {
        if (_designs.Count == 0) throw new NpuException($"The emulator cannot run this kernel: {_noDesign}.");
        RunnableDesign? chosen = null;
        if (_designs.Count == 1) chosen = _designs[0];
        else
        {
            foreach (var d in _designs)
            {
                var words = System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.Instructions.AsSpan());
                if (d.Instructions is not null && instructions.StartsWith(words) && (chosen is null || d.Instructions.Length > chosen.Instructions!.Length)) chosen = d;
            }
            chosen ??= _designs.FirstOrDefault(d => d.Instructions is null);
            if (chosen is null)
                throw new NpuException($"The emulator cannot tell which design kernel '{Signature.Name}' of xclbin {Context.Xclbin.Uuid} runs: its instruction buffer holds none of the {_designs.Count} instruction streams registered for it ({string.Join(", ", _designs.Select(d => d.Manifest?.Name ?? "?"))}).");
        }
        if (chosen.Reference is null && !Context.Device.Options.CountsOnly) throw new NpuException($"The emulator cannot run this kernel: {chosen.MissingReference}.");
        return chosen;
    }

    public int GroupId(int argIndex)
    {
        var arg = Argument(argIndex);
        return arg.IsBuffer && arg.MemoryGroup is int g ? g : -1;
    }

    internal XclbinKernelArg Argument(int argIndex)
    {
        if (argIndex < 0 || argIndex >= Signature.Arguments.Count)
            throw new NpuArgumentBindingException(Signature.Name, argIndex, null,
                $"the kernel has {Signature.Arguments.Count} arguments (0..{Signature.Arguments.Count - 1}).");
        return Signature.Arguments[argIndex];
    }

    public IRunHandle CreateRun()
    {
        Context.AddReference();
        return new EmulatorRun(this);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Context.ReleaseReference();
    }
}
