using System.Buffers.Binary;
using System.Diagnostics;
using NpuSdk.Backends;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>
/// A run on the emulator. A start checks the bound arguments against the kernel's signature the way the hardware would
/// fail on them, then queues the run for the device's worker, which executes it after everything submitted before it.
/// </summary>
/// <remarks>
/// Buffer arguments follow XRT: one may be left unbound or given a scalar 0 (IRON's host code passes <c>0</c> for the
/// <c>bo3</c>, <c>bo4</c> a design does not use), which is a null address; XRT's no-op device also takes any other raw
/// address. The emulator accepts all of these and fails the run only if the kernel touches such a buffer. Unbound
/// scalars are 0, as in XRT's zero-filled command.
/// </remarks>
internal sealed class EmulatorRun : EmulatorSubmission, IRunHandle
{
    private readonly EmulatorKernel _kernel;
    private readonly EmulatorBo?[] _buffers;
    private readonly ulong[] _scalars;
    private volatile CommandState _state = CommandState.New;
    // Bindings only change through SetScalar/SetBuffer, so a run re-executed from a cached plan is checked once, not per call.
    private bool _validated;
    // The design the bound instruction stream selects, chosen when the run is validated.
    private RunnableDesign? _design;
    private int _disposed;

    public EmulatorRun(EmulatorKernel kernel) : base(kernel.Context.Device)
    {
        _kernel = kernel;
        int n = kernel.Signature.Arguments.Count;
        _buffers = new EmulatorBo?[n];
        _scalars = new ulong[n];
    }

    public XclbinKernel Signature => _kernel.Signature;
    public EmulatorContext Context => _kernel.Context;
    public KernelManifest? Manifest => _design?.Manifest;
    public CommandState State => _state;
    public string? FailureMessage { get; private set; }
    public Exception? FailureException { get; private set; }

    /// <summary>The run list the run belongs to; a listed run is never started alone (XRT's rule).</summary>
    internal EmulatorRunList? List { get; set; }

    protected override int RunCount => 1;
    protected override EmulatorRun RunAt(int index) => this;

    internal void SetState(CommandState state) => _state = state;

    public void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        var arg = _kernel.Argument(argIndex);
        RefuseWhileInFlight(arg);
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
        RefuseWhileInFlight(arg);
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
        ReadOnlySpan<byte> stream = default;
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
            stream = bo.DeviceSpan();
        }

        _design = _kernel.DesignFor(stream);
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

    // The device reads a run's arguments when it executes it, so they are fixed from start to completion.
    private void RefuseWhileInFlight(XclbinKernelArg arg)
    {
        if (InFlight || List?.InFlight == true)
            throw Binding(arg, "the run has been started and has not completed; wait for it before binding its arguments again.");
    }

    /// <summary>
    /// Waits <paramref name="latency"/> or until <paramref name="abort"/> is set (true). An event waits whole
    /// milliseconds (0.3 ms would be no wait at all), so the part under a millisecond is slept with the system's
    /// high-resolution sleep (<see cref="PreciseSleep"/>), which leaves the core to the host as a device would.
    /// </summary>
    private static bool WaitOut(TimeSpan latency, ManualResetEventSlim abort)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(latency.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            double remainingMs = (deadline - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (remainingMs <= 0 || abort.IsSet) return abort.IsSet;
            if (remainingMs >= 2)
            {
                if (abort.Wait((int)remainingMs - 1)) return true;
            }
            else PreciseSleep.For(Math.Min(remainingMs, 0.5));
        }
    }

    /// <summary>
    /// Executes the invocation on the device's worker: waits out the modelled latency, applies an injected fault, runs the
    /// reference on the device views. Any exception of the reference becomes the Error state with the exception kept.
    /// </summary>
    internal CommandState ExecuteOnWorker(int invocation, EmulatorOptions options, ManualResetEventSlim abort)
    {
        _state = CommandState.Running;
        FailureMessage = null;
        FailureException = null;
        if (options.RunLatency > TimeSpan.Zero && WaitOut(options.RunLatency, abort)) return _state = CommandState.Abort;
        switch (options.Faults?.Take(Signature.Name, invocation))
        {
            case EmulatorFaultKind.Error:
                FailureMessage = $"an injected fault failed invocation {invocation} of kernel '{Signature.Name}'";
                return _state = CommandState.Error;
            case EmulatorFaultKind.Abort:
                FailureMessage = $"an injected fault aborted invocation {invocation} of kernel '{Signature.Name}'";
                return _state = CommandState.Abort;
            case EmulatorFaultKind.NeverComplete:
                abort.Wait();
                FailureMessage = $"invocation {invocation} of kernel '{Signature.Name}' hung (an injected fault) and was aborted";
                return _state = CommandState.Abort;
            case EmulatorFaultKind.Throw:
                return Fail(new EmulatorInjectedFaultException($"an injected fault threw in invocation {invocation} of kernel '{Signature.Name}'"));
        }
        try
        {
            if (!options.CountsOnly) _design!.Reference!.Execute(new ReferenceInvocation(this));
            return _state = CommandState.Completed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(e);
        }
    }

    private CommandState Fail(Exception e)
    {
        FailureMessage = $"kernel '{Signature.Name}' failed: {e.Message}";
        FailureException = e;
        return _state = CommandState.Error;
    }

    public void Start()
    {
        if (List is not null)
            throw new NpuException($"A run of kernel '{Signature.Name}' that is in a run list cannot be started on its own (XRT's rule); execute the list.");
        if (InFlight)
            throw new NpuException($"The run of kernel '{Signature.Name}' is already started; wait for it before starting it again.");
        Validate();
        if (Context.Device.Timeline is { } timeline)
            ProjectedCompletion = timeline.Submit(1, EmulatorDevice.ComputeSeconds(timeline.Model, this), chained: false);
        Submit();
    }

    /// <summary>The design's reference, or null on a counting emulator running a design it has no reference for.</summary>
    internal IReferenceKernel? Reference => _design?.Reference;

    public CommandState Wait(TimeSpan timeout) => WaitProjected(timeout);

    public CommandState Abort()
    {
        AbortAndWait();
        return _state;
    }

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

    // A disposed run may still be queued or running: the device finishes with it before its handle goes.
    public void Dispose()
    {
        AbortAndWait();
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Context.ReleaseReference();
    }
}

/// <summary>
/// A run list on the emulator: validates every run, then queues them as one submission the worker executes in order.
/// XRT's rules hold: a run joins one list, a listed run is not started alone, and a list that is executing is not
/// changed, executed again or reset.
/// </summary>
internal sealed class EmulatorRunList(EmulatorContext context) : EmulatorSubmission(context.Device), IRunListHandle, IAbortsFromAnyThread
{
    private readonly List<EmulatorRun> _runs = new();

    protected override int RunCount => _runs.Count;
    protected override EmulatorRun RunAt(int index) => _runs[index];

    public void Add(IRunHandle run)
    {
        if (run is not EmulatorRun er || er.Context != context)
            throw new NpuException("A run list only takes runs of kernels in its own hardware context.");
        RefuseWhileExecuting("add a run to");
        if (er.List is not null) throw new NpuException($"The run of kernel '{er.Signature.Name}' is already in a run list; a run joins one list (XRT's rule).");
        if (er.InFlight) throw new NpuException($"The run of kernel '{er.Signature.Name}' is started on its own and has not completed; it cannot join a run list.");
        er.List = this;
        _runs.Add(er);
    }

    public void Execute()
    {
        RefuseWhileExecuting("execute");
        foreach (var run in _runs) run.Validate();
        if (_runs.Count == 0) return;
        if (context.Device.Timeline is { } timeline)
        {
            double compute = 0;
            foreach (var run in _runs) compute += EmulatorDevice.ComputeSeconds(timeline.Model, run);
            ProjectedCompletion = timeline.Submit(_runs.Count, compute, chained: true);
        }
        Submit();
    }

    public CommandState Wait(TimeSpan timeout) => _runs.Count == 0 ? CommandState.Completed : WaitProjected(timeout);

    public void Reset()
    {
        RefuseWhileExecuting("reset");
        foreach (var run in _runs) run.List = null;
        _runs.Clear();
    }

    public void Abort() => AbortAndWait();

    private void RefuseWhileExecuting(string what)
    {
        if (InFlight) throw new NpuException($"Cannot {what} a run list that is executing; wait for it (or abort it) first.");
    }

    public void Dispose()
    {
        AbortAndWait();
        foreach (var run in _runs) run.List = null;
        _runs.Clear();
        if (Interlocked.Exchange(ref _disposed, 1) == 0) context.ReleaseReference();
    }

    private int _disposed;
}
