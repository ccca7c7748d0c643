using NpuSdk.Xclbin;

namespace NpuSdk.Backends;

// The backend interface mirrors the native shim's C ABI one handle type per XRT object, so the XRT
// backend is a thin mapping and the emulator models exactly the same contract. The public runtime
// objects (Device, Bo, Run, ...) sit on top and add ownership, disposal and counters.

/// <summary>A way to reach an NPU: the XRT shim or the emulator.</summary>
public interface INpuBackend
{
    /// <summary>The backend's name: <c>xrt</c> or <c>emulator</c>.</summary>
    string Name { get; }

    /// <summary>Opens the device at <paramref name="index"/>.</summary>
    /// <exception cref="NpuDeviceNotFoundException">No device at that index.</exception>
    IDeviceHandle OpenDevice(int index);
}

/// <summary>An open device (<c>xrt::device</c>).</summary>
public interface IDeviceHandle : IDisposable
{
    /// <summary>The device's name as its driver reports it (<c>RyzenAI-npu1</c>, <c>RyzenAI-npu4</c>, ...), or null when unknown; it picks the <see cref="NpuDeviceProfile"/>.</summary>
    string? DeviceName => null;

    /// <summary>The driver's live budget of hardware contexts alive at once (amdxdna's <c>npu_task_max</c>), or null when the backend cannot read it.</summary>
    int? ContextLimit => null;

    /// <summary>Hardware contexts alive on the device now, every process's, as the driver counts them (amdxdna's <c>npu_task_curr</c>), or null when the backend cannot read it.</summary>
    int? ContextsInUse => null;

    /// <summary>Registers (XRT 2.14+) or loads (older XRT) an xclbin image.</summary>
    void RegisterXclbin(XclbinFile xclbin);

    /// <summary>Creates a hardware context on a registered xclbin (<c>xrt::hw_context</c>).</summary>
    /// <exception cref="NpuContextBudgetException">The driver refused the context (past its budget of contexts alive at once); the message quotes the driver.</exception>
    IContextHandle CreateHwContext(XclbinUuid uuid);

    /// <summary>Allocates a buffer object (<c>xrt::bo(device, size, flags, group)</c>).</summary>
    IBoHandle AllocateBo(ulong size, BoFlags flags, int group);
}

/// <summary>A hardware context (<c>xrt::hw_context</c>).</summary>
public interface IContextHandle : IDisposable
{
    /// <summary>Opens a kernel by name (<c>xrt::kernel(ctx, name)</c>).</summary>
    IKernelHandle OpenKernel(string name);

    /// <summary>Creates an empty run list (<c>xrt::runlist(ctx)</c>, or the shim's fallback).</summary>
    IRunListHandle CreateRunList();
}

/// <summary>A kernel (<c>xrt::kernel</c>).</summary>
public interface IKernelHandle : IDisposable
{
    /// <summary>The memory group of a buffer argument (<c>kernel.group_id(arg)</c>).</summary>
    int GroupId(int argIndex);

    /// <summary>Creates a run with no arguments bound (<c>xrt::run(kernel)</c>).</summary>
    IRunHandle CreateRun();
}

/// <summary>A buffer object or sub-buffer (<c>xrt::bo</c>).</summary>
public interface IBoHandle : IDisposable
{
    /// <summary>Size in bytes.</summary>
    ulong Size { get; }

    /// <summary>Device address.</summary>
    ulong Address { get; }

    /// <summary>The host view of the buffer; valid until the handle is disposed.</summary>
    Span<byte> Map();

    /// <summary>Syncs <paramref name="size"/> bytes at <paramref name="offset"/> in one direction.</summary>
    void Sync(SyncDirection direction, ulong size, ulong offset);

    /// <summary>Creates a sub-buffer sharing this buffer's storage (<c>xrt::bo(parent, size, offset)</c>).</summary>
    IBoHandle CreateSubBuffer(ulong size, ulong offset);
}

/// <summary>A run: one kernel invocation with bound arguments (<c>xrt::run</c>).</summary>
public interface IRunHandle : IDisposable
{
    /// <summary>Binds a scalar argument from its little-endian bytes (1, 2, 4 or 8 of them).</summary>
    void SetScalar(int argIndex, ReadOnlySpan<byte> value);

    /// <summary>Binds a buffer argument.</summary>
    void SetBuffer(int argIndex, IBoHandle bo);

    /// <summary>Starts the run.</summary>
    void Start();

    /// <summary>Waits up to <paramref name="timeout"/> and returns the state (<c>run.wait(timeout)</c>).</summary>
    CommandState Wait(TimeSpan timeout);

    /// <summary>The current state.</summary>
    CommandState State { get; }

    /// <summary>Aborts the run if it was started and has not finished (<c>run.abort()</c>); returns once the device is done with it.</summary>
    CommandState Abort();

    /// <summary>Why the run last failed, in the backend's words (the emulator gives the reference kernel's exception), or null.</summary>
    RunFailure? LastFailure { get; }
}

/// <summary>A list of runs executed as one submission (<c>xrt::runlist</c>).</summary>
public interface IRunListHandle : IDisposable
{
    /// <summary>Appends a run whose arguments are already bound.</summary>
    void Add(IRunHandle run);

    /// <summary>Submits every run.</summary>
    void Execute();

    /// <summary>Waits up to <paramref name="timeout"/> for every run; returns the first non-completed state, or completed.</summary>
    CommandState Wait(TimeSpan timeout);

    /// <summary>Empties the list.</summary>
    void Reset();

    /// <summary>
    /// Stops an executing list: no further run starts, the runs in flight are aborted, and the call returns once the
    /// device is done with every run, so their buffers may be released. A list that is not executing is left as it is.
    /// </summary>
    void Abort();

    /// <summary>The run that made the last wait report a failure: its position in the list, state and message, or null.</summary>
    RunFailure? LastFailure { get; }
}

/// <summary>A run that failed: its position in its run list (0 for a run started alone), its state, and why.</summary>
/// <param name="Index">The run's position in its list.</param>
/// <param name="State">The state it ended in.</param>
/// <param name="Message">The backend's message (XRT's, or the emulator's reference kernel's), or empty.</param>
/// <param name="Exception">The exception the emulator's reference kernel threw, or null.</param>
public sealed record RunFailure(int Index, CommandState State, string Message, Exception? Exception)
{
    /// <summary>"invocation <paramref name="index"/>[ of <paramref name="call"/>] ended in state S[: message]", for an error message.</summary>
    internal string Describe(int index, string? call = null) =>
        $"invocation {index}{(call is null ? "" : " of " + call)} ended in state {State}{(Message.Length > 0 ? ": " + Message : "")}";
}

/// <summary>
/// Implemented by a run list that may be aborted from another thread while its owner waits on it (the emulator's, whose
/// state is locked). XRT's windowed fallback is driven by the waiting thread alone, so a device does not abort it from
/// outside; its owner's wait ends by completion or by the call's own timeout, which aborts it.
/// </summary>
internal interface IAbortsFromAnyThread { }

/// <summary>
/// Implemented by a backend device that runs kernels from their manifests (the emulator): the manifest says what a
/// kernel of a registered xclbin computes when it runs a given instruction stream. Hardware needs none, so the XRT
/// backend does not implement it; a backend that wraps the emulator (for tracing, counting or fault injection) forwards
/// it, so generated methods' kernels run behind the wrapper as they do on the emulator.
/// </summary>
public interface IAcceptsKernelManifests
{
    /// <summary>
    /// Says what kernel <see cref="KernelModel.KernelManifest.KernelName"/> of the xclbin <paramref name="uuid"/> computes
    /// when its instruction buffer holds <paramref name="instructions"/>. Several manifests may share an xclbin, one per
    /// instruction stream (designs that differ only in shape); with null instructions the manifest is the kernel's only design.
    /// </summary>
    void AddManifest(XclbinUuid uuid, KernelModel.KernelManifest manifest, uint[]? instructions);
}

/// <summary>Implemented by a backend device whose projected timeline a trace can show (the emulator with a latency model).</summary>
internal interface ITracesProjection
{
    /// <summary>Records the projection on <paramref name="recorder"/> from now on, or stops with null.</summary>
    void AttachTrace(Tracing.TraceRecorder? recorder);
}

/// <summary>Optionally implemented by a backend device that can project hardware time (the emulator's latency model).</summary>
public interface IProjectsDeviceTime
{
    /// <summary>The time the work so far would have taken on the modelled NPU, or null when no model is set.</summary>
    TimeSpan? ProjectedTime { get; }
}
