using NpuSdk.Backends;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>
/// A run on the emulator. It executes synchronously at start, after checking the bound arguments
/// against the kernel's signature the way the hardware would fail on them.
/// </summary>
internal sealed class EmulatorRun : IRunHandle
{
    private readonly EmulatorKernel _kernel;
    private readonly EmulatorBo?[] _buffers;
    private readonly ulong[] _scalars;
    private readonly bool[] _bound;
    private CommandState _state = CommandState.New;
    // Bindings only change through SetScalar/SetBuffer, so a run re-executed from a cached plan is checked once, not per call.
    private bool _validated;

    public EmulatorRun(EmulatorKernel kernel)
    {
        _kernel = kernel;
        int n = kernel.Signature.Arguments.Count;
        _buffers = new EmulatorBo?[n];
        _scalars = new ulong[n];
        _bound = new bool[n];
    }

    public XclbinKernel Signature => _kernel.Signature;
    public EmulatorContext Context => _kernel.Context;
    public CommandState State => _state;
    public string? FailureMessage { get; private set; }

    public void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        var arg = _kernel.Argument(argIndex);
        if (arg.IsBuffer)
            throw Binding(arg, $"it is a buffer ({arg.HostType}); bind a buffer object, not a {value.Length}-byte scalar.");
        if (value.Length is not (1 or 2 or 4 or 8))
            throw Binding(arg, $"a scalar has 1, 2, 4 or 8 bytes, not {value.Length}.");
        if (arg.Size != 0 && (ulong)value.Length > arg.Size)
            throw Binding(arg, $"a {value.Length}-byte value does not fit the {arg.Size}-byte argument ({arg.HostType}).");
        ulong v = 0;
        for (int i = value.Length - 1; i >= 0; i--) v = (v << 8) | value[i];
        _scalars[argIndex] = v;
        _buffers[argIndex] = null;
        _bound[argIndex] = true;
        _validated = false;
    }

    public void SetBuffer(int argIndex, IBoHandle bo)
    {
        var arg = _kernel.Argument(argIndex);
        if (!arg.IsBuffer)
            throw Binding(arg, $"it is a scalar ({arg.HostType}); bind a value, not a buffer object.");
        if (bo is not EmulatorBo ebo || ebo.Storage.Device != Context.Device)
            throw Binding(arg, "the buffer object belongs to another device or backend.");
        _buffers[argIndex] = ebo;
        _bound[argIndex] = true;
        _validated = false;
    }

    /// <summary>Checks what the hardware needs before it can run this invocation.</summary>
    internal void Validate()
    {
        if (_validated) return;
        var args = Signature.Arguments;
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!_bound[i]) throw Binding(arg, $"not bound; the kernel takes {args.Count} arguments and every one must be set before a start.");
            if (arg.IsBuffer && arg.MemoryGroup is int group && _buffers[i]!.Storage.Group != group)
                throw Binding(arg, $"the buffer object was allocated in memory group {_buffers[i]!.Storage.Group}, but the kernel's connectivity puts this argument in group {group}; allocate it with kernel.GroupId({i}).");
        }

        var opcode = _kernel.Opcode;
        if (opcode is { IsBuffer: false } && _scalars[opcode.Index] != 3)
            throw Binding(opcode, $"the opcode is {_scalars[opcode.Index]}; NPU designs are launched with opcode 3 (run the instruction stream).");

        var instr = _kernel.Instructions;
        var ninstr = _kernel.InstructionWords;
        if (instr is { IsBuffer: true })
        {
            var bo = _buffers[instr.Index]!;
            if ((bo.Storage.Flags & BoFlags.Cacheable) == 0)
                throw Binding(instr, $"the instruction buffer must be allocated with BoFlags.Cacheable (it has {bo.Storage.Flags}).");
            int expectedGroup = instr.MemoryGroup ?? 1;
            if (bo.Storage.Group != expectedGroup)
                throw Binding(instr, $"the instruction buffer must be in memory group {expectedGroup}, not {bo.Storage.Group}.");
            if (ninstr is { IsBuffer: false })
            {
                ulong words = _scalars[ninstr.Index];
                if (words == 0) throw Binding(ninstr, "the instruction word count is 0; pass the number of 32-bit words in the instruction stream.");
                if (words * 4 > bo.Size)
                    throw Binding(ninstr, $"{words} instruction words need {words * 4} bytes, but the instruction buffer holds {bo.Size}.");
            }
        }

        if (_kernel.Reference is null)
            throw new NpuException($"The emulator has no reference implementation for kernel '{Signature.Name}' of xclbin {Context.Xclbin.Uuid}; register one with ReferenceKernelRegistry.Register.");
        _validated = true;
    }

    /// <summary>Runs the reference implementation on the device views; a failure becomes the Error state.</summary>
    internal void Execute()
    {
        _state = CommandState.Running;
        try
        {
            _kernel.Reference!.Execute(new ReferenceInvocation(this));
            _state = CommandState.Completed;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            FailureMessage = e.Message;
            _state = CommandState.Error;
        }
    }

    public void Start()
    {
        Validate();
        Execute();
        if (Context.Device.Latency is { } m) Context.Device.Charge(m.PerRunAlone.TotalSeconds + m.ComputeSeconds(_kernel.Reference!, 1));
    }

    internal void StartInChain()
    {
        Execute();
    }

    internal IReferenceKernel Reference => _kernel.Reference!;

    public CommandState Wait(TimeSpan timeout) => _state;

    public Span<byte> DeviceView(int argIndex)
    {
        var arg = _kernel.Argument(argIndex);
        var bo = _buffers[argIndex] ?? throw Binding(arg, "the reference kernel asked for a buffer that is not bound.");
        return bo.DeviceSpan();
    }

    public ulong ScalarValue(int argIndex)
    {
        var arg = _kernel.Argument(argIndex);
        if (arg.IsBuffer) throw Binding(arg, "the reference kernel asked for a scalar, but it is a buffer.");
        return _scalars[argIndex];
    }

    // Reference kernels look their buffers up by name on every invocation; an indexed loop keeps that
    // allocation-free (a foreach over the IReadOnlyList would allocate an enumerator per lookup).
    public int ArgIndex(string name)
    {
        var args = Signature.Arguments;
        for (int i = 0; i < args.Count; i++)
            if (args[i].Name == name) return args[i].Index;
        throw new ArgumentException($"Kernel '{Signature.Name}' has no argument named '{name}'.", nameof(name));
    }

    private NpuArgumentBindingException Binding(XclbinKernelArg arg, string reason) => new(Signature.Name, arg.Index, arg.Name, reason);

    public void Dispose() { }
}

/// <summary>A run list on the emulator: validates every run, then executes them in order as one submission.</summary>
internal sealed class EmulatorRunList(EmulatorContext context) : IRunListHandle
{
    private readonly List<EmulatorRun> _runs = new();
    private CommandState _state = CommandState.New;

    public void Add(IRunHandle run)
    {
        if (run is not EmulatorRun er || er.Context != context)
            throw new NpuException("A run list only takes runs of kernels in its own hardware context.");
        _runs.Add(er);
    }

    public void Execute()
    {
        foreach (var run in _runs) run.Validate();
        _state = CommandState.Completed;
        foreach (var run in _runs)
        {
            run.StartInChain();
            if (run.State != CommandState.Completed && _state == CommandState.Completed) _state = run.State;
        }
        if (context.Device.Latency is { } m)
        {
            double seconds = _runs.Count * m.PerRunInChain.TotalSeconds;
            foreach (var run in _runs) seconds += m.ComputeSeconds(run.Reference, 1);
            context.Device.Charge(seconds);
        }
    }

    public CommandState Wait(TimeSpan timeout) => _state;

    public void Reset()
    {
        _runs.Clear();
        _state = CommandState.New;
    }

    public void Dispose() => _runs.Clear();
}
