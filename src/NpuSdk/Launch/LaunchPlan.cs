namespace NpuSdk.Launch;

/// <summary>
/// Everything one call of a generated method needs for one set of shapes, built once and reused: one
/// parent buffer per kernel data argument sized for every invocation, one sub-buffer per invocation
/// inside it, one run per invocation with its arguments bound, and one run list holding them all.
/// A call packs into the parents, syncs each input parent once, executes the run list once, waits
/// once, syncs each output parent once and unpacks.
/// </summary>
/// <remarks>
/// A plan serves one call at a time. <see cref="NpuSession"/> pools plans per shape, so concurrent
/// callers with the same shapes each get their own plan (a second plan is built only when two calls
/// actually overlap) and nothing is locked while a call runs.
/// </remarks>
public abstract class LaunchPlan : IDisposable
{
    private readonly Bo[] _parents;
    private readonly Bo[] _subBuffers;
    private readonly Run[] _runs;
    private readonly RunList _runList;
    private readonly int _inputCount;
    private readonly TimeSpan _timeout;
    private readonly string _what;

    private protected LaunchPlan(LoadedKernel kernel, int invocations, ReadOnlySpan<int> slotBytes, int inputCount)
    {
        if (slotBytes.Length != kernel.Binding.DataBufferCount)
            throw new NpuException($"{kernel.Binding.Method}: the plan has {slotBytes.Length} data buffers; the kernel takes {kernel.Binding.DataBufferCount}.");
        Invocations = invocations;
        _inputCount = inputCount;
        _timeout = kernel.Binding.Timeout;
        _what = $"run list of {invocations} runs of {kernel.Binding.Method}";
        var device = kernel.Device;
        _parents = new Bo[slotBytes.Length];
        _subBuffers = new Bo[slotBytes.Length * invocations];
        _runs = new Run[invocations];
        try
        {
            for (int d = 0; d < slotBytes.Length; d++)
                _parents[d] = new Bo(device, checked((ulong)slotBytes[d] * (ulong)invocations), BoFlags.HostOnly, kernel.DataGroup(d));
            _runList = new RunList(kernel.Context);
            var bound = new Bo[slotBytes.Length];
            for (int i = 0; i < invocations; i++)
            {
                for (int d = 0; d < slotBytes.Length; d++)
                {
                    var sub = new Bo(_parents[d], (ulong)slotBytes[d], (ulong)slotBytes[d] * (ulong)i);
                    _subBuffers[i * slotBytes.Length + d] = sub;
                    bound[d] = sub;
                }
                _runs[i] = kernel.CreateRun(bound);
                _runList.Add(_runs[i]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The binding and shapes the session pools this plan under.</summary>
    internal PlanKey PoolKey { get; init; }

    /// <summary>Kernel invocations per call.</summary>
    public int Invocations { get; }

    /// <summary>The host view of data buffer <paramref name="dataIndex"/>'s parent, as elements.</summary>
    private protected Span<T> Parent<T>(int dataIndex) where T : unmanaged => _parents[dataIndex].Map<T>();

    /// <summary>Syncs each input parent buffer to the device, once.</summary>
    public void SyncInputs()
    {
        for (int d = 0; d < _inputCount; d++) _parents[d].Sync(SyncDirection.ToDevice);
    }

    /// <summary>Submits every invocation as one run list.</summary>
    public void Execute() => _runList.Execute();

    /// <summary>Waits once for the whole run list, up to the method's timeout.</summary>
    /// <exception cref="NpuTimeoutException">The run list did not complete in time.</exception>
    /// <exception cref="NpuCommandFailedException">A run failed.</exception>
    public void Wait() => _runList.Wait(_timeout).ThrowIfNotCompleted(_what);

    /// <summary>Syncs each output parent buffer from the device, once.</summary>
    public void SyncOutputs()
    {
        for (int d = _inputCount; d < _parents.Length; d++) _parents[d].Sync(SyncDirection.FromDevice);
    }

    /// <summary>Releases the run list, runs and buffers.</summary>
    public void Dispose()
    {
        _runList?.Dispose();
        foreach (var run in _runs) run?.Dispose();
        foreach (var sub in _subBuffers) sub?.Dispose();
        foreach (var parent in _parents) parent?.Dispose();
    }
}

/// <summary>A plan's identity in a session's pool: the method's binding and up to three extents.</summary>
internal readonly record struct PlanKey(NpuKernelBinding Binding, int D0, int D1, int D2);
