using System.Buffers.Binary;
using NpuSdk.Backends;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>
/// A run on the emulator. It executes synchronously at start, after checking the bound arguments against the
/// kernel's signature the way the hardware would fail on them.
/// </summary>
/// <remarks>
/// Buffer arguments follow XRT: one may be left unbound or given a scalar 0 (IRON's host code passes <c>0</c> for the
/// <c>bo3</c>, <c>bo4</c> a design does not use), which is a null address; XRT's no-op device also takes any other raw
/// address. The emulator accepts all of these and fails the run only if the kernel touches such a buffer. Unbound
/// scalars are 0, as in XRT's zero-filled command.
/// </remarks>
internal sealed class EmulatorRun : IRunHandle
{
    private readonly EmulatorKernel _kernel;
    private readonly EmulatorBo?[] _buffers;
    private readonly ulong[] _scalars;
    private CommandState _state = CommandState.New;
    // Bindings only change through SetScalar/SetBuffer, so a run re-executed from a cached plan is checked once, not per call.
    private bool _validated;

    public EmulatorRun(EmulatorKernel kernel)
    {
        _kernel = kernel;
        int n = kernel.Signature.Arguments.Count;
        _buffers = new EmulatorBo?[n];
        _scalars = new ulong[n];
    }

    public XclbinKernel Signature => _kernel.Signature;
    public EmulatorContext Context => _kernel.Context;
    public KernelManifest? Manifest => _kernel.Manifest;
    public CommandState State => _state;
    public string? FailureMessage { get; private set; }
    public Exception? Failure { get; private set; }

    public void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        var arg = _kernel.Argument(argIndex);
        if (value.Length is not (1 or 2 or 4 or 8))
            throw Binding(arg, $"a scalar has 1, 2, 4 or 8 bytes, not {value.Length}.");
        if (!arg.IsBuffer && arg.Size != 0 && (ulong)value.Length > arg.Size)
            throw Binding(arg, $"a {value.Length}-byte value does not fit the {arg.Size}-byte argument ({arg.HostType}).");
        ulong v = 0;
        for (int i = value.Length - 1; i >= 0; i--) v = (v << 8) | value[i];
        // On a buffer argument the value is a raw device address; 0 is a null buffer.
        _scalars[argIndex] = v;
        _buffers[argIndex] = null;
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
        _scalars[argIndex] = 0;
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
            if (arg.IsBuffer && _buffers[i] is { } bo && arg.MemoryGroup is int group && bo.Storage.Group != group)
                throw Binding(arg, $"the buffer object was allocated in memory group {bo.Storage.Group}, but the kernel's connectivity puts this argument in group {group}; allocate it with kernel.GroupId({i}).");
        }

        var opcode = _kernel.Opcode;
        if (opcode is { IsBuffer: false } && _scalars[opcode.Index] != KernelAbi.RunInstructionsOpcode)
            throw Binding(opcode, $"the opcode is {_scalars[opcode.Index]}; NPU designs are launched with opcode {KernelAbi.RunInstructionsOpcode} (run the instruction stream).");

        var instr = _kernel.Instructions;
        if (instr is { IsBuffer: true })
        {
            var bo = _buffers[instr.Index]
                ?? throw Binding(instr, "no instruction buffer is bound; the NPU has nothing to run.");
            if ((bo.Storage.Flags & BoFlags.Cacheable) == 0)
                throw Binding(instr, $"the instruction buffer must be allocated with BoFlags.Cacheable (it has {bo.Storage.Flags}).");
            int expectedGroup = instr.MemoryGroup ?? 1;
            if (bo.Storage.Group != expectedGroup)
                throw Binding(instr, $"the instruction buffer must be in memory group {expectedGroup}, not {bo.Storage.Group}.");
            if (_kernel.InstructionWords is { IsBuffer: false } ninstr) CheckInstructionCount(ninstr, bo);
        }

        if (_kernel.Reference is null)
            throw new NpuException($"The emulator cannot run this kernel: {_kernel.MissingReference}.");
        _validated = true;
    }

    // Older (DPU word) streams are read for ninstr words. A binary transaction stream carries its own length in its
    // header and the firmware walks it by that; hosts pass either its word count or its byte size (IRON scripts for
    // transaction streams pass the byte size and run on hardware), so both are accepted.
    private void CheckInstructionCount(XclbinKernelArg ninstr, EmulatorBo instructions)
    {
        ulong count = _scalars[ninstr.Index];
        if (count == 0) throw Binding(ninstr, "the instruction word count is 0; pass the number of 32-bit words in the instruction stream.");
        var stream = instructions.DeviceSpan();
        if (TransactionSize(stream) is uint total)
        {
            if (total > (ulong)stream.Length)
                throw Binding(ninstr, $"the instruction buffer holds {stream.Length} bytes, but its transaction header says the stream has {total}.");
            if (count != total / 4 && count != total)
                throw Binding(ninstr, $"ninstr is {count}; for this {total}-byte transaction stream pass its word count ({total / 4}) or its byte size ({total}).");
            return;
        }
        if (count * 4 > (ulong)stream.Length)
            throw Binding(ninstr, $"{count} instruction words need {count * 4} bytes, but the instruction buffer holds {stream.Length}.");
    }

    /// <summary>The total size a binary transaction header states (<c>00 01 devgen rows cols memrows 00 00</c>, u32 ops, u32 size), or null.</summary>
    private static uint? TransactionSize(ReadOnlySpan<byte> d)
    {
        if (d.Length < 16 || d[0] != 0 || d[1] != 1 || d[6] != 0 || d[7] != 0) return null;
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]);
        return total >= 16 ? total : null;
    }

    /// <summary>Runs the reference implementation on the device views; any failure becomes the Error state with its message.</summary>
    internal void Execute()
    {
        _state = CommandState.Running;
        try
        {
            _kernel.Reference!.Execute(new ReferenceInvocation(this));
            _state = CommandState.Completed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            FailureMessage = e.Message;
            Failure = e;
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
        if (!arg.IsBuffer) throw Binding(arg, "the reference kernel asked for a buffer, but it is a scalar.");
        if (_buffers[argIndex] is { } bo) return bo.DeviceSpan();
        throw Binding(arg, _scalars[argIndex] == 0
            ? "the kernel reads or writes this buffer, but nothing is bound to it (an unused buffer)."
            : $"the kernel reads or writes this buffer, but it is bound to the raw address 0x{_scalars[argIndex]:x}, not to a buffer object.");
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
