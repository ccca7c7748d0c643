using System.Diagnostics;
using NpuSdk;

namespace WhisperEncoder;

/// <summary>What each operator of the layer did, summed over its calls: runs, syncs and bytes from the device's counters,
/// the host's wall time, and the projected Phoenix time (the emulator's latency model), for the table.</summary>
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
        var c = device.Counters;
        long runs = c.Runs, syncs = c.SyncsToDevice + c.SyncsFromDevice, bytes = c.BytesToDevice + c.BytesFromDevice;
        var projected = device.ProjectedTime;
        var watch = Stopwatch.StartNew();
        call();
        double ms = watch.Elapsed.TotalMilliseconds;
        var entry = _entries.FirstOrDefault(e => e.Name == name);
        if (entry is null) _entries.Add(entry = new Entry(name, onNpu));
        entry.Calls++;
        entry.Runs += c.Runs - runs;
        entry.Syncs += c.SyncsToDevice + c.SyncsFromDevice - syncs;
        entry.Bytes += c.BytesToDevice + c.BytesFromDevice - bytes;
        entry.HostMs += ms;
        if (onNpu && device.ProjectedTime is { } after && projected is { } before) entry.ProjectedMs = (entry.ProjectedMs ?? 0) + (after - before).TotalMilliseconds;
    }
}
