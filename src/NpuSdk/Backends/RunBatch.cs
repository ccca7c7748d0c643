namespace NpuSdk.Backends;

/// <summary>
/// A launch plan's runs of one kernel, made and bound together: one call per argument for the whole set instead of one
/// per run. A backend that can do this natively says so with <see cref="IMakesRunBatches"/>; any other gets
/// <see cref="RunsOneByOne"/>, which makes the same calls run by run.
/// </summary>
internal interface IRunBatch : IDisposable
{
    /// <summary>How many runs the set holds.</summary>
    int Count { get; }

    /// <summary>Binds the same scalar (its little-endian bytes) to <paramref name="argIndex"/> of every run.</summary>
    void SetScalar(int argIndex, ReadOnlySpan<byte> value);

    /// <summary>Binds the same buffer to <paramref name="argIndex"/> of every run.</summary>
    void SetBuffer(int argIndex, IBoHandle bo);

    /// <summary>
    /// Makes <paramref name="slotCount"/> sub-buffers of <paramref name="slotBytes"/> each, back to back from the start of
    /// <paramref name="parent"/>, held by the set, and binds run <c>i</c> to slot <c>slotOfRun[i]</c>.
    /// </summary>
    void SetSlots(int argIndex, IBoHandle parent, ulong slotBytes, int slotCount, ReadOnlySpan<int> slotOfRun);

    /// <summary>Binds run <c>i</c> to <c>buffers[bufferOfRun[i]]</c>.</summary>
    void SetBuffers(int argIndex, ReadOnlySpan<IBoHandle> buffers, ReadOnlySpan<int> bufferOfRun);

    /// <summary>Appends every run, in order, to <paramref name="list"/>.</summary>
    void AddTo(IRunListHandle list);
}

/// <summary>A kernel that makes a plan's runs as one set natively.</summary>
internal interface IMakesRunBatches
{
    /// <summary>Makes <paramref name="count"/> runs with no argument bound.</summary>
    IRunBatch CreateRunBatch(int count);
}

/// <summary>Where a plan gets its runs.</summary>
internal static class RunBatches
{
    /// <summary>The kernel's own set where it makes one, else runs made one by one.</summary>
    public static IRunBatch Create(IKernelHandle kernel, int count) =>
        kernel is IMakesRunBatches batches ? batches.CreateRunBatch(count) : new RunsOneByOne(kernel, count);

    /// <summary>The checks every set makes before it cuts a buffer into slots, so each backend refuses in the same words.</summary>
    /// <exception cref="NpuException">The slots do not fit in the parent, or an entry of the table names no slot.</exception>
    public static void CheckSlots(int runs, IBoHandle parent, ulong slotBytes, int slotCount, ReadOnlySpan<int> slotOfRun)
    {
        if (slotBytes == 0 || slotCount <= 0)
            throw new NpuException($"A buffer is cut into at least one slot of at least one byte, not {slotCount} of {slotBytes}.");
        if ((ulong)slotCount > parent.Size / slotBytes)
            throw new NpuException($"{slotCount} slots of {slotBytes} bytes do not fit in a buffer of {parent.Size} bytes.");
        CheckTable(runs, slotOfRun, slotCount, "slot");
    }

    /// <summary>Each run's entry names one of <paramref name="count"/> things.</summary>
    /// <exception cref="NpuException">The table does not have one entry per run, or an entry is out of range.</exception>
    public static void CheckTable(int runs, ReadOnlySpan<int> table, int count, string what)
    {
        if (table.Length != runs) throw new NpuException($"One {what} per run: {runs} runs, {table.Length} entries.");
        for (int i = 0; i < table.Length; i++)
            if ((uint)table[i] >= (uint)count)
                throw new NpuException($"Run {i} is bound to {what} {table[i]}, but there are {count}.");
    }
}

/// <summary>A set of runs made and bound one by one through <see cref="IKernelHandle"/> and <see cref="IRunHandle"/>.</summary>
internal sealed class RunsOneByOne : IRunBatch
{
    private readonly IRunHandle[] _runs;
    private readonly List<IBoHandle> _slots = new();
    private int _disposed;

    public RunsOneByOne(IKernelHandle kernel, int count)
    {
        _runs = new IRunHandle[count];
        try
        {
            for (int i = 0; i < count; i++) _runs[i] = kernel.CreateRun();
        }
        catch
        {
            Dispose();   // the runs made before the failure
            throw;
        }
    }

    public int Count => _runs.Length;

    public void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        foreach (var run in _runs) run.SetScalar(argIndex, value);
    }

    public void SetBuffer(int argIndex, IBoHandle bo)
    {
        foreach (var run in _runs) run.SetBuffer(argIndex, bo);
    }

    public void SetSlots(int argIndex, IBoHandle parent, ulong slotBytes, int slotCount, ReadOnlySpan<int> slotOfRun)
    {
        RunBatches.CheckSlots(_runs.Length, parent, slotBytes, slotCount, slotOfRun);
        int first = _slots.Count;
        for (int s = 0; s < slotCount; s++) _slots.Add(parent.CreateSubBuffer(slotBytes, slotBytes * (ulong)s));
        for (int i = 0; i < _runs.Length; i++) _runs[i].SetBuffer(argIndex, _slots[first + slotOfRun[i]]);
    }

    public void SetBuffers(int argIndex, ReadOnlySpan<IBoHandle> buffers, ReadOnlySpan<int> bufferOfRun)
    {
        RunBatches.CheckTable(_runs.Length, bufferOfRun, buffers.Length, "buffer");
        for (int i = 0; i < _runs.Length; i++) _runs[i].SetBuffer(argIndex, buffers[bufferOfRun[i]]);
    }

    public void AddTo(IRunListHandle list)
    {
        foreach (var run in _runs) list.Add(run);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var run in _runs) run?.Dispose();
        foreach (var slot in _slots) slot.Dispose();
    }
}
