using NpuSdk.Tracing;

namespace NpuSdk.Telemetry;

/// <summary>
/// A timeline trace of what devices do, in the Chrome trace-event format that Perfetto (ui.perfetto.dev) and
/// <c>chrome://tracing</c> open. On the host's wall clock, one track per thread: each generated call and its steps
/// (validate, plan, pack, sync, submit, wait, unpack), and every runtime operation (allocations, syncs with their bytes,
/// run starts, run-list submissions, waits with the command state XRT or the emulator reports, context opens and closes).
/// On the emulator with a latency model, each device's projected timeline in a process of its own, on the model's
/// clocks from the device's open: the host's projected operations, the device's chain commands and runs with their
/// compute, and context opens and evictions.
/// </summary>
/// <remarks>
/// Off unless asked for: <see cref="Device.StartTrace"/> traces one device until the trace is disposed, and
/// <c>NPUSDK_TRACE=path.json</c> traces every device the process opens, written when it exits. A trace keeps at most
/// <see cref="MaxEvents"/> events (the first ones; the file says how many later ones it left out). While no trace is
/// on, nothing is recorded and nothing allocated.
/// </remarks>
public sealed class NpuTrace : IDisposable
{
    /// <summary>The environment variable that traces every device of the process into the file it names.</summary>
    public const string EnvironmentVariable = "NPUSDK_TRACE";

    /// <summary>The default cap on events kept: about 150 MB of JSON.</summary>
    public const int DefaultMaxEvents = 1_000_000;

    private readonly List<Device> _devices = new();
    private int _written;

    private NpuTrace(string path, int maxEvents)
    {
        Path = System.IO.Path.GetFullPath(path);
        Recorder = new TraceRecorder(maxEvents);
    }

    /// <summary>Where the trace is written.</summary>
    public string Path { get; }

    /// <summary>The most events the trace keeps.</summary>
    public int MaxEvents => Recorder.MaxEvents;

    /// <summary>Events recorded so far (at most <see cref="MaxEvents"/>).</summary>
    public int Events => Recorder.Count;

    /// <summary>Events left out because the trace was full.</summary>
    public long DroppedEvents => Recorder.Dropped;

    internal TraceRecorder Recorder { get; }

    private static readonly Lazy<NpuTrace?> s_process = new(OpenForProcess, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The trace <see cref="EnvironmentVariable"/> asks for, started with the first device and written at exit; null when unset.</summary>
    internal static NpuTrace? ForProcess => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } ? s_process.Value : null;

    private static NpuTrace? OpenForProcess()
    {
        string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(path)) return null;
        var trace = new NpuTrace(path, DefaultMaxEvents);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => trace.Write();
        return trace;
    }

    internal static NpuTrace Start(Device device, string path, int maxEvents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        var trace = new NpuTrace(path, maxEvents);
        trace.Attach(device);
        return trace;
    }

    internal void Attach(Device device)
    {
        lock (_devices) _devices.Add(device);
        device.AttachTrace(Recorder);
    }

    /// <summary>Writes the trace now (it keeps recording); returns its path.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public string Write()
    {
        string? folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        using var file = File.Create(Path);
        TraceWriter.Write(Recorder, file);
        Interlocked.Exchange(ref _written, 1);
        return Path;
    }

    /// <summary>Stops tracing the device and writes the file.</summary>
    public void Dispose()
    {
        Device[] devices;
        lock (_devices)
        {
            devices = _devices.ToArray();
            _devices.Clear();
        }
        foreach (var d in devices) d.DetachTrace(Recorder);
        if (devices.Length > 0 || Volatile.Read(ref _written) == 0) Write();
    }
}
