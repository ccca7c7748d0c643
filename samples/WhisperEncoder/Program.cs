using System.Numerics.Tensors;
using NpuSdk;
using NpuSdk.Emulation;
using Spectre.Console;
using WhisperEncoder;

// One Whisper-base encoder layer (1500 frames x 512, 8 heads, FFN 2048) through generated methods over the kernel
// library, on the default backend (the emulator here, with the Phoenix latency model), checked against the same layer
// in plain float32 C#. --layers N runs N layers (each with its own seeded weights), as the encoder does.
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
var ops = new SpanOperators(session);
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
layers[0].Forward(warmup, buffers, ops, new OperatorLog(device));
string setup = device.ProjectedTime is { } t1 && before is { } t0 ? $"; projected on Phoenix {(t1 - t0).TotalMilliseconds:N0} ms, contexts and plans included" : "";
AnsiConsole.MarkupLine($"warm-up pass (one layer): kernels loaded, {session.PlansBuilt} plans built{setup}");

var x = new Matrix<float>(Frames, EncoderLayer.Model);
input.Data.CopyTo(x.Data, 0);
var log = new OperatorLog(device);
var reference = (float[])input.Data.Clone();
void RunAll(Action<int> step)
{
    if (layerCount == 1)
    {
        step(0);
        return;
    }
    AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(ctx =>
        {
            var npu = ctx.AddTask("NPU layers", maxValue: layerCount);
            for (int l = 0; l < layerCount; l++)
            {
                step(l);
                npu.Increment(1);
            }
        });
}
RunAll(l => layers[l].Forward(x, buffers, ops, log));
var referenceWatch = System.Diagnostics.Stopwatch.StartNew();
foreach (var layer in layers) layer.Reference(reference, Frames);
double referenceMs = referenceWatch.Elapsed.TotalMilliseconds;

Print(log, layerCount);
double maxAbs = 0;
for (int i = 0; i < reference.Length; i++) maxAbs = Math.Max(maxAbs, Math.Abs(x.Data[i] - reference[i]));
double cosine = TensorPrimitives.CosineSimilarity(x.Data, reference);
double maxAllowed = MaxAbsErrorPerLayer * layerCount;
bool ok = cosine >= MinCosine && maxAbs <= maxAllowed && !double.IsNaN(cosine);
AnsiConsole.MarkupLine($"against float32 C# ({referenceMs:N0} ms on the host): max |error| {maxAbs:G3} (allowed {maxAllowed:G3}), " +
    $"cosine similarity {cosine:F6} (at least {MinCosine}); largest |value| {TensorPrimitives.MaxMagnitude(reference):G3}: {(ok ? "[green]matches[/]" : "[red]DIFFERS[/]")}");
return ok ? 0 : 1;

static void Print(OperatorLog log, int layers)
{
    var table = new Table().Border(TableBorder.Rounded)
        .Title($"per operator, {layers} layer{(layers == 1 ? "" : "s")} (after the warm-up pass)");
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
