namespace NpuSdk.Telemetry;

/// <summary>
/// Exact counts of the host-side operations a device has performed, for tests, samples and benchmarks.
/// Every backend keeps them, because they count API calls that reached the backend successfully.
/// </summary>
public sealed class DeviceCounters
{
    private long _runs, _submissions, _waits, _syncsToDevice, _syncsFromDevice, _bytesToDevice, _bytesFromDevice;
    private long _buffersAllocated, _subBuffersCreated, _liveBuffers, _xclbinRegistrations, _contextsCreated, _contextsClosed, _contextsEvicted;

    /// <summary>Kernel invocations executed (a run list of N runs counts N).</summary>
    public long Runs => Volatile.Read(ref _runs);
    /// <summary>Submissions: one per <see cref="Run.Start"/>, one per <see cref="RunList.Execute"/>.</summary>
    public long Submissions => Volatile.Read(ref _submissions);
    /// <summary>Waits on runs or run lists.</summary>
    public long Waits => Volatile.Read(ref _waits);
    /// <summary>Syncs to the device.</summary>
    public long SyncsToDevice => Volatile.Read(ref _syncsToDevice);
    /// <summary>Syncs from the device.</summary>
    public long SyncsFromDevice => Volatile.Read(ref _syncsFromDevice);
    /// <summary>Bytes synced to the device.</summary>
    public long BytesToDevice => Volatile.Read(ref _bytesToDevice);
    /// <summary>Bytes synced from the device.</summary>
    public long BytesFromDevice => Volatile.Read(ref _bytesFromDevice);
    /// <summary>Buffer objects allocated (not counting sub-buffers).</summary>
    public long BuffersAllocated => Volatile.Read(ref _buffersAllocated);
    /// <summary>Sub-buffers created.</summary>
    public long SubBuffersCreated => Volatile.Read(ref _subBuffersCreated);
    /// <summary>Buffer objects and sub-buffers not yet disposed.</summary>
    public long LiveBuffers => Volatile.Read(ref _liveBuffers);
    /// <summary>xclbins registered.</summary>
    public long XclbinRegistrations => Volatile.Read(ref _xclbinRegistrations);
    /// <summary>Hardware contexts opened: the first open of each and every reopen after an eviction.</summary>
    public long ContextsCreated => Volatile.Read(ref _contextsCreated);
    /// <summary>Hardware contexts closed, evicted or released.</summary>
    public long ContextsClosed => Volatile.Read(ref _contextsClosed);
    /// <summary>Hardware contexts the device's cache closed to make room for another within the budget.</summary>
    public long ContextsEvicted => Volatile.Read(ref _contextsEvicted);
    /// <summary>Hardware contexts alive now (<see cref="ContextsCreated"/> - <see cref="ContextsClosed"/>).</summary>
    public long LiveContexts => ContextsCreated - ContextsClosed;

    /// <summary>The backend's name, the tag these counts carry on <see cref="NpuTelemetry"/>'s meter.</summary>
    internal string Backend { get; init; } = "";

    internal void AddRuns(long n)
    {
        Interlocked.Add(ref _runs, n);
        NpuTelemetry.AddRuns(n, Backend);
    }

    internal void AddSubmission()
    {
        Interlocked.Increment(ref _submissions);
        NpuTelemetry.AddSubmission(Backend);
    }

    internal void AddWait() => Interlocked.Increment(ref _waits);
    internal void AddXclbin() => Interlocked.Increment(ref _xclbinRegistrations);
    internal void AddContext()
    {
        Interlocked.Increment(ref _contextsCreated);
        NpuTelemetry.ContextOpened(Backend);
    }

    internal void AddContextClosed()
    {
        Interlocked.Increment(ref _contextsClosed);
        NpuTelemetry.ContextClosed(Backend);
    }

    internal void AddContextEvicted()
    {
        Interlocked.Increment(ref _contextsEvicted);
        NpuTelemetry.ContextEvicted(Backend);
    }

    internal void AddSync(SyncDirection direction, ulong bytes)
    {
        NpuTelemetry.AddSync(direction, bytes, Backend);
        if (direction == SyncDirection.ToDevice)
        {
            Interlocked.Increment(ref _syncsToDevice);
            Interlocked.Add(ref _bytesToDevice, (long)bytes);
        }
        else
        {
            Interlocked.Increment(ref _syncsFromDevice);
            Interlocked.Add(ref _bytesFromDevice, (long)bytes);
        }
    }

    internal void AddBuffer(bool subBuffer)
    {
        Interlocked.Increment(ref subBuffer ? ref _subBuffersCreated : ref _buffersAllocated);
        Interlocked.Increment(ref _liveBuffers);
    }

    internal void RemoveBuffer() => Interlocked.Decrement(ref _liveBuffers);

    /// <summary>Counts <paramref name="count"/> sub-buffers made at once (a plan's slots).</summary>
    internal void AddSubBuffers(int count)
    {
        Interlocked.Add(ref _subBuffersCreated, count);
        Interlocked.Add(ref _liveBuffers, count);
    }

    /// <summary>Counts <paramref name="count"/> buffers released at once.</summary>
    internal void RemoveBuffers(int count) => Interlocked.Add(ref _liveBuffers, -count);

    /// <summary>A one-line summary, e.g. for a sample's output.</summary>
    public override string ToString() =>
        $"runs={Runs} submissions={Submissions} waits={Waits} syncs to/from device={SyncsToDevice}/{SyncsFromDevice} " +
        $"bytes to/from device={BytesToDevice}/{BytesFromDevice} buffers={BuffersAllocated} sub-buffers={SubBuffersCreated} live={LiveBuffers} " +
        $"contexts opened/evicted/live={ContextsCreated}/{ContextsEvicted}/{LiveContexts}";
}
