using System.Text.Json;
using NpuSdk.Emulation;
using NpuSdk.Tests.Emulator;

namespace NpuSdk.Tests.Tracing;

/// <summary>
/// The timeline trace: the host's operations on the wall clock, the projected device on tracks of its own, in the
/// Chrome trace-event format; bounded, and nothing recorded while off.
/// </summary>
public sealed class TraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npu-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Span(string Name, int Pid, int Tid, double Ts, double Dur, JsonElement Args);

    private static (List<Span> Spans, Dictionary<int, string> Processes, Dictionary<(int, int), string> Tracks, JsonElement Other) Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var spans = new List<Span>();
        var processes = new Dictionary<int, string>();
        var tracks = new Dictionary<(int, int), string>();
        foreach (var e in doc.RootElement.GetProperty("traceEvents").EnumerateArray())
        {
            string ph = e.GetProperty("ph").GetString()!, name = e.GetProperty("name").GetString()!;
            int pid = e.GetProperty("pid").GetInt32(), tid = e.GetProperty("tid").GetInt32();
            if (ph == "M" && name == "process_name") processes[pid] = e.GetProperty("args").GetProperty("name").GetString()!;
            if (ph == "M" && name == "thread_name") tracks[(pid, tid)] = e.GetProperty("args").GetProperty("name").GetString()!;
            if (ph == "X")
                spans.Add(new Span(name, pid, tid, e.GetProperty("ts").GetDouble(), e.GetProperty("dur").GetDouble(),
                    e.TryGetProperty("args", out var a) ? a.Clone() : default));
        }
        return (spans, processes, tracks, doc.RootElement.GetProperty("otherData").Clone());
    }

    [Fact]
    public void The_host_operations_and_the_projected_device_are_written_on_their_tracks_with_their_bytes_and_states()
    {
        string path = Path.Combine(_dir, "rig.json");
        using var rig = new TileKernelRig(new EmulatorOptions { Latency = LatencyModel.Phoenix });
        using (var trace = rig.Device.StartTrace(path))
        {
            rig.Input.Sync(SyncDirection.ToDevice);
            using var run = rig.BoundRun();
            run.Start();
            run.Wait(TimeSpan.FromSeconds(5)).ThrowIfNotCompleted();
            using var list = new RunList(rig.Context);
            for (int i = 0; i < 30; i++) list.Add(rig.BoundRun());
            list.Execute();
            list.Wait(TimeSpan.FromSeconds(5)).ThrowIfNotCompleted();
            rig.Output.Sync(SyncDirection.FromDevice);
            Assert.True(trace.Events > 0);
        }
        var (spans, processes, tracks, _) = Read(path);

        // The host, on the wall clock: what the program did, with its bytes and the states it was told.
        var host = spans.Where(s => s.Pid == 1).ToList();
        var sync = Assert.Single(host, s => s.Name == "sync to device");
        Assert.Equal(2 * 16 * 16, sync.Args.GetProperty("bytes").GetInt64());
        Assert.Single(host, s => s.Name == "start run");
        Assert.Equal("Completed", Assert.Single(host, s => s.Name == "wait run").Args.GetProperty("detail").GetString());
        var execute = Assert.Single(host, s => s.Name == "execute run list");
        Assert.Equal(30, execute.Args.GetProperty("runs").GetInt64());
        Assert.Equal("Completed", Assert.Single(host, s => s.Name == "wait run list").Args.GetProperty("detail").GetString());
        Assert.Single(host, s => s.Name == "sync from device");

        // The projected device, in a process of its own: one command for the lone run, chain commands of 24 for the list.
        int projected = processes.Single(p => p.Value.Contains("projected", StringComparison.Ordinal)).Key;
        Assert.Contains("LatencyModel.Phoenix", processes[projected]);
        Assert.Equal("device: runs", tracks[(projected, 3)]);
        var device = spans.Where(s => s.Pid == projected).ToList();
        Assert.Equal(31, device.Count(s => s.Name == "run"));
        var chains = device.Where(s => s.Name == "chain command").OrderBy(s => s.Ts).ToList();
        Assert.Equal([24L, 6L], chains.Select(c => c.Args.GetProperty("runs").GetInt64()).ToArray());
        var model = LatencyModel.Phoenix;
        double perRun = model.PerRun.TotalMicroseconds + model.ComputeSeconds(ComputePrecision.Int8, 16 * 16 * 16, 1) * 1e6;
        Assert.Equal(model.PerCommandOnDevice.TotalMicroseconds + 24 * perRun, chains[0].Dur, 2);
        // Runs follow one another inside their command, and the second command starts where the first ends.
        Assert.Equal(chains[0].Ts + chains[0].Dur, chains[1].Ts, 2);
        var projectedSyncs = device.Where(s => s.Name.StartsWith("sync", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, projectedSyncs.Count);
        Assert.Equal(model.SyncSeconds(512) * 1e6, projectedSyncs.First(s => s.Name == "sync to device").Dur, 2);
    }

    [Fact]
    public void A_trace_keeps_at_most_its_cap_and_says_how_many_it_left_out()
    {
        string path = Path.Combine(_dir, "capped.json");
        using var rig = new TileKernelRig();
        using (var trace = rig.Device.StartTrace(path, maxEvents: 10))
        {
            for (int i = 0; i < 25; i++) rig.Input.Sync(SyncDirection.ToDevice);
            Assert.Equal(10, trace.Events);
            Assert.Equal(15, trace.DroppedEvents);
        }
        var (spans, _, _, other) = Read(path);
        Assert.Equal(10, spans.Count);
        Assert.Equal(15, other.GetProperty("droppedEvents").GetInt64());
        Assert.Contains("trace full: 10 events kept, 15 later ones left out", File.ReadAllText(path));
    }

    [Fact]
    public void Nothing_is_recorded_before_a_trace_starts_or_after_it_is_disposed()
    {
        string path = Path.Combine(_dir, "window.json");
        using var rig = new TileKernelRig(new EmulatorOptions { Latency = LatencyModel.Phoenix });
        rig.Input.Sync(SyncDirection.ToDevice);
        Assert.Null(rig.Device.Tracer);
        var trace = rig.Device.StartTrace(path);
        rig.Output.Sync(SyncDirection.FromDevice);
        trace.Dispose();
        Assert.Null(rig.Device.Tracer);
        rig.Input.Sync(SyncDirection.ToDevice);
        var (spans, _, _, _) = Read(path);
        Assert.Equal(["sync from device", "sync from device"], spans.Select(s => s.Name).ToArray());   // the host's, the projection's
        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Device.StartTrace(path, maxEvents: 0));
        Assert.Throws<ArgumentException>(() => rig.Device.StartTrace(""));
    }
}
