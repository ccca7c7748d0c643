using System.Diagnostics;
using NpuSdk.Tracing;

namespace NpuSdk.Emulation;

/// <summary>
/// The two clocks of a <see cref="LatencyModel"/> projection: the host's and the device's, in seconds since the
/// device opened. The emulator advances it as a program runs; <c>npu plan</c> and the calibration test advance it with
/// the operations of a plan or of a published workload. Thread-safe. While a trace is attached, every operation is
/// also a span on the projected tracks: the host's, the device's chain commands and runs, and the contexts.
/// </summary>
internal sealed class ProjectedTimeline(LatencyModel model)
{
    private readonly object _gate = new();
    private readonly long _opened = Stopwatch.GetTimestamp();
    private double _host, _deviceFree;
    private (TraceRecorder Recorder, int Pid, double Origin)? _trace;

    public LatencyModel Model { get; } = model;

    /// <summary>The projected time so far: when both the host and the device are done.</summary>
    public double Seconds
    {
        get { lock (_gate) return Math.Max(_host, _deviceFree); }
    }

    private const int HostTrack = 1, CommandTrack = 2, RunTrack = 3, ContextTrack = 4;

    /// <summary>
    /// Records the projection on <paramref name="recorder"/> from now on, as a process of its own named <paramref name="name"/>,
    /// its clocks' zero at the device's open on the trace's clock; null stops.
    /// </summary>
    public void Attach(TraceRecorder? recorder, string name)
    {
        lock (_gate)
        {
            if (recorder is null)
            {
                _trace = null;
                return;
            }
            int pid = recorder.AddProcess(name);
            recorder.NameTrack(pid, HostTrack, "host (projected)");
            recorder.NameTrack(pid, CommandTrack, "device: commands");
            recorder.NameTrack(pid, RunTrack, "device: runs");
            recorder.NameTrack(pid, ContextTrack, "contexts");
            _trace = (recorder, pid, recorder.Micros(_opened));
        }
    }

    /// <summary>Host work the model does not break down further (a language binding's overhead).</summary>
    public void Host(double seconds) => HostSpan("host work", seconds);

    public void OpenContext(string? xclbin = null) => HostSpan("open context", Model.PerContextOpen.TotalSeconds, ContextTrack, xclbin);

    public void CloseContext(string? xclbin = null) => HostSpan("close context", Model.PerContextClose.TotalSeconds, ContextTrack, xclbin);

    public void Allocate(ulong bytes) => HostSpan("allocate", Model.AllocationSeconds(bytes), bytes: bytes);

    public void Sync(ulong bytes, SyncDirection direction = SyncDirection.ToDevice) =>
        HostSpan(direction == SyncDirection.ToDevice ? "sync to device" : "sync from device", Model.SyncSeconds(bytes), bytes: bytes);

    private void HostSpan(string name, double seconds, int track = HostTrack, string? detail = null, ulong? bytes = null)
    {
        lock (_gate)
        {
            double start = _host;
            _host += seconds;
            if (_trace is { } t)
            {
                t.Recorder.Add(new TraceEvent(name, "projected", At(t.Origin, start), seconds * 1e6, t.Pid, HostTrack,
                    bytes is null ? null : "bytes", (long)(bytes ?? 0), Text: detail));
                if (track != HostTrack)
                    t.Recorder.Add(new TraceEvent(name, "projected", At(t.Origin, start), seconds * 1e6, t.Pid, track, Text: detail));
            }
        }
    }

    private static double At(double origin, double seconds) => origin + seconds * 1e6;

    /// <summary>
    /// Submits <paramref name="runs"/> runs whose compute takes <paramref name="computeSeconds"/> in all: one command
    /// for a run started alone, one chain command per <see cref="LatencyModel.RunsPerChainCommand"/> runs of a run list.
    /// The host pays each command's submission; the device starts when it is free and the first command has arrived.
    /// </summary>
    /// <returns>When the device completes the last run, for <see cref="Wait"/>.</returns>
    public double Submit(int runs, double computeSeconds, bool chained)
    {
        if (runs <= 0) return 0;
        int commands = chained ? Model.ChainCommands(runs) : 1;
        double submission = Model.PerSubmission.TotalSeconds;
        lock (_gate)
        {
            double submitted = _host;
            _host += submission;
            double start = Math.Max(_deviceFree, _host);
            // Later chain commands are submitted while the device works on the first: they only add their host cost.
            _host += (commands - 1) * submission;
            _deviceFree = start + commands * Model.PerCommandOnDevice.TotalSeconds + runs * Model.PerRun.TotalSeconds + computeSeconds;
            if (_trace is { } t) TraceSubmission(t, submitted, start, runs, commands, computeSeconds, chained);
            return _deviceFree;
        }
    }

    /// <summary>The submission on the host's track, each command on the device's and each run, with its share of the compute, within it.</summary>
    private void TraceSubmission((TraceRecorder Recorder, int Pid, double Origin) t, double submitted, double start, int runs, int commands, double computeSeconds, bool chained)
    {
        t.Recorder.Add(new TraceEvent(chained ? "submit run list" : "start run", "projected", At(t.Origin, submitted), (_host - submitted) * 1e6, t.Pid, HostTrack,
            "runs", runs, "commands", commands));
        double perRun = Model.PerRun.TotalSeconds + computeSeconds / runs, at = start;
        int perCommand = chained ? Model.RunsPerChainCommand : 1;
        for (int c = 0, first = 0; c < commands; c++, first += perCommand)
        {
            int inCommand = Math.Min(perCommand, runs - first);
            double length = Model.PerCommandOnDevice.TotalSeconds + inCommand * perRun;
            t.Recorder.Add(new TraceEvent(chained ? "chain command" : "command", "projected", At(t.Origin, at), length * 1e6, t.Pid, CommandTrack,
                "runs", inCommand, "first run", first));
            double runAt = at + Model.PerCommandOnDevice.TotalSeconds;
            for (int r = 0; r < inCommand; r++, runAt += perRun)
                t.Recorder.Add(new TraceEvent("run", "projected", At(t.Origin, runAt), perRun * 1e6, t.Pid, RunTrack, "run", first + r,
                    "compute ns", (long)(computeSeconds / runs * 1e9)));
            at += length;
        }
    }

    /// <summary>A wait on work that completes at <paramref name="completion"/>: blocks and wakes if it is later than the host's clock, else costs nothing.</summary>
    public void Wait(double completion)
    {
        lock (_gate)
        {
            if (completion <= _host) return;
            double start = _host;
            _host = completion + Model.PerBlockingWait.TotalSeconds;
            if (_trace is { } t)
                t.Recorder.Add(new TraceEvent("wait", "projected", At(t.Origin, start), (_host - start) * 1e6, t.Pid, HostTrack));
        }
    }
}
