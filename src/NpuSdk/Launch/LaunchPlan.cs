using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// What every launch plan has, whatever feeds its data buffers: the invocation grid for one set of block counts, one
/// run per invocation with the opcode, instructions and fixed scalars bound, the call's scalars rebound only when they
/// change, and (unless a recorded sequence owns its runs) one run list, waited on once and aborted on failure.
/// </summary>
internal abstract class LaunchPlan : IDisposable
{
    private readonly RunList? _runList;
    private readonly ulong[] _scalarBits;
    private readonly ArgumentBinding[] _scalarArgs;
    private readonly string _what;
    private bool _scalarsBound;

    protected LaunchPlan(LoadedKernel kernel, KernelBinding binding, GridKey key, bool ownsRunList)
    {
        Binding = binding;
        Kernel = kernel;
        Key = key;
        Grid = binding.Strategy.Geometry(binding.Manifest, key);
        IdleNode = new LinkedListNode<LaunchPlan>(this);
        Runs = new Run[Grid.Invocations];
        _what = $"run list of {Grid.Invocations} runs of {binding.Method}";
        _scalarArgs = binding.ScalarTargets.Select(t => kernel.Arguments.First(a => a.Use == ArgumentUse.Scalar && a.Target == t)).ToArray();
        _scalarBits = new ulong[_scalarArgs.Length];
        if (ownsRunList) _runList = new RunList(kernel.Context);
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

    /// <summary>One run per invocation, in invocation order.</summary>
    internal Run[] Runs { get; }

    /// <summary>Creates the runs, binds what every run of the kernel shares and, through <paramref name="bindBuffers"/>, the data buffers.</summary>
    protected void BuildRuns(LoadedKernel kernel, Action<Run, int> bindBuffers)
    {
        for (int i = 0; i < Runs.Length; i++)
        {
            var run = new Run(kernel.Kernel);
            Runs[i] = run;
            kernel.BindFixed(run);
            bindBuffers(run, i);
            _runList?.Add(run);
        }
    }

    /// <summary>Binds the call's scalars, rebinding every run only when a value changed since the last call.</summary>
    internal void BindScalars(in ScalarSlots bits)
    {
        for (int s = 0; s < _scalarArgs.Length; s++)
        {
            if (_scalarsBound && bits[s] == _scalarBits[s]) continue;
            foreach (var run in Runs) LoadedKernel.BindScalar(run, _scalarArgs[s].Argument, bits[s]);
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
        throw new NpuCommandFailedException($"The {_what} failed: {detail}.", f?.State ?? state, kernel, f?.Index, f?.Exception);
    }

    /// <summary>Stops the plan's runs and returns once the device is done with its buffers.</summary>
    internal void Abort() => OwnRunList.Abort();

    /// <summary>Releases the run list and runs.</summary>
    public virtual void Dispose()
    {
        _runList?.Dispose();
        foreach (var run in Runs) run?.Dispose();
    }
}
