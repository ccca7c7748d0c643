using NpuSdk.Backends;

namespace NpuSdk;

/// <summary>Base type of the SDK's runtime errors.</summary>
public class NpuException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NpuException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A command (run or run list) ended in a state other than completed.</summary>
public sealed class NpuCommandFailedException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public NpuCommandFailedException(string message, CommandState state) : this(message, state, null, null, null) { }

    /// <summary>Creates the exception for a run of <paramref name="kernel"/>, naming which invocation failed and why.</summary>
    public NpuCommandFailedException(string message, CommandState state, string? kernel, int? invocation, Exception? inner)
        : base(message, inner)
    {
        State = state;
        Kernel = kernel;
        Invocation = invocation;
    }

    /// <summary>
    /// For a run list whose wait reported <paramref name="failure"/> (or only <paramref name="state"/>): its run's state,
    /// the failed <paramref name="invocation"/>, the backend's exception and what the device reported.
    /// </summary>
    internal NpuCommandFailedException(string message, CommandState state, string? kernel, RunFailure? failure, int invocation)
        : this(message, failure?.State ?? state, kernel, failure is null ? null : invocation, failure?.Exception)
    {
        DeviceReport = failure is { Message.Length: > 0 } ? failure.Message : null;
    }

    /// <summary>The state the command ended in.</summary>
    public CommandState State { get; }

    /// <summary>The kernel whose run failed, when known.</summary>
    public string? Kernel { get; }

    /// <summary>The failed run's position in its run list (the invocation of a generated call), when the backend says.</summary>
    public int? Invocation { get; }

    /// <summary>
    /// What the device or its runtime reported about the failed run, beyond its state, when it reported anything: XRT's
    /// <c>xrt::runlist::command_error</c> text, with the AIE context health words of <c>xrt::runlist::aie_error</c> where
    /// the XRT version reports them, or the emulator's message for the run.
    /// </summary>
    public string? DeviceReport { get; init; }
}

/// <summary>A wait ran out of time before the command completed.</summary>
public sealed class NpuTimeoutException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public NpuTimeoutException(string message, CommandState state) : this(message, state, null) { }

    /// <summary>Creates the exception for a run of <paramref name="kernel"/>.</summary>
    public NpuTimeoutException(string message, CommandState state, string? kernel) : base(message)
    {
        State = state;
        Kernel = kernel;
    }

    /// <summary>The state when the wait gave up.</summary>
    public CommandState State { get; }

    /// <summary>The kernel whose runs did not complete, when known.</summary>
    public string? Kernel { get; }
}

/// <summary>A backend cannot be used on this machine; the message says what to install.</summary>
public sealed class NpuBackendUnavailableException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public NpuBackendUnavailableException(string backend, string reason, string installHint, Exception? inner = null)
        : base($"The '{backend}' backend is unavailable: {reason} {installHint}", inner)
    {
        Backend = backend;
        InstallHint = installHint;
    }

    /// <summary>The backend's name (<c>xrt</c>, <c>emulator</c>).</summary>
    public string Backend { get; }

    /// <summary>What to install or set to make it available.</summary>
    public string InstallHint { get; }
}

/// <summary>The backend works but there is no NPU device at the requested index.</summary>
public sealed class NpuDeviceNotFoundException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public NpuDeviceNotFoundException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// No hardware context could be had: the device's budget of contexts alive at once (6 on npu1, 16 on the npu4 family,
/// system-wide) is used up by contexts that cannot be released now. The message names the budget, this process's live
/// contexts and what to do; <c>xrt-smi examine --report aie-partitions</c> shows which processes hold the rest.
/// </summary>
public sealed class NpuContextBudgetException : NpuException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and what to do.</param>
    /// <param name="budget">The budget of contexts alive at once, when known.</param>
    /// <param name="liveContexts">This process's live contexts on the device, each in words (xclbin, and why it cannot be released).</param>
    /// <param name="inner">The driver's refusal, when the driver refused.</param>
    public NpuContextBudgetException(string message, int? budget, IReadOnlyList<string> liveContexts, Exception? inner = null) : base(message, inner)
    {
        ArgumentNullException.ThrowIfNull(liveContexts);
        Budget = budget;
        LiveContexts = liveContexts;
    }

    /// <summary>How many hardware contexts the device allows alive at once, when known.</summary>
    public int? Budget { get; }

    /// <summary>This process's live contexts on the device when the context was refused, each in words.</summary>
    public IReadOnlyList<string> LiveContexts { get; }

    /// <summary>The command that shows every process's contexts on the device.</summary>
    public const string InspectCommand = "xrt-smi examine --report aie-partitions";
}
