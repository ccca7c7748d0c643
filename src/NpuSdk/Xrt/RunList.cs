using NpuSdk.Backends;

namespace NpuSdk.Xrt;

/// <summary>
/// Runs executed as one submission (<c>xrt::runlist</c> on XRT 2.17+; start-all/wait-all with a bounded
/// in-flight window on older XRT). Build it once per launch plan, execute it on every call.
/// </summary>
public sealed class RunList : IDisposable
{
    private IRunListHandle? _handle;
    private int _count;

    /// <summary>Creates an empty run list in <paramref name="context"/>.</summary>
    public RunList(HwContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _handle = context.Handle.CreateRunList();
        context.Device.Own(this);
    }

    /// <summary>The context.</summary>
    public HwContext Context { get; }

    /// <summary>The device.</summary>
    public Device Device => Context.Device;

    /// <summary>How many runs the list holds.</summary>
    public int Count => _count;

    internal IRunListHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(RunList));

    /// <summary>True when another thread may abort the list while its owner waits on it.</summary>
    internal bool AbortsFromAnyThread => _handle is IAbortsFromAnyThread;

    /// <summary>Appends a run whose arguments are bound.</summary>
    public void Add(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Handle.Add(run.Handle);
        _count++;
    }

    /// <summary>Appends a plan's runs, in order.</summary>
    internal void AddBatch(IRunBatch runs)
    {
        runs.AddTo(Handle);
        _count += runs.Count;
    }

    /// <summary>Submits every run in the list (one submission).</summary>
    public void Execute()
    {
        var span = Tracing.TraceSpan.Begin(Device);
        Handle.Execute();
        span.End("execute run list", "submit", "runs", _count);
        Device.Counters.AddSubmission();
        Device.Counters.AddRuns(_count);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every run; returns completed, or the first other state.</summary>
    public CommandState Wait(TimeSpan timeout)
    {
        var span = Tracing.TraceSpan.Begin(Device);
        var state = Handle.Wait(timeout);
        span.End("wait run list", "wait", "state", (long)state, "runs", _count, state.Name());
        Device.Counters.AddWait();
        return state;
    }

    /// <summary>
    /// Stops an executing list: no further run starts, the runs in flight are aborted, and the call returns once the
    /// device is done with all of them, so their buffers may be released. A list that is not executing is left as it is.
    /// </summary>
    public void Abort() => Handle.Abort();

    /// <summary>The run that made the last wait report a failure (its position in the list, state and message), or null.</summary>
    public RunFailure? LastFailure => Handle.LastFailure;

    /// <summary>Empties the list so it can be filled again.</summary>
    public void Reset()
    {
        Handle.Reset();
        _count = 0;
    }

    /// <summary>Releases the list. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        h.Dispose();
    }
}
