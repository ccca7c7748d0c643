using NpuSdk.Backends;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Launch;

/// <summary>
/// A kernel ready to launch on one device: its xclbin registered, its instruction stream read, and every argument
/// matched with the manifest (opcode, instructions, word count, data buffers, unused buffers, scalars). It holds no
/// hardware context of its own: <see cref="Acquire"/> pins the xclbin's context in the device's cache (shared by every
/// method and session using the xclbin, opened or reopened there within the device's budget) and opens the kernel on it
/// when the context is new. The instruction buffer is the device's and survives evictions: it is written and synced once.
/// Runs are bound from this, so the mlir-aie ABI (<c>opcode, instr, ninstr, bo0..bo4</c>) and older layouts
/// (<c>instr, ninstr, in, tmp, out</c>) both work.
/// </summary>
internal sealed class LoadedKernel : IDisposable
{
    private readonly object _gate = new();
    private readonly Device _device;
    private readonly string _kernelName;
    private readonly uint[]? _words;
    private Bo? _instructions;
    private Kernel? _kernel;
    private bool _disposed;

    internal LoadedKernel(Device device, KernelBinding binding, string baseDirectory, KernelFiles? files = null)
    {
        var d = binding.Descriptor;
        _device = device;
        _kernelName = d.KernelName;
        string xclbinPath = Path.Combine(baseDirectory, d.XclbinPath);
        if (files?.Xclbin(d.XclbinPath) is null && !File.Exists(xclbinPath))
            throw new FileNotFoundException($"{d.Method}: the xclbin '{d.XclbinPath}' is not in {baseDirectory}; add it to the project as an AdditionalFiles item (NpuSdk.props copies *.xclbin to the output).", xclbinPath);
        var xclbin = files?.Xclbin(d.XclbinPath) ?? XclbinFile.ReadFile(xclbinPath);
        // The file checked is the file loaded: a replaced or rebuilt xclbin has another uuid.
        if (xclbin.Uuid != binding.Uuid)
            throw new NpuException($"{d.Method}: the xclbin '{d.XclbinPath}' in {baseDirectory} has uuid {xclbin.Uuid}, but the build checked '{d.XclbinPath}' with uuid {binding.Uuid}: " +
                "the file was replaced after the build. Rebuild the project, so that the generator checks the file the program loads, or put back the file it was built against.");
        var signature = xclbin.FindKernel(d.KernelName)
            ?? throw new NpuException($"{d.Method}: the xclbin '{d.XclbinPath}' has no kernel '{d.KernelName}'; it has {string.Join(", ", xclbin.Kernels.Select(k => k.Name))}.");
        try
        {
            Arguments = d.Design.Bind(KernelAbi.Arguments(signature), binding.Manifest);
        }
        catch (KernelManifestException e)
        {
            throw new NpuException($"{d.Method}: the xclbin '{d.XclbinPath}' does not fit the method's design: {e.Reason}. Rebuild the project.", e);
        }
        if (Arguments.FirstOrDefault(a => a.Use == ArgumentUse.Instructions) is not null)
        {
            if (d.InstructionsPath.Length == 0) throw new NpuException($"{d.Method}: kernel '{d.KernelName}' takes an instruction buffer, but no instruction file was given.");
            _words = files?.Instructions(d.InstructionsPath) ?? InstructionStream.LoadFile(Path.Combine(baseDirectory, d.InstructionsPath)).ToArray();
        }

        XclbinName = d.XclbinPath;
        Uuid = device.RegisterXclbin(xclbin, binding.Manifest, _words);
        Binding = binding;
        _fixedScalars = Arguments.Select(a => a.Use switch
            {
                ArgumentUse.Opcode => (a.Argument, KernelAbi.RunInstructionsOpcode),
                ArgumentUse.InstructionCount => (a.Argument, (ulong)(_words?.Length ?? 0)),
                ArgumentUse.Scalar when binding.Manifest.Scalars[a.Target].Value is double value => (a.Argument, ScalarBits(binding.Manifest.Scalars[a.Target].Type, value)),
                _ => default((KernelArgumentInfo, ulong)?),
            })
            .Where(f => f is not null).Select(f => f!.Value).ToArray();
        _instructionsArg = Arguments.FirstOrDefault(a => a.Use == ArgumentUse.Instructions)?.Argument.Index ?? -1;
    }

    // What every run of the kernel binds the same way, worked out once rather than for each of a plan's runs.
    private readonly (KernelArgumentInfo Arg, ulong Bits)[] _fixedScalars;
    private readonly int _instructionsArg;

    internal KernelBinding Binding { get; }
    internal IReadOnlyList<ArgumentBinding> Arguments { get; }
    internal Device Device => _device;

    /// <summary>The registered xclbin's uuid: the key of its context in the device's cache.</summary>
    internal XclbinUuid Uuid { get; }

    /// <summary>The xclbin's path as the method names it, for messages.</summary>
    internal string XclbinName { get; }

    /// <summary>
    /// Pins the xclbin's context (opening it, or reopening it after an eviction, within the device's budget; waiting up
    /// to <paramref name="timeout"/> while every context is busy) and returns it with this kernel opened on it.
    /// </summary>
    /// <exception cref="NpuContextBudgetException">No context could be had in time.</exception>
    internal KernelLease Acquire(TimeSpan timeout)
    {
        var lease = _device.Contexts.Acquire(Uuid, XclbinName, timeout);
        try
        {
            return new KernelLease(lease, KernelOn(lease.Context));
        }
        catch
        {
            lease.Release();
            throw;
        }
    }

    /// <summary>
    /// This kernel opened on <paramref name="context"/>, a context of its xclbin the caller has pinned (another kernel of
    /// the same xclbin did, for a recorded submission): opened when the context is new to it.
    /// </summary>
    internal Kernel KernelOn(HwContext context)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A new context: the first call, or the old one was evicted with the kernel on it.
            if (_kernel is null || _kernel.Context != context) _kernel = new Kernel(context, _kernelName);
            if (_instructions is null && _words is not null) _instructions = WriteInstructions(_kernel, _words);
            return _kernel;
        }
    }

    private Bo WriteInstructions(Kernel kernel, uint[] words)
    {
        var bo = new Bo(_device, (ulong)words.Length * 4, BoFlags.Cacheable, kernel.GroupId(_instructionsArg));
        try
        {
            words.AsSpan().CopyTo(bo.Map<uint>());
            bo.Sync(SyncDirection.ToDevice);
            return bo;
        }
        catch
        {
            bo.Dispose();
            throw;
        }
    }

    /// <summary>Binds what every run of the kernel shares: the fixed scalars (the opcode, the instruction count) and the instructions.</summary>
    internal void BindFixed(PlanRuns runs)
    {
        foreach (var (arg, bits) in _fixedScalars) runs.SetScalar(arg, bits);
        if (_instructionsArg >= 0) runs.SetBuffer(_instructionsArg, _instructions!);
    }

    internal static ulong ScalarBits(ScalarType type, double value) => type switch
    {
        ScalarType.Float32 => BitConverter.SingleToUInt32Bits((float)value),
        ScalarType.Int32 => unchecked((uint)(int)value),
        ScalarType.Int64 => unchecked((ulong)(long)value),
        ScalarType.UInt32 => (uint)value,
        _ => (ulong)value,
    };

    /// <summary>Releases the kernel and the instruction buffer; the context stays in the device's cache for other users.</summary>
    public void Dispose()
    {
        Kernel? kernel;
        Bo? instructions;
        lock (_gate)
        {
            _disposed = true;
            (kernel, instructions) = (_kernel, _instructions);
            (_kernel, _instructions) = (null, null);
        }
        kernel?.Dispose();
        instructions?.Dispose();
    }
}

/// <summary>A pinned context with the kernel opened on it: what a call builds and submits its runs on.</summary>
internal readonly record struct KernelLease(ContextLease Context, Kernel Kernel)
{
    /// <summary>Unpins the context.</summary>
    public void Release() => Context.Release();
}
