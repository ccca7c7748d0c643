using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// What every launch plan has, whatever feeds its data buffers: the invocation grid for one set of block counts, one
/// run per invocation with the opcode, instructions and fixed scalars bound, the call's scalars rebound only when they
/// change, and (unless a recorded sequence owns its runs) one run list, waited on once and aborted on failure.
/// </summary>
/// <remarks>
/// Runs and run list belong to the hardware context they were made on. The device's cache may evict that context while
/// the plan is idle (closing the runs with it); <see cref="Bind"/> then makes them again on the context the call pinned,
/// binding the same buffers, which belong to the device and survive. A plan in use always runs on a pinned context.
/// </remarks>
internal abstract class LaunchPlan : IDisposable
{
    private RunList? _runList;
    private readonly bool _ownsRunList;
    private readonly ulong[] _scalarBits;
    private readonly ArgumentBinding[] _scalarArgs;
    private readonly string _what;
    private PlanRuns? _runs;
    private Kernel? _boundTo;
    private bool _scalarsBound;
    private KernelLease _lease;

    protected LaunchPlan(LoadedKernel kernel, KernelBinding binding, GridKey key, bool ownsRunList)
    {
        Binding = binding;
        Kernel = kernel;
        Key = key;
        Grid = binding.Strategy.Geometry(binding.Manifest, key);
        IdleNode = new LinkedListNode<LaunchPlan>(this);
        _what = $"run list of {Grid.Invocations} runs of {binding.Method}";
        _scalarArgs = binding.ScalarTargets.Select(t => kernel.Arguments.First(a => a.Use == ArgumentUse.Scalar && a.Target == t)).ToArray();
        _scalarBits = new ulong[_scalarArgs.Length];
        _ownsRunList = ownsRunList;
        // The device releases the plan (its runs, then its buffers) if it is disposed first; the runs are one set of the
        // plan's, not tracked one by one.
        kernel.Device.Own(this, disposeIfClosed: false);   // nothing is held yet
    }

    internal KernelBinding Binding { get; }
    internal LoadedKernel Kernel { get; }
    internal LaunchGeometry Grid { get; }
    internal GridKey Key { get; }

    /// <summary>True for a plan whose data buffers are the call's tensors, false for one that packs into buffers of its own.</summary>
    internal abstract bool UsesTensors { get; }

    /// <summary>The plan's place in its session's least-recently-used list of idle plans (one node, reused).</summary>
    internal LinkedListNode<LaunchPlan> IdleNode { get; }

    /// <summary>Kernel invocations per call.</summary>
    internal int Invocations => Grid.Invocations;

    /// <summary>One run per invocation, in invocation order, once <see cref="Bind"/> made them.</summary>
    internal PlanRuns Runs => _runs ?? throw new InvalidOperationException("The plan's runs are made by Bind.");

    /// <summary>
    /// Binds the data buffers the plan holds to runs <see cref="Bind"/> just made (anew after an eviction): what a
    /// subclass binds per call (tensors) must then be bound again.
    /// </summary>
    protected abstract void BindBuffers(PlanRuns runs);

    /// <summary>
    /// Makes the plan's runs on <paramref name="kernel"/> unless they are there already: each with what every run of the
    /// kernel shares and its data buffers bound, in one run list when the plan owns one. True when the runs were (re)made,
    /// so what is bound per call (scalars, tensors) must be bound again.
    /// </summary>
    internal bool Bind(Kernel kernel)
    {
        if (ReferenceEquals(_boundTo, kernel)) return false;
        // Made on a context since evicted (closed with it) or never made: release what is left and make them anew.
        ReleaseRuns();
        if (_ownsRunList) _runList = new RunList(kernel.Context);
        var runs = _runs = new PlanRuns(kernel, Invocations);
        Kernel.BindFixed(runs);
        BindBuffers(runs);
        if (_runList is not null) runs.AddTo(_runList);
        _boundTo = kernel;
        _scalarsBound = false;
        return true;
    }

    /// <summary>The context the plan's runs were made on, or null before the first <see cref="Bind"/>.</summary>
    internal HwContext? Context => _boundTo?.Context;

    /// <summary>
    /// The plan's runs if they were made on <paramref name="context"/>, for the device to close with it (the plan is idle:
    /// a context in use is never evicted); the plan sees its runs' kernel gone and makes them anew on its next use.
    /// </summary>
    internal IEnumerable<IDisposable> RunsOn(HwContext context) =>
        _runs is { } runs && runs.Kernel.Context == context ? [runs] : [];

    /// <summary>The pin a call holds on the plan's context while the plan is rented; released when the call ends.</summary>
    internal void Hold(KernelLease lease) => _lease = lease;

    /// <summary>Unpins the context the call held (once).</summary>
    internal void ReleaseHold()
    {
        var lease = _lease;
        _lease = default;
        lease.Release();
    }

    /// <summary>Binds the call's scalars, rebinding every run only when a value changed since the last call.</summary>
    internal void BindScalars(in ScalarSlots bits)
    {
        for (int s = 0; s < _scalarArgs.Length; s++)
        {
            if (_scalarsBound && bits[s] == _scalarBits[s]) continue;
            Runs.SetScalar(_scalarArgs[s].Argument, bits[s]);
            _scalarBits[s] = bits[s];
        }
        _scalarsBound = true;
    }

    private RunList OwnRunList => _runList ?? throw new InvalidOperationException("A plan of a recorded sequence has no run list of its own.");

    /// <summary>Whether another thread may abort the plan's runs while a caller waits on them.</summary>
    internal bool AbortsFromAnyThread => OwnRunList.AbortsFromAnyThread;

    /// <summary>Submits every invocation as one run list.</summary>
    internal void Execute() => OwnRunList.Execute();

    /// <summary>Waits once for the whole run list.</summary>
    /// <exception cref="NpuTimeoutException">It did not complete in time.</exception>
    /// <exception cref="NpuCommandFailedException">A run failed; names the invocation and, where the backend says, why.</exception>
    internal void Wait() => Check(OwnRunList.Wait(Binding.Descriptor.Timeout), Binding.Descriptor.Timeout);

    /// <summary>Waits up to <paramref name="slice"/>; false when the runs are still going (nothing is thrown then).</summary>
    internal bool TryWait(TimeSpan slice, TimeSpan elapsed)
    {
        var state = OwnRunList.Wait(slice);
        if (state.IsPending() && elapsed + slice < Binding.Descriptor.Timeout) return false;
        Check(state, Binding.Descriptor.Timeout);
        return true;
    }

    private void Check(CommandState state, TimeSpan timeout)
    {
        if (state == CommandState.Completed) return;
        string kernel = Binding.Descriptor.KernelName;
        if (state.IsPending())
            throw new NpuTimeoutException($"The {_what} did not complete within {timeout.TotalMilliseconds:0} ms (state {state}); its runs were aborted.", state, kernel);
        var f = OwnRunList.LastFailure;
        string detail = f is null ? $"it ended in state {state}" : f.Describe(f.Index);
        throw new NpuCommandFailedException($"The {_what} failed: {detail}.", state, kernel, f, f?.Index ?? 0);
    }

    /// <summary>Stops the plan's runs and returns once the device is done with its buffers.</summary>
    internal void Abort() => _runList?.Abort();

    private void ReleaseRuns()
    {
        _runList?.Dispose();
        _runList = null;
        _runs?.Dispose();
        _runs = null;
        _boundTo = null;
    }

    /// <summary>Releases the run list and runs.</summary>
    public virtual void Dispose()
    {
        Kernel.Device.Release(this);
        ReleaseRuns();
    }
}
