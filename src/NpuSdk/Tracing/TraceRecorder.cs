using System.Diagnostics;

namespace NpuSdk.Tracing;

/// <summary>
/// Where a device's trace events go while a trace is on: a bounded store of complete events (name, category, start and
/// length in microseconds on the trace's clock, process and track, up to two numeric arguments and a text), filled in
/// chunks as events come, never past its cap (events past it are counted, not kept). Thread-safe; recording allocates
/// only a new chunk every <see cref="ChunkSize"/> events, nothing per event.
/// </summary>
internal sealed class TraceRecorder
{
    internal const int ChunkSize = 1 << 14;

    private readonly object _gate = new();
    private readonly TraceEvent[]?[] _chunks;
    private readonly Dictionary<(int Pid, int Tid), string> _tracks = new();
    private readonly Dictionary<int, string> _processes = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private int _next = -1;
    private long _dropped;
    private int _nextProcess = 2;

    internal TraceRecorder(int maxEvents)
    {
        MaxEvents = maxEvents;
        _chunks = new TraceEvent[]?[(maxEvents + ChunkSize - 1) / ChunkSize];
        _processes[HostProcess] = "host (wall clock)";
    }

    /// <summary>The process id of the host's own tracks (one per thread), on the wall clock.</summary>
    internal const int HostProcess = 1;

    internal int MaxEvents { get; }

    /// <summary>Events kept.</summary>
    internal int Count => Math.Min(Volatile.Read(ref _next) + 1, MaxEvents);

    /// <summary>Events left out because the trace was full.</summary>
    internal long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The trace's clock: microseconds since it started.</summary>
    internal double Now() => Micros(Stopwatch.GetTimestamp());

    internal double Micros(long timestamp) => (timestamp - _origin) * 1e6 / Stopwatch.Frequency;

    /// <summary>A new process of tracks (a projected device), named <paramref name="name"/>.</summary>
    internal int AddProcess(string name)
    {
        lock (_gate)
        {
            int pid = _nextProcess++;
            _processes[pid] = name;
            return pid;
        }
    }

    /// <summary>Names track <paramref name="tid"/> of process <paramref name="pid"/>.</summary>
    internal void NameTrack(int pid, int tid, string name)
    {
        lock (_gate) _tracks[(pid, tid)] = name;
    }

    /// <summary>A span of the calling thread's track on the host, from <paramref name="start"/> (<see cref="Now"/>) to now.</summary>
    internal void Host(string name, string category, double start, string? arg1 = null, long value1 = 0, string? arg2 = null, long value2 = 0, string? text = null)
    {
        var thread = Thread.CurrentThread;
        int tid = thread.ManagedThreadId;
        if (t_named != this)
        {
            t_named = this;
            NameTrack(HostProcess, tid, thread.Name ?? $"thread {tid}");
        }
        Add(new TraceEvent(name, category, start, Now() - start, HostProcess, tid, arg1, value1, arg2, value2, text));
    }

    [ThreadStatic] private static TraceRecorder? t_named;

    /// <summary>A span on a track of its own (a projected device's), with times the caller computed.</summary>
    internal void Add(in TraceEvent e)
    {
        int i = Interlocked.Increment(ref _next);
        if (i >= MaxEvents)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        var chunk = _chunks[i / ChunkSize];
        if (chunk is null)
        {
            lock (_gate) chunk = _chunks[i / ChunkSize] ??= new TraceEvent[ChunkSize];
        }
        chunk[i % ChunkSize] = e;
    }

    /// <summary>Every event kept, in the order they were recorded, and the names of processes and tracks.</summary>
    internal (IEnumerable<TraceEvent> Events, IReadOnlyDictionary<int, string> Processes, IReadOnlyDictionary<(int, int), string> Tracks) Snapshot()
    {
        int count = Count;
        lock (_gate)
            return (Enumerate(count), new Dictionary<int, string>(_processes), new Dictionary<(int, int), string>(_tracks));
    }

    private IEnumerable<TraceEvent> Enumerate(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var chunk = _chunks[i / ChunkSize];
            // A slot reserved by a thread that has not written it yet is left out rather than read half-made.
            if (chunk is not null && chunk[i % ChunkSize].Name is not null) yield return chunk[i % ChunkSize];
        }
    }
}

/// <summary>One complete event: a span of <paramref name="Duration"/> microseconds from <paramref name="Start"/> on track <paramref name="Tid"/> of process <paramref name="Pid"/>.</summary>
internal readonly record struct TraceEvent(string Name, string Category, double Start, double Duration, int Pid, int Tid,
    string? Arg1 = null, long Value1 = 0, string? Arg2 = null, long Value2 = 0, string? Text = null);

/// <summary>A span of the calling thread's host track being measured: nothing while no trace is on.</summary>
internal readonly struct TraceSpan
{
    private readonly TraceRecorder? _recorder;
    private readonly double _start;

    private TraceSpan(TraceRecorder? recorder)
    {
        _recorder = recorder;
        _start = recorder?.Now() ?? 0;
    }

    /// <summary>Starts measuring a span on <paramref name="device"/>'s trace, if one is on.</summary>
    public static TraceSpan Begin(Device device) => new(device.Tracer);

    /// <summary>Records the span from its start to now, with up to two numbers and a text.</summary>
    public void End(string name, string category, string? arg1 = null, long value1 = 0, string? arg2 = null, long value2 = 0, string? text = null) =>
        _recorder?.Host(name, category, _start, arg1, value1, arg2, value2, text);
}
