namespace NpuSdk.Backends.Xrt;

/// <summary>A run list (<c>xrt::runlist</c>, or the shim's windowed fallback on XRT before 2.17).</summary>
internal sealed class XrtRunList(XrtContext context, XrtRunListSafeHandle handle) : IRunListHandle
{
    internal XrtRunListSafeHandle Handle { get; } = handle;

    internal XrtContext Context { get; } = context;

    public void Add(IRunHandle run)
    {
        if (run is not XrtRun xrun || xrun.Kernel.Context != Context)
            throw new NpuException("A run list only takes runs of kernels in its own hardware context.");
        XrtErrors.Check(XrtShim.RunListAdd(Handle, xrun.Handle), $"add a run of kernel '{xrun.Kernel.Name}' to a run list");
    }

    public void Execute() => XrtErrors.Check(XrtShim.RunListExecute(Handle), "execute a run list");

    public CommandState Wait(TimeSpan timeout)
    {
        uint ms = XrtShim.TimeoutMilliseconds(timeout);
        XrtErrors.Check(XrtShim.RunListWait(Handle, ms, out int state), "wait on a run list");
        var result = (CommandState)state;
        LastFailure = null;
        if (result is not (CommandState.Completed or CommandState.Timeout))
        {
            // The shim leaves XRT's message of the failed run (xrt::runlist::command_error) and its position.
            string message = XrtShim.LastErrorMessage();
            XrtErrors.Check(XrtShim.RunListFailedIndex(Handle, out int index), "read which run of a run list failed");
            LastFailure = new RunFailure(index, result, message, null);
        }
        return result;
    }

    public RunFailure? LastFailure { get; private set; }

    public void Reset() => XrtErrors.Check(XrtShim.RunListReset(Handle), "reset a run list");

    public void Abort() => XrtErrors.Check(XrtShim.RunListAbort(Handle), "abort a run list");

    public void Dispose() => Handle.Dispose();
}
