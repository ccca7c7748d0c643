using System.Numerics.Tensors;
using NpuSdk;
using NpuSdk.Emulation;
using Spectre.Console;
using WhisperEncoder;
using NpuSdk.Backends;
using NpuSdk.Numerics;

// One Whisper-base encoder layer (1500 frames x 512, 8 heads, FFN 2048) through generated methods over the kernel
// library, on the default backend, checked against the same layer in plain float32 C#, in two modes side by side:
// span-based (every operator packs from and unpacks to host memory) and device-resident (weights uploaded once,
// intermediates left on the device as NpuTensors, one upload and one download). On the emulator it runs under each NPU
// generation's profile (npu1: Phoenix, 6 hardware contexts; npu4: Strix, 16), each with its latency model, and prints
// the contexts each layer opens and what they cost; on an NPU, under the device's own. --layers N runs N layers (each
// with its own seeded weights), as the encoder does. Exit code 1 when either mode misses the reference's threshold.
//
//   dotnet run -c Release --project samples/WhisperEncoder [-- --layers 6] [--seed S] [--device npu1|npu4|both]
//
// NPUSDK_MAX_CONTEXTS=2 lowers every profile's budget: the layer still runs, evicting and reopening contexts, and says so.

const int Frames = 1500;
// The NPU path rounds weights and activations to bf16 between operators; bf16 keeps 8 significant bits, so the output
// should point the same way as float32's to within about 1e-3 and no element should be off by more than a few bf16
// steps of the residual stream's magnitude.
const double MinCosine = 0.999, MaxAbsErrorPerLayer = 0.1;

if (Parse(args) is not var (layerCount, seed, profiles))
{
    Console.Error.WriteLine("WhisperEncoder: usage: WhisperEncoder [--layers N (1 to 32)] [--seed S] [--device npu1|npu4|both]");
    return 2;
}
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 150;

var selection = NpuBackends.Select();
bool emulated = selection.Backend is EmulatorBackend;
AnsiConsole.MarkupLine($"[bold]Whisper-base encoder[/], {layerCount} layer{(layerCount == 1 ? "" : "s")} of {Frames} frames x {EncoderLayer.Model}, " +
    $"{EncoderLayer.Heads} heads, FFN {EncoderLayer.Ffn}; backend {Markup.Escape(selection.Backend.Name)} ({Markup.Escape(selection.Reason)})");

var layers = Enumerable.Range(0, layerCount).Select(i => new EncoderLayer(seed + i)).ToArray();
var input = new Matrix<float>(Frames, EncoderLayer.Model);
var rng = new Random(seed);
for (int i = 0; i < input.Data.Length; i++) input.Data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

var reference = (float[])input.Data.Clone();
var referenceWatch = System.Diagnostics.Stopwatch.StartNew();
foreach (var layer in layers) layer.Reference(reference, Frames);
double referenceMs = referenceWatch.Elapsed.TotalMilliseconds;
double maxAllowed = MaxAbsErrorPerLayer * layerCount;

// On the emulator each profile is a device of its own, with the generation's budget and latency model; on an NPU the
// device is what it is.
var runs = new List<ProfileRun>();
if (emulated)
    foreach (var profile in profiles)
        runs.Add(Run(Device.Open(new EmulatorBackend(new EmulatorOptions { Profile = profile, Latency = profile.Latency })), printOperators: profile == profiles[0]));
else
    runs.Add(Run(Device.Open(selection.Backend), printOperators: true));

var sideBySide = new Table().Border(TableBorder.Rounded).Title($"both modes, per layer ({layerCount} layer{(layerCount == 1 ? "" : "s")}, after the warm-up)");
foreach (var column in new[] { "profile", "mode", "runs", "submissions", "syncs", "bytes synced", "contexts opened", "host ms", "projected ms", "max |error|", "cosine" })
    sideBySide.AddColumn(new TableColumn(column) { Alignment = column is "mode" or "profile" ? Justify.Left : Justify.Right });
foreach (var run in runs)
{
    void Row(string mode, Work t, Check c) => sideBySide.AddRow(run.Profile, mode, $"{t.Runs / layerCount:N0}",
        $"{t.Submissions / layerCount:N0}", $"{t.Syncs / (double)layerCount:N1}", $"{t.Bytes / layerCount:N0}", $"{t.ContextsOpened / (double)layerCount:N1}",
        $"{t.HostMs / layerCount:N0}", t.ProjectedMs is { } p ? $"{p / layerCount:N2}" : "—", $"{c.MaxAbs:G3}", $"{c.Cosine:F6}");
    Row("span-based", run.Span, run.SpanCheck);
    Row("device-resident", run.Resident, run.ResidentCheck);
}
var last = runs[^1];
sideBySide.Caption($"device-resident: weights uploaded once before the first layer ({last.WeightBytes:N0} bytes, not in the rows); the input and output " +
    $"({Frames * EncoderLayer.Model * 2:N0} bytes each) once for all layers. One layer recorded as an NpuSequence: {last.Sequence}. " +
    "contexts opened: hardware contexts each layer opened (0 when the layer's xclbins stay within the budget); projected ms counts every open.");
AnsiConsole.Write(sideBySide);
foreach (var run in runs) AnsiConsole.MarkupLine(Markup.Escape(run.Contexts));
if (runs.FirstOrDefault(r => r.Span.ProjectedMs is not null) is { } first && first.Resident.ProjectedMs is { } rp && first.Span.ProjectedMs is { } sp && rp > 0)
    AnsiConsole.MarkupLine($"device-resident against span-based ({first.Profile}): {first.Span.Bytes / (double)Math.Max(1, first.Resident.Bytes):N1}x fewer bytes synced; " +
        $"projected {rp / layerCount:N1} ms against {sp / layerCount:N1} ms a layer (span-based / resident = {sp / rp:N2}x); " +
        $"host time {first.Span.HostMs / first.Resident.HostMs:N2}x (emulated kernels included)");

bool ok = runs.All(r => r.SpanCheck.Passes(MinCosine, maxAllowed) && r.ResidentCheck.Passes(MinCosine, maxAllowed));
AnsiConsole.MarkupLine($"against float32 C# ({referenceMs:N0} ms on the host), allowed max |error| {maxAllowed:G3}, cosine at least {MinCosine}; " +
    $"largest |value| {TensorPrimitives.MaxMagnitude(reference):G3}");
foreach (var run in runs)
    AnsiConsole.MarkupLine($"result ({run.Profile}): span-based {Verdict(run.SpanCheck)}, device-resident {Verdict(run.ResidentCheck)}");
return ok ? 0 : 1;

string Verdict(Check c) => c.Passes(MinCosine, maxAllowed) ? "[green]matches[/]" : "[red]DIFFERS[/]";

// Both modes of the layer on one device: a warm-up pass each (kernels loaded, contexts opened, plans built), then the
// measured passes.
ProfileRun Run(Device device, bool printOperators)
{
    using (device)
    using (var session = new NpuSession(device))
    {
        string profile = device.Profile.Name;
        AnsiConsole.MarkupLine($"[bold]{profile}[/] ({Markup.Escape(device.Profile.Family)}): {device.ContextBudget} hardware contexts at once " +
            $"({Markup.Escape(device.ContextBudgetSource)}){(device.ProjectedTime is null ? "" : $", projected with its latency model")}");
        var buffers = new EncoderLayer.Buffers(Frames);
        var warmup = new Matrix<float>(Frames, EncoderLayer.Model);
        input.Data.CopyTo(warmup.Data, 0);
        var setup = Work.Measure(device, () => layers[0].Forward(warmup, buffers, session, new OperatorLog(device)));
        AnsiConsole.MarkupLine($"  span-based warm-up (one layer): {session.PlansBuilt} plans built, {setup.ContextsOpened} contexts opened" +
            (setup.ProjectedMs is { } ms ? $", projected {ms:N0} ms, contexts and plans included" : ""));

        // Span-based: every operator's inputs packed from host memory and its outputs unpacked into it.
        var x = new Matrix<float>(Frames, EncoderLayer.Model);
        input.Data.CopyTo(x.Data, 0);
        var log = new OperatorLog(device);
        // The measured passes of the first profile are traced, each mode in a file of its own (docs/performance.md).
        var span = Traced(device, printOperators, $"whisper-{profile}-span-based.json",
            () => Work.Measure(device, () => RunAll($"{profile} span-based layers", l => layers[l].Forward(x, buffers, session, log))));
        if (printOperators) Print(log, layerCount, $"{profile}, span-based");
        var spanCheck = Check.Against(reference, x.Data);

        // Device-resident: weights uploaded once, the input uploaded once, every intermediate left on the device, the
        // output downloaded once. The first layer's pass over a scratch input is its warm-up.
        var weightsBefore = device.Counters.BytesToDevice;
        var resident = layers.Select(l => new ResidentLayer(session, l.ToBf16())).ToArray();
        long weightBytes = device.Counters.BytesToDevice - weightsBefore;
        using var activations = new ResidentLayer.Activations(session, Frames);
        var input16 = new BFloat16[input.Data.Length];
        BFloat16Span.Narrow(input.Data, input16);
        activations.X.CopyFrom(input16);
        var residentSetup = Work.Measure(device, () => resident[0].Forward(session, activations));
        AnsiConsole.MarkupLine($"  device-resident warm-up (one layer): {residentSetup.ContextsOpened} contexts opened, {residentSetup.ContextsEvicted} evicted");
        var residentLog = new OperatorLog(device);
        var output16 = new BFloat16[input16.Length];
        var residentWork = Traced(device, printOperators, $"whisper-{profile}-device-resident.json", () => Work.Measure(device, () =>
        {
            residentLog.Host("input to the device", () => activations.X.CopyFrom(input16));
            RunAll($"{profile} device-resident layers", l => resident[l].Forward(session, activations, residentLog));
            residentLog.Host("output from the device", () => activations.X.CopyTo(output16));
        }));
        if (printOperators) Print(residentLog, layerCount, $"{profile}, device-resident");
        var output = new float[output16.Length];
        BFloat16Span.Widen(output16, output);
        var residentCheck = Check.Against(reference, output);

        // The same layer recorded as a sequence: what one replay would submit (one submission per stretch of calls on one xclbin).
        using var sequence = session.Record(() => resident[0].Forward(session, activations));
        string recorded = $"{sequence.Calls} calls, {sequence.Runs:N0} runs, {sequence.Submissions} submissions ({sequence.ContextCrossings} crossings from one xclbin's context to another's)";
        foreach (var r in resident) r.Dispose();
        return new ProfileRun(profile, span, spanCheck, residentWork, residentCheck, weightBytes, recorded,
            Contexts(device, profile, span, residentWork));
    }
}

// The work traced into artifacts/traces/<name> when asked for (a timeline Perfetto and chrome://tracing open).
static Work Traced(Device device, bool traced, string name, Func<Work> work)
{
    if (!traced) return work();
    string path = Path.Combine("artifacts", "traces", name);
    Work done;
    using (device.StartTrace(path)) done = work();
    AnsiConsole.MarkupLine($"  traced into {Markup.Escape(path)} (open it in https://ui.perfetto.dev or chrome://tracing)");
    return done;
}

// What the layers' contexts cost, in words: none opened, or how many a layer opens and what they add to its projection.
string Contexts(Device device, string profile, Work span, Work resident)
{
    string Mode(string mode, Work w)
    {
        double opens = w.ContextsOpened / (double)layerCount;
        if (w.ContextsOpened == 0) return $"{mode} opens none a layer";
        double each = device.Profile.Latency.PerContextOpen.TotalMilliseconds;
        string cost = w.ProjectedMs is { } p
            ? $": {opens:N1} x {each:N0} ms = {opens * each:N0} ms of its {p / layerCount:N0} ms projected a layer, so it runs more slowly"
            : ", each tens of milliseconds on an NPU";
        return $"{mode} opens {opens:N1} a layer{cost}";
    }
    return $"{profile}, {device.ContextBudget} contexts at once: {Mode("span-based", span)} (its 4 designs in 4 xclbins {Fit(4)}); " +
        $"{Mode("device-resident", resident)} (its 9 designs in 6 xclbins {Fit(6)}; docs/contexts.md).";

    string Fit(int xclbins) => device.ContextBudget >= xclbins ? "fit" : "do not fit";
}

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

static void Print(OperatorLog log, int layers, string mode)
{
    var table = new Table().Border(TableBorder.Rounded)
        .Title($"{mode}: per operator, {layers} layer{(layers == 1 ? "" : "s")} (after the warm-up pass)");
    foreach (var column in new[] { "operator", "on", "calls", "runs", "syncs", "bytes", "contexts opened", "host ms", "projected ms" })
        table.AddColumn(new TableColumn(column) { Alignment = column is "operator" or "on" ? Justify.Left : Justify.Right });
    foreach (var e in log.Entries)
        table.AddRow(Markup.Escape(e.Name), e.OnNpu ? "NPU" : "host", $"{e.Calls:N0}", $"{e.Runs:N0}", $"{e.Syncs:N0}", $"{e.Bytes:N0}", $"{e.ContextsOpened:N0}", $"{e.HostMs:N1}",
            e.ProjectedMs is { } p ? $"{p:N2}" : "—");
    var npu = log.Entries.Where(e => e.OnNpu).ToList();
    table.AddEmptyRow();
    table.AddRow("[bold]total[/]", "", "", $"{log.Entries.Sum(e => e.Runs):N0}", $"{log.Entries.Sum(e => e.Syncs):N0}", $"{log.Entries.Sum(e => e.Bytes):N0}",
        $"{log.Entries.Sum(e => e.ContextsOpened):N0}", $"{log.Entries.Sum(e => e.HostMs):N1}", npu.All(e => e.ProjectedMs is not null) ? $"{npu.Sum(e => e.ProjectedMs!.Value):N2}" : "—");
    table.Caption("host ms: this machine's wall time (on the emulator it includes the emulator computing each kernel); " +
        "projected ms: the profile's latency model for the NPU operators (syncs, submissions, runs, compute at each design's cores, context opens; docs/performance.md)");
    AnsiConsole.Write(table);
}

static (int Layers, int Seed, NpuDeviceProfile[] Profiles)? Parse(string[] args)
{
    int layers = 1, seed = 2024;
    NpuDeviceProfile[] profiles = [NpuDeviceProfile.Npu1, NpuDeviceProfile.Npu4];
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--layers" && i + 1 < args.Length && int.TryParse(args[++i], out layers) && layers is >= 1 and <= 32) continue;
        if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[++i], out seed)) continue;
        if (args[i] == "--device" && i + 1 < args.Length)
        {
            string name = args[++i];
            if (name == "both") continue;
            try
            {
                profiles = [NpuDeviceProfile.Parse(name)];
                continue;
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        return null;
    }
    return (layers, seed, profiles);
}

/// <summary>One profile's run of both modes: what a layer did in each, how close each came to float32, and its contexts in words.</summary>
internal sealed record ProfileRun(string Profile, Work Span, Check SpanCheck, Work Resident, Check ResidentCheck, long WeightBytes, string Sequence, string Contexts);

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
