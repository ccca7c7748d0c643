using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace NpuSdk.Telemetry;

/// <summary>
/// NpuSdk's telemetry, under one name: a <see cref="Meter"/> and an <see cref="ActivitySource"/> both called
/// <see cref="Name"/>. The meter counts what reaches the device and what launch plans do; <c>dotnet-counters monitor
/// --counters NpuSdk</c> shows it, as does any <see cref="MeterListener"/> or OpenTelemetry meter provider that adds the
/// name. Every generated <see cref="NpuKernelAttribute"/> call is one activity (span). Nothing is recorded, and nothing
/// allocated, while nobody listens.
/// </summary>
/// <remarks>
/// <para>Instruments (tags in parentheses):</para>
/// <list type="bullet">
/// <item><c>npusdk.runs</c> <c>{run}</c>: kernel invocations executed, a run list of N counting N (<c>npusdk.backend</c>).</item>
/// <item><c>npusdk.submissions</c> <c>{submission}</c>: runs started alone and run lists executed (<c>npusdk.backend</c>).</item>
/// <item><c>npusdk.syncs</c> <c>{sync}</c> and <c>npusdk.sync.bytes</c> <c>By</c>: buffer syncs and the bytes they moved
/// (<c>npusdk.backend</c>, <c>npusdk.direction</c> = <c>to_device</c> or <c>from_device</c>).</item>
/// <item><c>npusdk.plans.built</c>, <c>npusdk.plans.hits</c>, <c>npusdk.plans.evicted</c>, <c>npusdk.plans.discarded</c>
/// <c>{plan}</c>: launch plans built for a call, reused by one, released to keep a session's idle cap, released because
/// their runs failed or timed out.</item>
/// <item><c>npusdk.contexts.opened</c>, <c>npusdk.contexts.evicted</c> <c>{context}</c>: hardware contexts opened (first
/// opens and reopens after an eviction) and closed to stay within the device's budget; <c>npusdk.contexts.live</c>
/// <c>{context}</c>, an up-down counter: contexts alive (<c>npusdk.backend</c>).</item>
/// <item><c>npusdk.call.duration</c> <c>s</c>, a histogram: how long each generated call took (<c>npusdk.method</c>,
/// <c>npusdk.backend</c>; <c>error.type</c> when it threw).</item>
/// </list>
/// <para>Each generated call's activity is named <c>NpuSdk.Call</c>, displayed as the method, with tags
/// <c>npusdk.method</c>, <c>npusdk.kernel</c>, <c>npusdk.xclbin</c>, <c>npusdk.shapes</c> (each operand's rows x
/// columns), <c>npusdk.invocations</c> and <c>npusdk.backend</c>; a call that throws ends with status Error and the
/// exception recorded.</para>
/// </remarks>
public static class NpuTelemetry
{
    /// <summary>The name of the meter and of the activity source: <c>NpuSdk</c>.</summary>
    public const string Name = "NpuSdk";

    /// <summary>The activity name of a generated call.</summary>
    public const string CallActivityName = "NpuSdk.Call";

    private static readonly string? Version = typeof(NpuTelemetry).Assembly.GetName().Version?.ToString();
    private static readonly Meter s_meter = new(Name, Version);
    internal static readonly ActivitySource Source = new(Name, Version);

    private static readonly Counter<long> s_runs = s_meter.CreateCounter<long>("npusdk.runs", "{run}", "Kernel invocations executed (a run list of N runs counts N).");
    private static readonly Counter<long> s_submissions = s_meter.CreateCounter<long>("npusdk.submissions", "{submission}", "Runs started alone and run lists executed.");
    private static readonly Counter<long> s_syncs = s_meter.CreateCounter<long>("npusdk.syncs", "{sync}", "Buffer syncs to or from the device.");
    private static readonly Counter<long> s_syncBytes = s_meter.CreateCounter<long>("npusdk.sync.bytes", "By", "Bytes synced to or from the device.");
    private static readonly Counter<long> s_plansBuilt = s_meter.CreateCounter<long>("npusdk.plans.built", "{plan}", "Launch plans built for a call that found no idle plan.");
    private static readonly Counter<long> s_planHits = s_meter.CreateCounter<long>("npusdk.plans.hits", "{plan}", "Calls that reused an idle launch plan.");
    private static readonly Counter<long> s_plansEvicted = s_meter.CreateCounter<long>("npusdk.plans.evicted", "{plan}", "Idle launch plans released to keep a session within its cap.");
    private static readonly Counter<long> s_plansDiscarded = s_meter.CreateCounter<long>("npusdk.plans.discarded", "{plan}", "Launch plans released because their runs failed or timed out.");
    private static readonly Counter<long> s_contextsOpened = s_meter.CreateCounter<long>("npusdk.contexts.opened", "{context}", "Hardware contexts opened, first opens and reopens after an eviction.");
    private static readonly Counter<long> s_contextsEvicted = s_meter.CreateCounter<long>("npusdk.contexts.evicted", "{context}", "Hardware contexts closed to stay within the device's budget.");
    private static readonly UpDownCounter<long> s_contextsLive = s_meter.CreateUpDownCounter<long>("npusdk.contexts.live", "{context}", "Hardware contexts alive.");
    private static readonly Histogram<double> s_callDuration = s_meter.CreateHistogram<double>("npusdk.call.duration", "s", "Duration of generated [NpuKernel] calls.");

    private static KeyValuePair<string, object?> BackendTag(string backend) => new("npusdk.backend", backend);

    internal static void AddRuns(long runs, string backend)
    {
        if (s_runs.Enabled) s_runs.Add(runs, BackendTag(backend));
    }

    internal static void AddSubmission(string backend)
    {
        if (s_submissions.Enabled) s_submissions.Add(1, BackendTag(backend));
    }

    internal static void AddSync(SyncDirection direction, ulong bytes, string backend)
    {
        var tag = new KeyValuePair<string, object?>("npusdk.direction", direction == SyncDirection.ToDevice ? "to_device" : "from_device");
        if (s_syncs.Enabled) s_syncs.Add(1, BackendTag(backend), tag);
        if (s_syncBytes.Enabled) s_syncBytes.Add((long)bytes, BackendTag(backend), tag);
    }

    internal static void ContextOpened(string backend)
    {
        if (s_contextsOpened.Enabled) s_contextsOpened.Add(1, BackendTag(backend));
        if (s_contextsLive.Enabled) s_contextsLive.Add(1, BackendTag(backend));
    }

    internal static void ContextClosed(string backend)
    {
        if (s_contextsLive.Enabled) s_contextsLive.Add(-1, BackendTag(backend));
    }

    internal static void ContextEvicted(string backend)
    {
        if (s_contextsEvicted.Enabled) s_contextsEvicted.Add(1, BackendTag(backend));
    }

    internal static void PlanBuilt() => s_plansBuilt.Add(1);
    internal static void PlanHit() => s_planHits.Add(1);
    internal static void PlanEvicted() => s_plansEvicted.Add(1);
    internal static void PlanDiscarded() => s_plansDiscarded.Add(1);

    /// <summary>Starts a generated call's span and clock; both are nothing while nobody listens.</summary>
    internal static NpuCallTelemetry StartCall(Launch.KernelBinding binding, in KernelModel.Patterns.CallShapes shapes, Device device)
    {
        var activity = Source.HasListeners() ? Source.StartActivity(CallActivityName, ActivityKind.Internal) : null;
        if (activity is not null)
        {
            activity.DisplayName = binding.Method;
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("npusdk.method", binding.Method);
                activity.SetTag("npusdk.kernel", binding.Descriptor.KernelName);
                activity.SetTag("npusdk.xclbin", binding.Descriptor.XclbinPath);
                activity.SetTag("npusdk.shapes", Shapes(shapes));
                activity.SetTag("npusdk.backend", device.BackendName);
            }
        }
        return new NpuCallTelemetry(activity, s_callDuration.Enabled || activity is not null ? Stopwatch.GetTimestamp() : 0, binding.Method, device.BackendName);
    }

    private static string Shapes(in KernelModel.Patterns.CallShapes shapes)
    {
        var text = new StringBuilder();
        for (int i = 0; i < shapes.Count; i++)
            text.Append(i == 0 ? "" : ", ").Append(shapes.Rows(i)).Append('x').Append(shapes.Cols(i));
        return text.ToString();
    }

    internal static void RecordCall(double seconds, string method, string backend, string? error)
    {
        if (!s_callDuration.Enabled) return;
        var methodTag = new KeyValuePair<string, object?>("npusdk.method", method);
        if (error is null) s_callDuration.Record(seconds, methodTag, BackendTag(backend));
        else s_callDuration.Record(seconds, methodTag, BackendTag(backend), new KeyValuePair<string, object?>("error.type", error));
    }
}

/// <summary>One generated call's span and start time (<see cref="NpuTelemetry.StartCall"/>); a struct, so a call nobody watches costs no allocation.</summary>
internal struct NpuCallTelemetry(Activity? activity, long started, string method, string backend)
{
    private string? _error;

    /// <summary>The plan the call runs: its invocation count goes on the span.</summary>
    internal readonly void Planned(int invocations) => activity?.SetTag("npusdk.invocations", invocations);

    /// <summary>Records the exception the call is about to throw; always false, for use as an exception filter.</summary>
    internal bool Failed(Exception e)
    {
        _error = e.GetType().FullName;
        activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        activity?.AddException(e);
        return false;
    }

    /// <summary>
    /// Leaves the span running (an asynchronous call's, which the completion thread ends) but no longer current on the
    /// calling thread, so the caller's own work afterwards is not parented to it.
    /// </summary>
    internal readonly void Detach()
    {
        if (activity is not null && Activity.Current == activity) Activity.Current = activity.Parent;
    }

    /// <summary>Ends the span and records the duration.</summary>
    internal readonly void Stop()
    {
        if (started != 0) NpuTelemetry.RecordCall(Stopwatch.GetElapsedTime(started).TotalSeconds, method, backend, _error);
        activity?.Dispose();
    }
}
