using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NpuSdk.Emulation;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The <c>NpuSdk</c> meter and activity source, heard through <see cref="MeterListener"/> and <see cref="ActivityListener"/>
/// around generated calls on the emulator: the counts agree with the device's and the session's own, each call is one
/// span with its kernel, shapes, invocations and backend, a failed call says so on its span and its duration, and once
/// the listeners are gone a steady-state call allocates nothing again. Listeners hear the whole process, so these tests
/// run in a collection of their own, alone.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests
{
    private const int M = 48, K = 32, N = 40;   // 3 x 2 x 3 = 18 tile invocations (the last column block padded)
    private static readonly sbyte[] s_a = MatMulReference.Random(M * K, seed: 21);
    private static readonly sbyte[] s_b = MatMulReference.Random(K * N, seed: 22);

    private static void MatMul(NpuSession session) =>
        GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(s_a, M, K), new ReadOnlySpan2D<sbyte>(s_b, K, N), new Span2D<sbyte>(new sbyte[M * N], M, N));

    /// <summary>Every measurement of the NpuSdk meter while it is alive: instrument, value and tags.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> All { get; } = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == NpuTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => All.Enqueue((i.Name, v, ToDictionary(tags))));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => All.Enqueue((i.Name, v, ToDictionary(tags))));
            _listener.Start();
        }

        private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var d = new Dictionary<string, object?>();
            foreach (var t in tags) d[t.Key] = t.Value;
            return d;
        }

        public long Sum(string instrument, params (string Key, string Value)[] tags) => (long)All
            .Where(m => m.Instrument == instrument && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value)))
            .Sum(m => m.Value);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Every NpuSdk activity that stopped while it is alive.</summary>
    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;
        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public Spans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == NpuTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void TheMetersCountsAreTheDevicesAndTheSessionsOwn()
    {
        using var measurements = new Measurements();
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);
        MatMul(session);
        MatMul(session);

        var emulator = ("npusdk.backend", "emulator");
        Assert.Equal(36, device.Counters.Runs);
        Assert.Equal(device.Counters.Runs, measurements.Sum("npusdk.runs", emulator));
        Assert.Equal(device.Counters.Submissions, measurements.Sum("npusdk.submissions", emulator));
        Assert.Equal(device.Counters.SyncsToDevice, measurements.Sum("npusdk.syncs", emulator, ("npusdk.direction", "to_device")));
        Assert.Equal(device.Counters.SyncsFromDevice, measurements.Sum("npusdk.syncs", emulator, ("npusdk.direction", "from_device")));
        Assert.Equal(device.Counters.BytesToDevice, measurements.Sum("npusdk.sync.bytes", emulator, ("npusdk.direction", "to_device")));
        Assert.Equal(device.Counters.BytesFromDevice, measurements.Sum("npusdk.sync.bytes", emulator, ("npusdk.direction", "from_device")));
        Assert.True(device.Counters.BytesFromDevice > 0);
        Assert.Equal(1, measurements.Sum("npusdk.plans.built"));
        Assert.Equal(1, measurements.Sum("npusdk.plans.hits"));

        var durations = measurements.All.Where(m => m.Instrument == "npusdk.call.duration").ToArray();
        Assert.Equal(2, durations.Length);
        Assert.All(durations, d =>
        {
            Assert.Equal("GeneratedKernels.MatMul", d.Tags["npusdk.method"]);
            Assert.Equal("emulator", d.Tags["npusdk.backend"]);
            Assert.False(d.Tags.ContainsKey("error.type"));
            Assert.True(double.IsFinite(d.Value) && d.Value >= 0);
        });
    }

    [Fact]
    public void EvictedAndDiscardedPlansAreCountedAndAFailedCallSaysWhyOnItsSpanAndItsDuration()
    {
        var faults = new EmulatorFaults();
        using var measurements = new Measurements();
        using var spans = new Spans();
        using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Faults = faults }));
        using var session = new NpuSession(device) { MaxIdlePlans = 0 };

        MatMul(session);   // its plan goes back to a pool with no room: evicted
        faults.Inject(EmulatorFaultKind.Error, kernelName: "MLIR_AIE", invocation: 4);
        Assert.Throws<NpuCommandFailedException>(() => MatMul(session));   // its plan may be in use by the device: discarded

        Assert.Equal(session.PlansEvicted, measurements.Sum("npusdk.plans.evicted"));
        Assert.Equal(1, session.PlansEvicted);
        Assert.Equal(session.PlansDiscarded, measurements.Sum("npusdk.plans.discarded"));
        Assert.Equal(1, session.PlansDiscarded);
        Assert.Equal(2, measurements.Sum("npusdk.plans.built"));

        var failed = Assert.Single(measurements.All, m => m.Instrument == "npusdk.call.duration" && m.Tags.ContainsKey("error.type"));
        Assert.Equal(typeof(NpuCommandFailedException).FullName, failed.Tags["error.type"]);
        var span = Assert.Single(spans.Stopped, s => s.Status == ActivityStatusCode.Error);
        Assert.Contains(span.Events, e => e.Name == "exception");
        Assert.Equal(2, spans.Stopped.Count);
    }

    [Fact]
    public void EachGeneratedCallIsOneSpanWithItsKernelShapesInvocationsAndBackend()
    {
        using var spans = new Spans();
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);
        MatMul(session);

        var span = Assert.Single(spans.Stopped);
        Assert.Equal(NpuTelemetry.CallActivityName, span.OperationName);
        Assert.Equal("GeneratedKernels.MatMul", span.DisplayName);
        Assert.Equal(NpuTelemetry.Name, span.Source.Name);
        Assert.Equal("GeneratedKernels.MatMul", span.GetTagItem("npusdk.method"));
        Assert.Equal("MLIR_AIE", span.GetTagItem("npusdk.kernel"));
        Assert.Equal("matmul_16x16_int8.xclbin", span.GetTagItem("npusdk.xclbin"));
        Assert.Equal($"{M}x{K}, {K}x{N}, {M}x{N}", span.GetTagItem("npusdk.shapes"));
        Assert.Equal(18, span.GetTagItem("npusdk.invocations"));
        Assert.Equal(18, device.Counters.Runs);
        Assert.Equal("emulator", span.GetTagItem("npusdk.backend"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(Activity.Current);
    }

    [Fact]
    public async Task AnAsynchronousCallsSpanEndsWhenItsTaskDoesAndTheCallerIsNotLeftInsideIt()
    {
        using var spans = new Spans();
        using var measurements = new Measurements();
        var latency = TimeSpan.FromMilliseconds(100);
        using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { RunLatency = latency }));
        using var session = new NpuSession(device);
        var c = new sbyte[M * N];

        var call = GeneratedKernels.MatMulAsync(session, new ReadOnlyMemory2D<sbyte>(s_a, M, K), new ReadOnlyMemory2D<sbyte>(s_b, K, N), new Memory2D<sbyte>(c, M, N));
        Assert.Null(Activity.Current);   // submitted: the span runs on, but not as the caller's current activity
        Assert.Empty(spans.Stopped);
        await call;

        var span = Assert.Single(spans.Stopped);
        Assert.Equal("GeneratedKernels.MatMul", span.GetTagItem("npusdk.method"));
        Assert.Equal(18, span.GetTagItem("npusdk.invocations"));
        // 18 runs of at least 100 ms each, one after another on the emulator's worker: the span covers them.
        Assert.True(span.Duration >= 18 * latency, $"the span lasted {span.Duration}");
        var duration = Assert.Single(measurements.All, m => m.Instrument == "npusdk.call.duration");
        Assert.True(duration.Value >= (18 * latency).TotalSeconds, $"the recorded duration is {duration.Value} s");
        Assert.Equal(MatMulReference.Saturated(MatMulReference.HostSums(s_a, s_b, M, K, N, tile: 16)), c);
    }

    [Fact]
    public void WhenNobodyListensAnyMoreASteadyStateCallAllocatesNothing()
    {
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device);
        using (new Measurements())
        using (new Spans())
            MatMul(session);

        var a = new ReadOnlySpan2D<sbyte>(s_a, M, K);
        var b = new ReadOnlySpan2D<sbyte>(s_b, K, N);
        var c = new Span2D<sbyte>(new sbyte[M * N], M, N);
        for (int warm = 0; warm < 3; warm++) GeneratedKernels.MatMul(session, a, b, c);
        long before = GC.GetAllocatedBytesForCurrentThread();
        GeneratedKernels.MatMul(session, a, b, c);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Tests that listen to the whole process's NpuSdk telemetry: they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;
