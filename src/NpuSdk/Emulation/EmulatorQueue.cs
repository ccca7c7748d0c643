using NpuSdk.Backends;

namespace NpuSdk.Emulation;

/// <summary>
/// The emulated device's command queue: one worker thread executes submissions (a run started alone, a run list
/// executed) in the order they were made, as the NPU does, so a wait blocks until the worker has finished the runs,
/// a timeout is a real timeout, and the host reading an output before its run completes sees what the device has not
/// written yet. The worker starts with the first submission and stops when the device is disposed.
/// </summary>
internal sealed class EmulatorQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<EmulatorSubmission> _pending = new();
    private Thread? _worker;
    private EmulatorSubmission? _current;
    private bool _stopping;

    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public void Submit(EmulatorSubmission submission)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, typeof(Device));
            _pending.Enqueue(submission);
            if (_worker is null)
            {
                _worker = new Thread(Work) { IsBackground = true, Name = "NpuSdk emulator" };
                _worker.Start();
            }
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Takes a submission out of the queue if the worker has not reached it; false when it has.</summary>
    public bool TryWithdraw(EmulatorSubmission submission)
    {
        lock (_gate)
        {
            if (_current == submission || !_pending.Contains(submission)) return false;
            var kept = _pending.Where(s => s != submission).ToArray();
            _pending.Clear();
            foreach (var s in kept) _pending.Enqueue(s);
            return true;
        }
    }

    private void Work()
    {
        while (true)
        {
            EmulatorSubmission next;
            lock (_gate)
            {
                _current = null;
                while (_pending.Count == 0 && !_stopping) Monitor.Wait(_gate);
                if (_pending.Count == 0) return;
                next = _pending.Dequeue();
                _current = next;
            }
            next.ExecuteOnWorker();
        }
    }

    /// <summary>Aborts what is queued and running, and waits for the worker to leave.</summary>
    public void Dispose()
    {
        EmulatorSubmission[] pending;
        EmulatorSubmission? current;
        Thread? worker;
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            pending = _pending.ToArray();
            _pending.Clear();
            current = _current;
            worker = _worker;
            Monitor.PulseAll(_gate);
        }
        foreach (var s in pending) s.CompleteAborted();
        current?.SignalAbort();
        if (worker is not null && worker != Thread.CurrentThread) worker.Join();
    }
}

/// <summary>
/// One submission to the emulated device: the runs it executes in order, its completion and its abort. A run started
/// alone is its own submission; a run list is one for all its runs.
/// </summary>
internal abstract class EmulatorSubmission
{
    private readonly ManualResetEventSlim _done = new(initialState: true);
    private readonly ManualResetEventSlim _abort = new(initialState: false);
    private volatile bool _aborting;
    private volatile CommandState _state = CommandState.New;

    protected EmulatorSubmission(EmulatorDevice device) => Device = device;

    internal EmulatorDevice Device { get; }

    /// <summary>True from submission until the worker has finished with every run of it.</summary>
    internal bool InFlight => !_done.IsSet;

    /// <summary>The first run of the last submission that did not complete.</summary>
    internal RunFailure? Failure { get; private set; }

    /// <summary><see cref="Failure"/>, as a run's and a run list's handle report it.</summary>
    public RunFailure? LastFailure => Failure;

    protected abstract int RunCount { get; }
    protected abstract EmulatorRun RunAt(int index);

    /// <summary>Queues the submission; its runs have been validated.</summary>
    protected void Submit()
    {
        Failure = null;
        _aborting = false;
        _abort.Reset();
        for (int i = 0; i < RunCount; i++) RunAt(i).SetState(CommandState.Queued);
        _state = CommandState.Queued;
        _done.Reset();
        try
        {
            Device.Queue.Submit(this);
        }
        catch
        {
            CompleteAborted();
            throw;
        }
    }

    /// <summary>Executes the runs in order on the device's worker; after the first that fails, the rest are not run.</summary>
    internal void ExecuteOnWorker()
    {
        var options = Device.Options;
        _state = CommandState.Running;
        var outcome = CommandState.Completed;
        for (int i = 0; i < RunCount; i++)
        {
            var run = RunAt(i);
            if (_aborting || outcome != CommandState.Completed)
            {
                run.SetState(CommandState.Abort);
                if (outcome == CommandState.Completed) outcome = CommandState.Abort;
                continue;
            }
            var state = run.ExecuteOnWorker(i, options, _abort);
            if (state == CommandState.Completed) continue;
            outcome = state;
            Failure = new RunFailure(i, state, run.FailureMessage ?? "", run.FailureException);
        }
        _state = outcome;
        _done.Set();
    }

    /// <summary>Waits for the submission to finish; <see cref="CommandState.Timeout"/> when it did not in time.</summary>
    internal CommandState WaitForCompletion(TimeSpan timeout) => _done.Wait(timeout) ? _state : CommandState.Timeout;

    /// <summary>When the latency model's device completes the last submission (its projection's clock, in seconds).</summary>
    internal double ProjectedCompletion { get; set; }

    /// <summary><see cref="WaitForCompletion"/>, charging the projection for a wait that ended with the submission.</summary>
    protected CommandState WaitProjected(TimeSpan timeout)
    {
        var state = WaitForCompletion(timeout);
        if (state != CommandState.Timeout) Device.Timeline?.Wait(ProjectedCompletion);
        return state;
    }

    /// <summary>Aborts the submission if it is in flight and returns once the worker is done with its runs.</summary>
    internal void AbortAndWait()
    {
        if (_done.IsSet) return;
        if (Device.Queue.TryWithdraw(this))
        {
            CompleteAborted();
            return;
        }
        SignalAbort();
        _done.Wait();
    }

    /// <summary>Tells the worker to stop at the next run: a hung or delayed run ends in <see cref="CommandState.Abort"/> at once.</summary>
    internal void SignalAbort()
    {
        _aborting = true;
        _abort.Set();
    }

    /// <summary>Ends a submission the worker never reached: every run aborted.</summary>
    internal void CompleteAborted()
    {
        for (int i = 0; i < RunCount; i++) RunAt(i).SetState(CommandState.Abort);
        _state = CommandState.Abort;
        _done.Set();
    }
}
