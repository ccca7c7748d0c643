using System.Threading.Tasks.Sources;

namespace NpuSdk.Launch;

/// <summary>
/// Finishes a session's asynchronous calls: one thread waits for each submitted plan in submission order, syncs and
/// unpacks its outputs, gives the plan back (or discards it when its runs failed, timed out or were cancelled) and
/// completes the call's task. The thread starts with the first asynchronous call and stops with the session. Nothing
/// is allocated per call in steady state: the tasks' sources are pooled.
/// </summary>
internal sealed class CompletionQueue
{
    /// <summary>How long one wait lasts before a cancellation is looked at, where the backend cannot be aborted from another thread.</summary>
    private static readonly TimeSpan CancellationSlice = TimeSpan.FromMilliseconds(20);

    private readonly NpuSession _session;
    private readonly object _gate = new();
    private readonly Queue<Pending> _pending = new();
    private readonly Stack<Completion> _free = new();
    private Thread? _thread;
    private bool _stopping;

    internal CompletionQueue(NpuSession session) => _session = session;

    /// <summary>Queues a submitted plan and returns the source of its call's task.</summary>
    internal Completion Enqueue(LaunchPlan plan, NpuMemoryOperands operands, in NpuCallTelemetry telemetry, CancellationToken cancellationToken)
    {
        Completion completion;
        lock (_gate)
        {
            completion = _free.TryPop(out var c) ? c : new Completion(this);
            _pending.Enqueue(new Pending(plan, operands, telemetry, cancellationToken, completion));
            if (_thread is null)
            {
                _thread = new Thread(Work) { IsBackground = true, Name = "NpuSdk completions" };
                // Not under the first caller's execution context: its async locals (the current span among them) are not the thread's.
                using (ExecutionContext.SuppressFlow()) _thread.Start();
            }
            Monitor.Pulse(_gate);
        }
        return completion;
    }

    /// <summary>Stops the thread once every queued call is finished. Called by the session after its calls have left.</summary>
    internal void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }
        if (thread is not null && thread != Thread.CurrentThread) thread.Join();
    }

    private void Work()
    {
        while (true)
        {
            Pending next;
            lock (_gate)
            {
                while (_pending.Count == 0 && !_stopping) Monitor.Wait(_gate);
                if (_pending.Count == 0) return;
                next = _pending.Dequeue();
            }
            Finish(next);
        }
    }

    private void Finish(Pending p)
    {
        Exception? error = null;
        bool completed = false;
        var operands = p.Operands;
        var finishing = Tracing.TraceSpan.Begin(_session.Device);
        try
        {
            // The pipeline's last stages: wait (here, in slices when the call can be cancelled), then stage the outputs of a
            // call over memory (a call over tensors leaves them on the device).
            WaitFor(p.Plan, p.CancellationToken);
            if (!p.Plan.UsesTensors)
            {
                var view = operands.View();
                CallPipeline.StageOutputs(p.Plan, ref view);
            }
            completed = true;
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            operands.Release();
            _session.EndCall(p.Plan, deviceDone: completed);
            finishing.End(p.Plan.Binding.Method, "call", text: "asynchronous call completed: waited, synced back and unpacked");
        }
        // The call's span and duration end here, when its task does.
        var telemetry = p.Telemetry;
        if (error is not null) telemetry.Failed(error);
        telemetry.Stop();
        p.Completion.Complete(error);
    }

    private static void WaitFor(LaunchPlan plan, CancellationToken token)
    {
        if (!token.CanBeCanceled)
        {
            plan.Wait();
            return;
        }
        if (plan.AbortsFromAnyThread)
        {
            // The registration is disposed (waiting out a callback in flight) before the plan can go back to the pool.
            using (token.UnsafeRegister(static state => ((LaunchPlan)state!).Abort(), plan))
            {
                try
                {
                    plan.Wait();
                    return;
                }
                catch (NpuException) when (token.IsCancellationRequested) { }
            }
            throw new OperationCanceledException($"The call of {plan.Binding.Method} was cancelled; its runs were aborted.", token);
        }
        // Only this thread drives the run list: wait in slices, and abort here when cancelled.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!plan.TryWait(CancellationSlice, clock.Elapsed))
        {
            if (!token.IsCancellationRequested) continue;
            plan.Abort();
            throw new OperationCanceledException($"The call of {plan.Binding.Method} was cancelled; its runs were aborted.", token);
        }
    }

    private void Recycle(Completion completion)
    {
        lock (_gate) _free.Push(completion);
    }

    private readonly record struct Pending(LaunchPlan Plan, NpuMemoryOperands Operands, NpuCallTelemetry Telemetry, CancellationToken CancellationToken, Completion Completion);

    /// <summary>The source of one call's <see cref="ValueTask"/>, back in the pool once the task's result was read.</summary>
    internal sealed class Completion(CompletionQueue owner) : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public short Version => _core.Version;

        public void Complete(Exception? error)
        {
            if (error is null) _core.SetResult(true);
            else _core.SetException(error);
        }

        public void GetResult(short token)
        {
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                owner.Recycle(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
