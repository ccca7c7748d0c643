using System.Diagnostics;
using System.Text.Json;
using NpuSdk;
using NpuSdk.Emulation;
using Spectre.Console;
using TilingStrategies;
using NpuSdk.Backends;

// The original port's int8 matmul three ways, on the library's designs:
//   per-tile   the port's loop, written in C# over the runtime API: per call a write, a sync, a launch, a blocking wait,
//              a sync back and a read (a C# loop over XRT, not the Python port: its own Python figures are 15,034 ms and
//              11,485 ms at 512³, ORIGINAL-PORT.md);
//   waves      the port's "waves": 512 calls in flight over 512 buffer slots, each wave's syncs once, every run waited on;
//   generated  one [NpuKernel] call: one buffer per argument for every block, one sync each way, one run list, one wait.
// For each it counts runs, submissions, waits, syncs and bytes per call, times the host (median of the timed
// repetitions after a warm-up) and projects the time on a Phoenix NPU (LatencyModel.Phoenix on the emulator).
//
//   dotnet run -c Release --project samples/TilingStrategies [-- --quick] [--output FILE] [--no-xrt]

var options = Options.Parse(args);
// A log or a pipe gets the table at its natural width rather than folded into 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 170;
if (options.Error is { } usage)
{
    Console.Error.WriteLine($"TilingStrategies: {usage} (usage: TilingStrategies [--quick] [--output FILE] [--no-xrt])");
    return 2;
}

// The case traced: small enough that each strategy's trace opens at once (512 runs), large enough to show the pattern.
const string TraceCase = "128x128x128/int8/tile16";

TilingCase[] cases =
[
    new("64x64x64/int8/tile16", "matmul_16x16_int8", 64, 64, 64),
    new("128x128x128/int8/tile16", "matmul_16x16_int8", 128, 128, 128),
    new("512x512x512/int8/tile16", "matmul_16x16_int8", 512, 512, 512),
    new("512x512x512/int8/tile64", "matmul_64x64_int8", 512, 512, 512),
    new("512x512x512/int8/kstrip64", "matmul_kstrip_64x64_int8", 512, 512, 512),
    new("512x512x512/int8/whole-array", "matmul_whole_array_int8", 512, 512, 512),
];

var backends = new List<(string Name, Func<Device> Open)>();
var selection = NpuBackends.Select();
if (selection.Backend is EmulatorBackend)
    backends.Add(("emulator", () => Device.Open(new EmulatorBackend(new EmulatorOptions { Latency = LatencyModel.Phoenix }))));
else
    backends.Add((selection.Backend.Name, () => Device.Open(selection.Backend)));
string? noopMissing = options.NoXrt ? "--no-xrt" : selection.Backend is EmulatorBackend ? NoopXrtDevice.Unavailable() : "the default backend is already xrt";
if (noopMissing is null) backends.Add(("xrt-noop", NoopXrtDevice.Open));

AnsiConsole.MarkupLine($"[bold]Tiling strategies[/] for the original port's int8 matmul; default backend: {Markup.Escape(selection.Backend.Name)} ({Markup.Escape(selection.Reason)})");
if (noopMissing is not null) AnsiConsole.MarkupLine($"XRT's no-op device: not run ({Markup.Escape(noopMissing)}).");
AnsiConsole.MarkupLine($"{options.Repetitions} timed repetition(s) after a warm-up{(options.Quick ? " (--quick)" : "")}.");

var rows = new List<Row>();
var projections = new Dictionary<(string, string), double>();
bool allMatch = true;
foreach (var (backendName, open) in backends)
{
    foreach (var c in cases)
    {
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(backendName)}: {Markup.Escape(c.Name)}[/]");
        var rng = new Random(c.M * 31 + c.N);
        var a = new sbyte[c.M * c.K];
        var b = new sbyte[c.K * c.N];
        for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(-128, 128);
        for (int i = 0; i < b.Length; i++) b[i] = (sbyte)rng.Next(-128, 128);

        using var device = open();
        using var session = new NpuSession(device);
        using var loops = new HandWrittenLoops(device, AppContext.BaseDirectory, c.Design);
        using var waves = loops.PlanWaves(c.K);
        Array New() => loops.OutputIsInt8 ? new sbyte[c.M * c.N] : new int[c.M * c.N];
        var strategies = new (string Name, Action<Array> Call)[]
        {
            ("per-tile", o => loops.PerTile(a, b, c.M, c.K, c.N, o)),
            ("waves", o => loops.Waves(waves, a, b, c.M, c.K, c.N, o)),
            ("generated", o => Generated(session, c, a, b, o)),
        };
        var outputs = new List<Array>();
        foreach (var (name, call) in strategies)
        {
            var output = New();
            // One case traced per strategy, on the first backend: one steady-state call after the timed ones, host and projected device.
            string? tracePath = c.Name == TraceCase && backendName == backends[0].Name
                ? Path.Combine(TraceFolder(Path.GetFullPath(options.Output)), $"tiling-{name}.json") : null;
            var row = Measure(device, backendName, c, name, () => call(output), options.Repetitions, tracePath);
            if (row.ProjectedMs is { } p) projections[(c.Name, name)] = p;
            else if (projections.TryGetValue((c.Name, name), out double q)) row = row with { ProjectedMs = q, Note = row.Note + " Projected: the emulator's projection of the same operations." };
            rows.Add(row);
            outputs.Add(output);
        }
        // XRT's no-op device computes nothing, so only an emulator's (or an NPU's) results can be compared.
        if (backendName != "xrt-noop")
        {
            var first = Ints(outputs[0]);
            bool match = outputs.Skip(1).All(o => Ints(o).AsSpan().SequenceEqual(first));
            allMatch &= match;
            for (int i = rows.Count - 3; i < rows.Count; i++) rows[i] = rows[i] with { ResultsMatch = match };
            if (!match) AnsiConsole.MarkupLine($"[red]{Markup.Escape(c.Name)} on {Markup.Escape(backendName)}: the strategies' results differ[/]");
        }
    }
}

Print(rows);
string outputPath = Path.GetFullPath(options.Output);
Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
File.WriteAllText(outputPath, JsonSerializer.Serialize(rows, new JsonSerializerOptions
{
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
}) + "\n");
AnsiConsole.MarkupLine($"Wrote {Markup.Escape(outputPath)}.");
string chartPath = Path.ChangeExtension(outputPath, ".png");
Chart.Write(rows.Where(r => r.Backend == backends[0].Name).ToList(), backends[0].Name, chartPath);
AnsiConsole.MarkupLine($"Wrote {Markup.Escape(chartPath)} (the chart) and a trace per strategy of {Markup.Escape(TraceCase)} in {Markup.Escape(TraceFolder(outputPath))} " +
    "(open one in https://ui.perfetto.dev or chrome://tracing; docs/performance.md).");
Summarise(rows);
if (!allMatch)
{
    AnsiConsole.MarkupLine("[red]The strategies' results differ (see above).[/]");
    return 1;
}
AnsiConsole.MarkupLine("Results: the three strategies agree element for element on every case (emulator).");
return 0;

static void Generated(NpuSession session, TilingCase c, sbyte[] a, sbyte[] b, Array output)
{
    var av = new ReadOnlySpan2D<sbyte>(a, c.M, c.K);
    var bv = new ReadOnlySpan2D<sbyte>(b, c.K, c.N);
    switch (c.Design)
    {
        case "matmul_16x16_int8": TilingKernels.Tile16(session, av, bv, new Span2D<sbyte>((sbyte[])output, c.M, c.N)); break;
        case "matmul_64x64_int8": TilingKernels.Tile64(session, av, bv, new Span2D<sbyte>((sbyte[])output, c.M, c.N)); break;
        case "matmul_kstrip_64x64_int8": TilingKernels.KStrip(session, av, bv, new Span2D<int>((int[])output, c.M, c.N)); break;
        default: TilingKernels.WholeArray(session, av, bv, new Span2D<int>((int[])output, c.M, c.N)); break;
    }
}

// One warm-up (the generated call builds its plan there, as a program's first call does), then the timed repetitions;
// counts and the projection are those of one steady-state call.
static Row Measure(Device device, string backend, TilingCase c, string strategy, Action call, int repetitions, string? tracePath)
{
    call();
    var counters = device.Counters;
    var (runs, submissions, waits) = (counters.Runs, counters.Submissions, counters.Waits);
    var (syncsTo, syncsFrom, bytesTo, bytesFrom) = (counters.SyncsToDevice, counters.SyncsFromDevice, counters.BytesToDevice, counters.BytesFromDevice);
    var projectedBefore = device.ProjectedTime;
    var times = new List<double>();
    for (int r = 0; r < repetitions; r++)
    {
        var watch = Stopwatch.StartNew();
        call();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    long Per(long now, long before) => (now - before) / repetitions;
    double? projected = device.ProjectedTime is { } after && projectedBefore is { } before ? (after - before).TotalMilliseconds / repetitions : null;
    times.Sort();
    double median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
    string note = strategy switch
    {
        "per-tile" => "The original port's loop written in C# over XRT (not Python): a write, sync, launch, blocking wait, sync back and read per call.",
        "waves" => "The port's waves in C#: 512 runs in flight over 512 buffer slots, each wave's syncs once, every run waited on.",
        _ => "One generated [NpuKernel] call: one sync per buffer, one run list, one wait.",
    };
    var row = new Row(c.Name, strategy, backend, c.Design, Per(counters.Runs, runs), Per(counters.Submissions, submissions), Per(counters.Waits, waits),
        Per(counters.SyncsToDevice + counters.SyncsFromDevice, syncsTo + syncsFrom), Per(counters.SyncsToDevice, syncsTo), Per(counters.SyncsFromDevice, syncsFrom),
        Per(counters.BytesToDevice + counters.BytesFromDevice, bytesTo + bytesFrom), Per(counters.BytesToDevice, bytesTo), Per(counters.BytesFromDevice, bytesFrom),
        Math.Round(median, 3), repetitions, projected is { } p ? Math.Round(p, 4) : null, null, note);
    if (tracePath is not null)
    {
        // One more steady-state call, traced apart from the timed ones so that recording weighs on none of them, and
        // after the row is read from the counters so that it does not count in them.
        using var trace = device.StartTrace(tracePath);
        call();
    }
    return row;
}

static int[] Ints(Array output) => output is sbyte[] s ? s.Select(v => (int)v).ToArray() : (int[])output;

static void Print(List<Row> rows)
{
    var table = new Table().Border(TableBorder.Rounded).Title("per call, steady state");
    foreach (var column in new[] { "case", "strategy", "backend", "runs", "submissions", "waits", "syncs", "bytes", "host ms", "Phoenix ms" })
        table.AddColumn(new TableColumn(column) { Alignment = column is "case" or "strategy" or "backend" ? Justify.Left : Justify.Right });
    string? last = null;
    foreach (var r in rows)
    {
        if (last is not null && last != r.Case) table.AddEmptyRow();
        last = r.Case;
        table.AddRow(Markup.Escape(r.Case), r.Strategy == "per-tile" ? "per-tile (C#)" : r.Strategy, r.Backend, $"{r.Runs:N0}", $"{r.Submissions:N0}", $"{r.Waits:N0}",
            $"{r.Syncs:N0}", $"{r.Bytes:N0}", $"{r.HostMs:N2}", r.ProjectedMs is { } p ? $"{p:N2}" : "—");
    }
    table.Caption("per-tile is the original port's loop in C# over XRT, not Python (the port measured 15,034 ms per tile and 11,485 ms in waves at 512³); " +
        "Phoenix ms: LatencyModel.Phoenix (docs/performance.md); xrt-noop computes nothing and its Phoenix column repeats the emulator's projection");
    AnsiConsole.Write(table);
}

static void Summarise(List<Row> rows)
{
    Row? Find(string c, string s) => rows.FirstOrDefault(r => r.Case == c && r.Strategy == s && r.ProjectedMs is not null);
    if (Find("512x512x512/int8/tile16", "per-tile") is { } tile && Find("512x512x512/int8/tile16", "generated") is { } gen)
        AnsiConsole.MarkupLine($"512³ on the 16x16 kernel: syncs {tile.Syncs:N0} → {gen.Syncs:N0}, waits {tile.Waits:N0} → {gen.Waits:N0}, " +
            $"projected {tile.ProjectedMs:N0} ms (per-tile in C#) → {gen.ProjectedMs:N0} ms ({tile.ProjectedMs / gen.ProjectedMs:N2}x): {gen.Runs:N0} runs at the device's fixed cost per run bound it; " +
            "npu plan matmul_16x16_int8 --shape 512x512x512 names the design that removes it.");
    if (Find("512x512x512/int8/whole-array", "generated") is { } whole)
        AnsiConsole.MarkupLine($"512³ on the whole-array design: projected {whole.ProjectedMs:N3} ms on Phoenix, {15_034 / whole.ProjectedMs:N0}x below the original port's measured 15,034 ms; " +
            $"the host's own time for the call (packing, unpacking, the emulator's compute) was {whole.HostMs:N2} ms here.");
}

/// <summary>Where the traces go: a folder beside the JSON output.</summary>
static string TraceFolder(string output) => Path.Combine(Path.GetDirectoryName(output)!, "traces");

/// <summary>One case: a product and the library design that computes it.</summary>
internal sealed record TilingCase(string Name, string Design, int M, int K, int N);

/// <summary>One line of the table and of artifacts/tiling-strategies.json: a case, a strategy, a backend and what one call did.</summary>
internal sealed record Row(string Case, string Strategy, string Backend, string Design, long Runs, long Submissions, long Waits,
    long Syncs, long SyncsToDevice, long SyncsFromDevice, long Bytes, long BytesToDevice, long BytesFromDevice,
    double HostMs, int Repetitions, double? ProjectedMs, bool? ResultsMatch, string Note);

/// <summary>The command line.</summary>
internal sealed record Options(bool Quick, bool NoXrt, string Output, string? Error)
{
    public int Repetitions => Quick ? 1 : 5;

    public static Options Parse(string[] args)
    {
        bool quick = false, noXrt = false;
        string output = Path.Combine("artifacts", "tiling-strategies.json");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--no-xrt": noXrt = true; break;
                case "--output" when i + 1 < args.Length: output = args[++i]; break;
                case "--output": return new(quick, noXrt, output, "--output needs a file");
                default: return new(quick, noXrt, output, $"unknown argument '{args[i]}'");
            }
        }
        return new(quick, noXrt, output, null);
    }
}
