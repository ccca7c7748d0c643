using System.Diagnostics;
using NpuSdk;
using NpuSdk.Telemetry;

namespace WhisperEncoder;

/// <summary>What each operator of the layer did, summed over its calls: runs, syncs, bytes and contexts opened from the
/// device's counters, the host's wall time, and the projected time (the emulator's latency model), for the table.</summary>
internal sealed class OperatorLog(Device device)
{
    public sealed class Entry(string name, bool onNpu)
    {
        public string Name { get; } = name;
        public bool OnNpu { get; } = onNpu;
        public long Calls { get; set; }
        public long Runs { get; set; }
        public long Syncs { get; set; }
        public long Bytes { get; set; }
        public long ContextsOpened { get; set; }
        public double HostMs { get; set; }
        public double? ProjectedMs { get; set; }
    }

    private readonly List<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Runs an operator on the NPU and records it.</summary>
    public void Npu(string name, Action call) => Record(name, onNpu: true, call);

    /// <summary>Runs host work between operators (bias adds, residuals, conversions) and records it.</summary>
    public void Host(string name, Action work) => Record(name, onNpu: false, work);

    private void Record(string name, bool onNpu, Action call)
    {
        var work = Work.Measure(device, call);
        var entry = _entries.FirstOrDefault(e => e.Name == name);
        if (entry is null) _entries.Add(entry = new Entry(name, onNpu));
        entry.Calls++;
        entry.Runs += work.Runs;
        entry.Syncs += work.Syncs;
        entry.Bytes += work.Bytes;
        entry.ContextsOpened += work.ContextsOpened;
        entry.HostMs += work.HostMs;
        if (onNpu && work.ProjectedMs is { } projected) entry.ProjectedMs = (entry.ProjectedMs ?? 0) + projected;
    }
}

/// <summary>What a piece of work did on the device, from its counters before and after: runs, submissions, syncs,
/// bytes and hardware contexts opened and evicted, the host's wall time, and the projected time when the device
/// projects one.</summary>
internal sealed record Work(long Runs, long Submissions, long Syncs, long Bytes, long ContextsOpened, long ContextsEvicted, double HostMs, double? ProjectedMs)
{
    public static Work Measure(Device device, Action work)
    {
        var c = device.Counters;
        long runs = c.Runs, submissions = c.Submissions, syncs = SyncsOf(c), bytes = BytesOf(c), opened = c.ContextsCreated, evicted = c.ContextsEvicted;
        var projected = device.ProjectedTime;
        var watch = Stopwatch.StartNew();
        work();
        double ms = watch.Elapsed.TotalMilliseconds;
        return new Work(c.Runs - runs, c.Submissions - submissions, SyncsOf(c) - syncs, BytesOf(c) - bytes, c.ContextsCreated - opened,
            c.ContextsEvicted - evicted, ms, device.ProjectedTime - projected is { } p ? p.TotalMilliseconds : null);
    }

    private static long SyncsOf(DeviceCounters c) => c.SyncsToDevice + c.SyncsFromDevice;
    private static long BytesOf(DeviceCounters c) => c.BytesToDevice + c.BytesFromDevice;
}
