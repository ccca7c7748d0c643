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
    }

    /// <summary>The emulator's settings.</summary>
    public EmulatorOptions Options { get; }

    /// <inheritdoc />
    public string Name => "emulator";

    /// <inheritdoc />
    public IDeviceHandle OpenDevice(int index)
    {
        if (index < 0 || index >= Options.DeviceCount)
            throw new NpuDeviceNotFoundException($"The emulator has {Options.DeviceCount} device(s); there is no device {index}.");
        return new EmulatorDevice(Options);
    }
}

internal sealed class EmulatorDevice : IDeviceHandle, IProjectsDeviceTime, IAcceptsKernelManifests
{
    private readonly object _gate = new();
    private readonly Lazy<EmulatorQueue> _queue;
    private readonly Dictionary<XclbinUuid, XclbinFile> _xclbins = new();
    private readonly Dictionary<(XclbinUuid, string), KernelManifest> _manifests = new();
    private ulong _nextAddress = 0x1_0000_0000;

    public EmulatorDevice(EmulatorOptions options)
    {
        Options = options;
        Timeline = options.Latency is { } model ? new ProjectedTimeline(model) : null;
        _queue = new Lazy<EmulatorQueue>(() => new EmulatorQueue(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The device's command queue and its worker.</summary>
    internal EmulatorQueue Queue => _queue.Value;

    public EmulatorOptions Options { get; }

    public TimeSpan? ProjectedTime => Timeline is { } t ? TimeSpan.FromSeconds(t.Seconds) : null;

    /// <summary>The projection's clocks when a latency model is set, else null (and nothing is charged).</summary>
    internal ProjectedTimeline? Timeline { get; }

    /// <summary>How long <paramref name="run"/> computes, on the cores its manifest says its design uses (1 without one).</summary>
    internal static double ComputeSeconds(LatencyModel model, EmulatorRun run)
    {
        var reference = run.Reference;
        return model.ComputeSeconds(reference.Precision, reference.MacsOf(new ReferenceInvocation(run)), run.Manifest?.Cores ?? 1);
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

    public void AddManifest(XclbinUuid uuid, KernelManifest manifest)
    {
        lock (_gate) _manifests[(uuid, manifest.KernelName)] = manifest;
    }

    internal KernelManifest? ManifestOf(XclbinUuid uuid, string kernelName)
    {
        lock (_gate) return _manifests.TryGetValue((uuid, kernelName), out var m) ? m : null;
    }

    public IContextHandle CreateHwContext(XclbinUuid uuid)
    {
        XclbinFile? xclbin;
        lock (_gate) _xclbins.TryGetValue(uuid, out xclbin);
        if (xclbin is null) throw new NpuException($"No xclbin with uuid {uuid} is registered on the emulated device.");
        Timeline?.OpenContext();
        return new EmulatorContext(this, xclbin);
    }

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

internal sealed class EmulatorContext(EmulatorDevice device, XclbinFile xclbin) : IContextHandle
{
    public EmulatorDevice Device { get; } = device;
    public XclbinFile Xclbin { get; } = xclbin;

    public IKernelHandle OpenKernel(string name)
    {
        var signature = Xclbin.FindKernel(name);
        if (signature is null)
        {
            string names = string.Join(", ", Xclbin.Kernels.Select(k => k.Name));
            throw new NpuException($"No kernel named '{name}' in xclbin {Xclbin.Uuid}; it has: {(names.Length == 0 ? "none" : names)}.");
        }
        var manifest = Device.ManifestOf(Xclbin.Uuid, name);
        string? missing = null;
        if (!Device.Options.Registry.TryGet(Xclbin.Uuid, name, out var reference))
        {
            if (manifest is null)
                missing = $"no reference is registered for kernel '{name}' of xclbin {Xclbin.Uuid} and no manifest says what it computes; put its <name>.kernel.json beside the xclbin (or register C# with ReferenceKernelRegistry.Register)";
            else if (!Device.Options.Registry.TryCreate(manifest, out reference, out string why))
                missing = $"kernel '{name}' of xclbin {Xclbin.Uuid} cannot run on the emulator: {why} (manifest {manifest.SourcePath}); register C# for it with ReferenceKernelRegistry.Register";
        }
        return new EmulatorKernel(this, signature, reference, manifest, missing);
    }

    public IRunListHandle CreateRunList() => new EmulatorRunList(this);

    public void Dispose() { }
}

internal sealed class EmulatorKernel(EmulatorContext context, XclbinKernel signature, IReferenceKernel? reference, KernelManifest? manifest, string? missingReference) : IKernelHandle
{
    public EmulatorContext Context { get; } = context;
    public XclbinKernel Signature { get; } = signature;
    public IReferenceKernel? Reference { get; } = reference;
    public KernelManifest? Manifest { get; } = manifest;
    /// <summary>Why there is no reference, when there is none.</summary>
    public string? MissingReference { get; } = missingReference;

    // Looked up once: validation runs for every run of a run list, and a search of the signature per run
    // would allocate an enumerator each time (32,768 runs per call in a 512-cube int8 matmul).
    internal XclbinKernelArg? Opcode { get; } = signature.FindArgument("opcode");
    internal XclbinKernelArg? Instructions { get; } = signature.FindArgument("instr");
    internal XclbinKernelArg? InstructionWords { get; } = signature.FindArgument("ninstr");

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

    public IRunHandle CreateRun() => new EmulatorRun(this);

    public void Dispose() { }
}
