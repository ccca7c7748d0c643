using System.Numerics.Tensors;
using NpuSdk;
using NpuSdk.Emulation;
using Spectre.Console;
using WhisperEncoder;

// One Whisper-base encoder layer (1500 frames x 512, 8 heads, FFN 2048) through generated methods over the kernel
// library, on the default backend (the emulator here, with the Phoenix latency model), checked against the same layer
// in plain float32 C#, in two modes side by side: span-based (every operator packs from and unpacks to host memory) and
// device-resident (weights uploaded once, intermediates left on the device as NpuTensors, one upload and one download).
// --layers N runs N layers (each with its own seeded weights), as the encoder does. Exit code 1 when either mode
// misses the reference's threshold.
//
//   dotnet run -c Release --project samples/WhisperEncoder [-- --layers 6] [--seed S]

const int Frames = 1500;
// The NPU path rounds weights and activations to bf16 between operators; bf16 keeps 8 significant bits, so the output
// should point the same way as float32's to within about 1e-3 and no element should be off by more than a few bf16
// steps of the residual stream's magnitude.
const double MinCosine = 0.999, MaxAbsErrorPerLayer = 0.1;

if (Parse(args) is not var (layerCount, seed))
{
    Console.Error.WriteLine("WhisperEncoder: usage: WhisperEncoder [--layers N (1 to 32)] [--seed S]");
    return 2;
}
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 150;

var selection = NpuBackends.Select();
using var device = selection.Backend is EmulatorBackend
    ? Device.Open(new EmulatorBackend(new EmulatorOptions { Latency = LatencyModel.Phoenix }))
    : Device.Open(selection.Backend);
using var session = new NpuSession(device);
AnsiConsole.MarkupLine($"[bold]Whisper-base encoder[/], {layerCount} layer{(layerCount == 1 ? "" : "s")} of {Frames} frames x {EncoderLayer.Model}, " +
    $"{EncoderLayer.Heads} heads, FFN {EncoderLayer.Ffn}; backend {Markup.Escape(device.BackendName)} ({Markup.Escape(selection.Reason)})" +
    (device.ProjectedTime is null ? "" : ", with the Phoenix latency model"));

var layers = Enumerable.Range(0, layerCount).Select(i => new EncoderLayer(seed + i)).ToArray();
var input = new Matrix<float>(Frames, EncoderLayer.Model);
var rng = new Random(seed);
for (int i = 0; i < input.Data.Length; i++) input.Data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
var buffers = new EncoderLayer.Buffers(Frames);

// A warm-up pass loads each kernel (its context and instructions) and builds each call's plan, as a program's first
// inference does; the table is of the passes after it, which reuse them.
var warmup = new Matrix<float>(Frames, EncoderLayer.Model);
input.Data.CopyTo(warmup.Data, 0);
var before = device.ProjectedTime;
layers[0].Forward(warmup, buffers, session, new OperatorLog(device));
string setup = device.ProjectedTime is { } t1 && before is { } t0 ? $"; projected on Phoenix {(t1 - t0).TotalMilliseconds:N0} ms, contexts and plans included" : "";
AnsiConsole.MarkupLine($"warm-up pass (one layer): kernels loaded, {session.PlansBuilt} plans built{setup}");

var reference = (float[])input.Data.Clone();
var referenceWatch = System.Diagnostics.Stopwatch.StartNew();
foreach (var layer in layers) layer.Reference(reference, Frames);
double referenceMs = referenceWatch.Elapsed.TotalMilliseconds;

void RunAll(string what, Action<int> step)
{
    if (layerCount == 1)
    {
        step(0);
        return;
    }
    AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(ctx =>
        {
            var npu = ctx.AddTask(what, maxValue: layerCount);
            for (int l = 0; l < layerCount; l++)
            {
                step(l);
                npu.Increment(1);
            }
        });
}

// Span-based: every operator's inputs packed from host memory and its outputs unpacked into it.
var x = new Matrix<float>(Frames, EncoderLayer.Model);
input.Data.CopyTo(x.Data, 0);
var log = new OperatorLog(device);
var spanTotals = Work.Measure(device, () => RunAll("span-based layers", l => layers[l].Forward(x, buffers, session, log)));
Print(log, layerCount, "span-based");
var spanCheck = Check.Against(reference, x.Data);

// Device-resident: weights uploaded once, the input uploaded once, every intermediate left on the device, the output
// downloaded once. The first layer's pass over a scratch input is its warm-up (kernels loaded, plans built).
var weightsBefore = device.Counters.BytesToDevice;
var resident = layers.Select(l => new ResidentLayer(session, l.ToBf16())).ToArray();
long weightBytes = device.Counters.BytesToDevice - weightsBefore;
using var activations = new ResidentLayer.Activations(session, Frames);
var input16 = new BFloat16[input.Data.Length];
BFloat16Span.Narrow(input.Data, input16);
activations.X.CopyFrom(input16);
resident[0].Forward(session, activations);
var residentLog = new OperatorLog(device);
var output16 = new BFloat16[input16.Length];
var residentTotals = Work.Measure(device, () =>
{
    residentLog.Host("input to the device", () => activations.X.CopyFrom(input16));
    RunAll("device-resident layers", l => resident[l].Forward(session, activations, residentLog));
    residentLog.Host("output from the device", () => activations.X.CopyTo(output16));
});
Print(residentLog, layerCount, "device-resident");
var output = new float[output16.Length];
BFloat16Span.Widen(output16, output);
var residentCheck = Check.Against(reference, output);

// The same layer recorded as a sequence: what one replay would submit (each kernel is its own xclbin, so its own context).
using var sequence = session.Record(() => resident[0].Forward(session, activations));

var sideBySide = new Table().Border(TableBorder.Rounded).Title($"both modes, per layer ({layerCount} layer{(layerCount == 1 ? "" : "s")}, after the warm-up)");
foreach (var column in new[] { "mode", "runs", "submissions", "syncs", "bytes synced", "host ms", "Phoenix ms", "max |error|", "cosine" })
    sideBySide.AddColumn(new TableColumn(column) { Alignment = column == "mode" ? Justify.Left : Justify.Right });
void Row(string mode, Work t, Check c) => sideBySide.AddRow(mode, $"{t.Runs / layerCount:N0}",
    $"{t.Submissions / layerCount:N0}", $"{t.Syncs / (double)layerCount:N1}", $"{t.Bytes / layerCount:N0}", $"{t.HostMs / layerCount:N0}",
    t.ProjectedMs is { } p ? $"{p / layerCount:N2}" : "—", $"{c.MaxAbs:G3}", $"{c.Cosine:F6}");
Row("span-based", spanTotals, spanCheck);
Row("device-resident", residentTotals, residentCheck);
sideBySide.Caption($"device-resident: weights uploaded once before the first layer ({weightBytes:N0} bytes, not in the rows); the input " +
    $"({input16.Length * 2:N0} bytes) and output ({output16.Length * 2:N0} bytes) once for all layers. One layer recorded as an NpuSequence: " +
    $"{sequence.Calls} calls, {sequence.Runs:N0} runs, {sequence.Submissions} submissions ({sequence.ContextCrossings} context crossings: every kernel is its own xclbin).");
AnsiConsole.Write(sideBySide);
if (spanTotals.ProjectedMs is { } sp && residentTotals.ProjectedMs is { } rp && rp > 0)
    AnsiConsole.MarkupLine($"device-resident against span-based: {spanTotals.Bytes / (double)Math.Max(1, residentTotals.Bytes):N1}x fewer bytes synced; " +
        $"projected Phoenix time {rp / layerCount:N1} ms against {sp / layerCount:N1} ms a layer (span-based / resident = {sp / rp:N2}x); " +
        $"host time {spanTotals.HostMs / residentTotals.HostMs:N2}x (emulated kernels included)");

double maxAllowed = MaxAbsErrorPerLayer * layerCount;
bool ok = spanCheck.Passes(MinCosine, maxAllowed) && residentCheck.Passes(MinCosine, maxAllowed);
AnsiConsole.MarkupLine($"against float32 C# ({referenceMs:N0} ms on the host), allowed max |error| {maxAllowed:G3}, cosine at least {MinCosine}; " +
    $"largest |value| {TensorPrimitives.MaxMagnitude(reference):G3}");
AnsiConsole.MarkupLine($"result: span-based {Verdict(spanCheck)}, device-resident {Verdict(residentCheck)}");
foreach (var r in resident) r.Dispose();
return ok ? 0 : 1;

string Verdict(Check c) => c.Passes(MinCosine, maxAllowed) ? "[green]matches[/]" : "[red]DIFFERS[/]";

static void Print(OperatorLog log, int layers, string mode)
{
    var table = new Table().Border(TableBorder.Rounded)
        .Title($"{mode}: per operator, {layers} layer{(layers == 1 ? "" : "s")} (after the warm-up pass)");
    foreach (var column in new[] { "operator", "on", "calls", "runs", "syncs", "bytes", "host ms", "Phoenix ms" })
        table.AddColumn(new TableColumn(column) { Alignment = column is "operator" or "on" ? Justify.Left : Justify.Right });
    foreach (var e in log.Entries)
        table.AddRow(Markup.Escape(e.Name), e.OnNpu ? "NPU" : "host", $"{e.Calls:N0}", $"{e.Runs:N0}", $"{e.Syncs:N0}", $"{e.Bytes:N0}", $"{e.HostMs:N1}",
            e.ProjectedMs is { } p ? $"{p:N2}" : "—");
    var npu = log.Entries.Where(e => e.OnNpu).ToList();
    table.AddEmptyRow();
    table.AddRow("[bold]total[/]", "", "", $"{log.Entries.Sum(e => e.Runs):N0}", $"{log.Entries.Sum(e => e.Syncs):N0}", $"{log.Entries.Sum(e => e.Bytes):N0}",
        $"{log.Entries.Sum(e => e.HostMs):N1}", npu.All(e => e.ProjectedMs is not null) ? $"{npu.Sum(e => e.ProjectedMs!.Value):N2}" : "—");
    table.Caption("host ms: this machine's wall time (on the emulator it includes the emulator computing each kernel); " +
        "Phoenix ms: LatencyModel.Phoenix for the NPU operators (syncs, submissions, runs, compute at each design's cores; docs/performance.md)");
    AnsiConsole.Write(table);
}

static (int Layers, int Seed)? Parse(string[] args)
{
    int layers = 1, seed = 2024;
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--layers" && i + 1 < args.Length && int.TryParse(args[++i], out layers) && layers is >= 1 and <= 32) continue;
        if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[++i], out seed)) continue;
        return null;
    }
    return (layers, seed);
}

/// <summary>How far an NPU result is from the float32 reference.</summary>
internal readonly record struct Check(double MaxAbs, double Cosine)
{
    public static Check Against(float[] reference, float[] result)
    {
        double maxAbs = 0;
        for (int i = 0; i < reference.Length; i++) maxAbs = Math.Max(maxAbs, Math.Abs(result[i] - reference[i]));
        return new Check(maxAbs, TensorPrimitives.CosineSimilarity(result, reference));
    }

    public bool Passes(double minCosine, double maxAbs) => !double.IsNaN(Cosine) && Cosine >= minCosine && MaxAbs <= maxAbs;
}
