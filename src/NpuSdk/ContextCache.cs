using System.Diagnostics;
using NpuSdk.Xclbin;

namespace NpuSdk;

/// <summary>
/// A device's hardware contexts, kept within its budget (<see cref="Device.ContextBudget"/>): one context per xclbin,
/// shared by every method, kernel, instruction stream and session that uses it, in a least-recently-used cache. A call
/// pins the context it runs on for as long as its runs may be in flight; a call that needs a context past the budget
/// evicts the least recently used one that nothing pins (closing it and everything built on it: kernels, runs, run
/// lists, which their owners rebuild on their next use; buffers belong to the device and survive), and waits, up to its
/// timeout, while every context is pinned. Contexts the program opens itself (<see cref="HwContext"/>) count against the
/// same budget and are never evicted. When the driver refuses a context because other processes hold slots, an idle one
/// is evicted and the open retried.
/// </summary>
internal sealed class ContextCache
{
    private readonly Device _device;
    private readonly object _gate = new();
    private readonly Dictionary<XclbinUuid, Entry> _entries = new();
    // Cached contexts open now, most recently used first.
    private readonly LinkedList<Entry> _open = new();
    private readonly List<HwContext> _handWritten = new();
    // Calls waiting for a slot, first come first served.
    private readonly LinkedList<object> _slotWaiters = new();
    // Cached contexts alive (open in an entry, or opened and not yet handed to one): closing one frees its slot.
    private readonly HashSet<HwContext> _cachedLive = new(ReferenceEqualityComparer.Instance);
    // Contexts alive plus opens under way: what counts against the budget.
    private int _slots;
    private long _evicted;
    private bool _closed;

    internal ContextCache(Device device, int budget)
    {
        _device = device;
        Budget = budget;
    }

    /// <summary>Contexts the device allows alive at once.</summary>
    internal int Budget { get; }

    /// <summary>Contexts alive now, cached and hand-written.</summary>
    internal int Live
    {
        get
        {
            lock (_gate) return _open.Count + _handWritten.Count;
        }
    }

    /// <summary>Cached contexts closed to make room for another.</summary>
    internal long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>One xclbin's cached context: open or not, how many calls pin it, whether an open is under way.</summary>
    internal sealed class Entry
    {
        internal Entry(XclbinUuid uuid, string name)
        {
            Uuid = uuid;
            Name = name;
            Node = new LinkedListNode<Entry>(this);
        }

        internal XclbinUuid Uuid { get; }
        internal string Name { get; }
        internal LinkedListNode<Entry> Node { get; }
        internal HwContext? Context { get; set; }
        internal int Pins { get; set; }
        internal bool Opening { get; set; }
        /// <summary>Chosen to make room for a waiting call: no new call pins it, and it is evicted when its last one ends.</summary>
        internal bool Draining { get; set; }
    }

    /// <summary>
    /// Pins the context of the xclbin <paramref name="uuid"/> (registered on the device), opening it if it is not open.
    /// Release the lease once nothing the call submitted can still be running.
    /// </summary>
    /// <param name="uuid">The xclbin.</param>
    /// <param name="name">The xclbin's name, for messages.</param>
    /// <param name="timeout">How long to wait while every context is pinned by calls in flight.</param>
    /// <exception cref="NpuContextBudgetException">No context could be had within the budget in time.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    internal ContextLease Acquire(XclbinUuid uuid, string name, TimeSpan timeout)
    {
        long deadline = Deadline(timeout);
        Entry entry;
        lock (_gate)
        {
            if (!_entries.TryGetValue(uuid, out entry!)) _entries[uuid] = entry = new Entry(uuid, name);
            while (true)
            {
                ObjectDisposedException.ThrowIf(_closed, typeof(Device));
                if (entry.Context is { } open && !entry.Draining)
                {
                    entry.Pins++;
                    _open.Remove(entry.Node);
                    _open.AddFirst(entry.Node);
                    return new ContextLease(this, entry, open);
                }
                if (entry.Context is not null || entry.Opening)
                {
                    // Being drained for a waiting call (take it again once it is reopened), or being opened by another call.
                    Wait(deadline, entry, timeout);
                    continue;
                }
                // Marked before the wait for a slot, so other calls for this xclbin wait for this open rather than make another.
                entry.Opening = true;
                try
                {
                    ReserveSlot(deadline, entry, timeout);
                }
                catch
                {
                    entry.Opening = false;
                    Monitor.PulseAll(_gate);
                    throw;
                }
                break;
            }
        }
        HwContext? context = null;
        try
        {
            context = new HwContext(_device, uuid, this);
        }
        finally
        {
            lock (_gate)
            {
                entry.Opening = false;
                if (context is null) _slots--;
                else
                {
                    _cachedLive.Add(context);
                    entry.Context = context;
                    entry.Pins++;
                    _open.AddFirst(entry.Node);
                }
                Monitor.PulseAll(_gate);
            }
        }
        return new ContextLease(this, entry, context);
    }

    /// <summary>Unpins a context: the call that pinned it has nothing left on the device.</summary>
    internal void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Pins--;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Creates the backend's context for a <see cref="HwContext"/>: a hand-written one takes a slot first (evicting an
    /// idle cached context when the budget is used up, never waiting); a cached one's slot was taken by <see cref="Acquire"/>.
    /// A refusal from the driver evicts an idle cached context and retries.
    /// </summary>
    internal Backends.IContextHandle Create(HwContext context, XclbinUuid uuid, bool handWritten)
    {
        if (handWritten)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, typeof(Device));
                ReserveSlotNow(context.Xclbin.SourceName);
            }
        }
        bool created = false;
        try
        {
            while (true)
            {
                try
                {
                    var handle = _device.Handle.CreateHwContext(uuid);
                    created = true;
                    if (handWritten)
                    {
                        lock (_gate) _handWritten.Add(context);
                    }
                    return handle;
                }
                catch (NpuContextBudgetException refused) when (refused.Budget is null)
                {
                    // The driver's own refusal: others hold slots this process does not count. Make room and retry.
                    lock (_gate)
                    {
                        if (!EvictIdle()) throw Exhausted(Describe(context.Xclbin.SourceName, uuid), refused);
                    }
                }
            }
        }
        finally
        {
            if (!created && handWritten)
            {
                lock (_gate)
                {
                    _slots--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>A context this cache or the program opened was closed: its slot is free.</summary>
    internal void Closed(HwContext context, bool handWritten)
    {
        lock (_gate)
        {
            // A context whose construction failed before the cache took it frees its slot where the open is undone.
            if (!(handWritten ? _handWritten.Remove(context) : _cachedLive.Remove(context))) return;
            _slots--;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Refuses new leases (the device is being disposed) and wakes every call waiting for one.</summary>
    internal void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>This process's live contexts on the device, each in words, for messages and <c>npu doctor</c>.</summary>
    internal IReadOnlyList<string> Describe()
    {
        lock (_gate) return DescribeLive();
    }

    private List<string> DescribeLive()
    {
        var live = new List<string>();
        foreach (var e in _open)
            live.Add($"{e.Name} ({(e.Pins == 0 ? "idle" : $"{e.Pins} call{(e.Pins == 1 ? "" : "s")} in flight")})");
        foreach (var c in _handWritten) live.Add($"{c.Xclbin.SourceName ?? c.Xclbin.Uuid.ToString()} (a HwContext the program opened)");
        return live;
    }

    /// <summary>
    /// Takes a slot for an open: a free one, or one an idle context gives up. While every open context is pinned, calls
    /// wait their turn, first come first served: the first in line marks the least recently used context as draining, so
    /// calls pin it no more, and evicts it when its last call ends. Waits up to the call's timeout.
    /// </summary>
    private void ReserveSlot(long deadline, Entry entry, TimeSpan timeout)
    {
        var ticket = new object();
        _slotWaiters.AddLast(ticket);
        var span = Tracing.TraceSpan.Begin(_device);
        bool waited = false;
        try
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_closed, typeof(Device));
                if (_slotWaiters.First!.Value == ticket)
                {
                    if (_slots < Budget)
                    {
                        _slots++;
                        return;
                    }
                    if (EvictIdle()) continue;
                    if (_open.Count == 0 && !_entries.Values.Any(e => e.Opening && e != entry))
                        throw Exhausted(Describe(entry.Name, entry.Uuid), null);
                    if (!_open.Any(e => e.Draining) && _open.Last is { } lru) lru.Value.Draining = true;
                }
                waited = true;
                if (!Monitor.Wait(_gate, Remaining(deadline)))
                    throw new NpuContextBudgetException(
                        $"No hardware context came free for {Describe(entry.Name, entry.Uuid)} within {timeout.TotalMilliseconds:0} ms: {BudgetWords()}, and every one is busy: " +
                        $"{string.Join(", ", DescribeLive())}. Make fewer calls at once, raise the method's TimeoutMilliseconds, or bind fewer designs (docs/contexts.md).",
                        Budget, DescribeLive());
            }
        }
        finally
        {
            if (waited) span.End("wait for a context", "context", "budget", Budget, text: entry.Name);
            _slotWaiters.Remove(ticket);
            // A context drained for a call that gave up is pinned again until the next call in line drains one.
            if (_slotWaiters.Count == 0) foreach (var e in _open) e.Draining = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Takes a slot for a context the program opens itself: never waits, but an idle cached context makes room.</summary>
    private void ReserveSlotNow(string? name)
    {
        while (_slots >= Budget)
            if (!EvictIdle()) throw Exhausted(Describe(name, null), null);
        _slots++;
    }

    private void Wait(long deadline, Entry entry, TimeSpan timeout)
    {
        if (!Monitor.Wait(_gate, Remaining(deadline)))
            throw new NpuContextBudgetException(
                $"The hardware context for {Describe(entry.Name, entry.Uuid)} was not free within {timeout.TotalMilliseconds:0} ms: {BudgetWords()}, and every one is busy: " +
                $"{string.Join(", ", DescribeLive())}. Make fewer calls at once, raise the method's TimeoutMilliseconds, or bind fewer designs (docs/contexts.md).",
                Budget, DescribeLive());
    }

    /// <summary>Closes every idle context, as evictions for other xclbins would: the npu tool prices a call whose context was evicted.</summary>
    internal int EvictIdleContexts()
    {
        int evicted = 0;
        lock (_gate)
        {
            while (EvictIdle()) evicted++;
            Monitor.PulseAll(_gate);
        }
        return evicted;
    }

    /// <summary>Closes the least recently used cached context nothing pins; false when every one is pinned or none is open.</summary>
    private bool EvictIdle()
    {
        for (var node = _open.Last; node is not null; node = node.Previous)
        {
            var victim = node.Value;
            if (victim.Pins > 0) continue;
            var context = victim.Context!;
            _open.Remove(node);
            victim.Context = null;
            victim.Draining = false;
            Interlocked.Increment(ref _evicted);
            _device.Counters.AddContextEvicted();
            var span = Tracing.TraceSpan.Begin(_device);
            // Closing releases the slot (Closed), under this lock: the slot is free when the caller looks again.
            _device.CloseContext(context);
            span.End("evict context", "context", "budget", Budget, text: victim.Name);
            return true;
        }
        return false;
    }

    private NpuContextBudgetException Exhausted(string what, NpuContextBudgetException? refused)
    {
        var live = DescribeLive();
        string held = live.Count == 0 ? "holds none" : $"holds {live.Count}: {string.Join(", ", live)}";
        string others = refused is null
            ? ""
            : $" The driver refused one more ({refused.Message}), so other processes hold the rest.";
        return new NpuContextBudgetException(
            $"No hardware context is free for {what}: {BudgetWords()}, and this process {held}.{others} " +
            $"Dispose contexts you opened yourself, let other NPU programs finish (`{NpuContextBudgetException.InspectCommand}` shows which hold slots), " +
            $"or bind fewer, larger designs (docs/contexts.md).",
            Budget, live, refused);
    }

    private string BudgetWords()
    {
        var p = _device.Profile;
        string lowered = Budget < p.ContextBudget ? $", lowered from {p.ContextBudget}" : "";
        return $"the device ({p.Name}: {p.Family}) allows {Budget} at once{lowered}";
    }

    private static string Describe(string? name, XclbinUuid? uuid) =>
        name is not null ? $"xclbin '{name}'" : $"xclbin {uuid}";

    private static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Remaining(long deadline)
    {
        if (deadline == long.MaxValue) return Timeout.InfiniteTimeSpan;
        long left = deadline - Stopwatch.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency);
    }
}

/// <summary>A call's pin on a cached hardware context: the context stays open, and is not evicted, until it is released.</summary>
internal readonly struct ContextLease
{
    private readonly ContextCache? _cache;
    private readonly ContextCache.Entry? _entry;

    internal ContextLease(ContextCache cache, ContextCache.Entry entry, HwContext context)
    {
        _cache = cache;
        _entry = entry;
        Context = context;
    }

    /// <summary>The pinned context.</summary>
    internal HwContext Context { get; }

    /// <summary>True for a lease that pins a context (not the default value).</summary>
    internal bool IsHeld => _cache is not null;

    /// <summary>Unpins the context.</summary>
    internal void Release() => _cache?.Release(_entry!);
}
