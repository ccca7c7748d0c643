namespace NpuSdk.Xrt;

/// <summary>Buffer object flags, with XRT's values (<c>xrt::bo::flags</c>).</summary>
[Flags]
public enum BoFlags : uint
{
    /// <summary>Ordinary device buffer.</summary>
    Normal = 0,
    /// <summary>Cacheable host memory; instruction buffers use it.</summary>
    Cacheable = 1u << 24,
    /// <summary>Memory only the device sees.</summary>
    DeviceOnly = 1u << 28,
    /// <summary>Host memory the device reaches; NPU data buffers use it.</summary>
    HostOnly = 1u << 29,
    /// <summary>Peer-to-peer.</summary>
    P2p = 1u << 30,
    /// <summary>Shared virtual memory.</summary>
    Svm = 1u << 27,
}

/// <summary>Direction of a buffer sync (XRT's <c>xclBOSyncDirection</c>).</summary>
public enum SyncDirection
{
    /// <summary>Make host writes visible to the device.</summary>
    ToDevice = 0,
    /// <summary>Make device writes visible to the host.</summary>
    FromDevice = 1,
}

/// <summary>State of a command (XRT's <c>ert_cmd_state</c>, same values).</summary>
public enum CommandState
{
    /// <summary>Created, not submitted.</summary>
    New = 1,
    /// <summary>Queued.</summary>
    Queued = 2,
    /// <summary>Running.</summary>
    Running = 3,
    /// <summary>Finished successfully.</summary>
    Completed = 4,
    /// <summary>Failed.</summary>
    Error = 5,
    /// <summary>Aborted.</summary>
    Abort = 6,
    /// <summary>Submitted.</summary>
    Submitted = 7,
    /// <summary>Timed out and reset.</summary>
    Timeout = 8,
    /// <summary>Timed out, and the reset failed.</summary>
    NoResponse = 9,
    /// <summary>Soft kernel error.</summary>
    SoftKernelError = 10,
    /// <summary>Soft kernel crashed.</summary>
    SoftKernelCrashed = 11,
}

/// <summary>Helpers for <see cref="CommandState"/>.</summary>
public static class CommandStateExtensions
{
    /// <summary>
    /// Throws unless the state is <see cref="CommandState.Completed"/>: <see cref="NpuTimeoutException"/> for a
    /// timeout, <see cref="NpuCommandFailedException"/> otherwise. Use it on the value a wait returns.
    /// </summary>
    /// <param name="state">The state a wait returned.</param>
    /// <param name="what">What was waited on, for the message (e.g. "run list of 32768 runs").</param>
    public static void ThrowIfNotCompleted(this CommandState state, string what = "run")
    {
        if (state == CommandState.Completed) return;
        if (state.IsPending()) throw new NpuTimeoutException($"The {what} did not complete in time (state {state}).", state);
        throw new NpuCommandFailedException($"The {what} ended in state {state}.", state);
    }

    /// <summary>The state's name, as XRT's <c>ERT_CMD_STATE_*</c> reads without the prefix (a constant: nothing allocated).</summary>
    internal static string Name(this CommandState state) => state switch
    {
        CommandState.New => "New",
        CommandState.Queued => "Queued",
        CommandState.Running => "Running",
        CommandState.Completed => "Completed",
        CommandState.Error => "Error",
        CommandState.Abort => "Abort",
        CommandState.Submitted => "Submitted",
        CommandState.Timeout => "Timeout",
        CommandState.NoResponse => "NoResponse",
        CommandState.SoftKernelError => "SoftKernelError",
        CommandState.SoftKernelCrashed => "SoftKernelCrashed",
        _ => "Unknown",
    };

    /// <summary>True for the states of a command that has not finished: a wait timed out on it.</summary>
    internal static bool IsPending(this CommandState state) =>
        state is CommandState.Timeout or CommandState.Running or CommandState.Submitted or CommandState.Queued;
}
