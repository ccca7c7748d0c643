using System.Diagnostics;
using NpuSdk;
using NpuSdk.Emulation;
using NpuSdk.Backends;

// Quickstart: the original Whisper port's matmul (500x512 @ 512x512, int8) on the 16x16 tile kernel, twice on the same
// device: the port's per-tile loop (a write, a sync, a launch, a blocking wait, a sync back and a read per 16x16x16
// block) and one generated [NpuKernel] call (one buffer per kernel argument for all 32,768 blocks, one sync each way,
// one run-list submission, one wait). It prints what each did and what each would take on a Phoenix NPU.

const int M = 500, K = 512, N = 512, T = 16;
var rng = new Random(42);
var a = new sbyte[M * K];
var b = new sbyte[K * N];
for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(-128, 128);
for (int i = 0; i < b.Length; i++) b[i] = (sbyte)rng.Next(-128, 128);

// The default backend: XRT when an NPU opens, else the emulator, which here also projects Phoenix time.
var selection = NpuBackends.Select();
using var device = selection.Backend is EmulatorBackend
    ? Device.Open(new EmulatorBackend(new EmulatorOptions { Latency = LatencyModel.Phoenix }))
    : Device.Open(selection.Backend);
using var session = new NpuSession(device);

// The generated call: the first builds the plan (buffers, sub-buffers, bound runs, run list), the second is timed.
var c = new sbyte[M * N];
QuickstartKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
var generated = Measure(device, () =>
    QuickstartKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N)));
long liveBuffers = device.Counters.LiveBuffers;

// The per-tile loop on the same device, its setup (context, kernel, three buffers) outside the timing, as in the port.
using var perTile = new PerTileLoop(device, AppContext.BaseDirectory);
var cTile = new sbyte[M * N];
var tiled = Measure(device, () => perTile.MatMul(a, b, cTile));

bool match = c.AsSpan().SequenceEqual(cTile) && c.AsSpan().SequenceEqual(Reference(a, b));
Console.WriteLine($"NpuSdk quickstart: C = A·B, {M}x{K} @ {K}x{N} int8 (the original Whisper port's matmul) on the 16x16 tile kernel");
Console.WriteLine($"backend: {device.BackendName} ({selection.Reason.TrimEnd('.')}){(device.ProjectedTime is null ? "" : "; projections: LatencyModel.Phoenix")}");
Console.WriteLine();
Console.WriteLine($"{"",-26}{"runs",9}{"submissions",13}{"waits",9}{"syncs",9}{"host ms",10}{"Phoenix ms",12}");
Row("per-tile loop (C#)", tiled);
Row("generated call", generated);
Console.WriteLine($"{"ratio",-26}{"",9}{tiled.Submissions / (double)generated.Submissions,12:N0}x{tiled.Waits / (double)generated.Waits,8:N0}x" +
    $"{tiled.Syncs / (double)generated.Syncs,8:N0}x{tiled.HostMs / generated.HostMs,9:N1}x{(tiled.ProjectedMs / generated.ProjectedMs is { } r ? $"{r,11:N2}x" : "")}");
Console.WriteLine();
Console.WriteLine($"result: the generated call {(match ? "matches" : "DIFFERS FROM")} the per-tile loop and the C# reference " +
    "(per 16-wide K block: int32 sum >> 7 saturated to int8; blocks added in int32, saturated once).");
Console.WriteLine("The per-tile row is the port's loop written in C# over the runtime's XRT objects, not the Python original (15,034 ms at 512³);");
Console.WriteLine("the NPU's fixed cost per run still bounds the generated call, since both make 32,768 runs; `npu plan matmul_16x16_int8");
Console.WriteLine("--shape 500x512x512` names the design that makes it one (matmul_whole_array_int8).");
Console.WriteLine($"Live buffers after the generated calls: {liveBuffers:N0} = 1 instruction buffer + 2 parent buffers + {liveBuffers - 3:N0} sub-buffers (each");
Console.WriteLine($"run's slice of the packed A and B tiles and of C). They are the plan the session keeps for the next call of {(M + T - 1) / T}x{K / T}x{N / T} blocks: that call");
Console.WriteLine($"allocates nothing. {session.PlansBuilt} plan built, {session.PlanHits} reused; disposing the session releases them.");
return match ? 0 : 1;

static Measured Measure(Device device, Action call)
{
    var counters = device.Counters;
    var (runs, submissions, waits, syncs) = (counters.Runs, counters.Submissions, counters.Waits, counters.SyncsToDevice + counters.SyncsFromDevice);
    var projected = device.ProjectedTime;
    var watch = Stopwatch.StartNew();
    call();
    double ms = watch.Elapsed.TotalMilliseconds;
    return new Measured(counters.Runs - runs, counters.Submissions - submissions, counters.Waits - waits,
        counters.SyncsToDevice + counters.SyncsFromDevice - syncs, ms, (device.ProjectedTime - projected)?.TotalMilliseconds);
}

static void Row(string name, Measured m) =>
    Console.WriteLine($"{name,-26}{m.Runs,9:N0}{m.Submissions,13:N0}{m.Waits,9:N0}{m.Syncs,9:N0}{m.HostMs,10:N1}{(m.ProjectedMs is { } p ? $"{p,12:N1}" : $"{"—",12}")}");

// The numeric rule in plain C#: what the kernel computes per 16x16x16 block, and what the host adds up.
static sbyte[] Reference(sbyte[] a, sbyte[] b)
{
    var c = new sbyte[M * N];
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
        {
            int total = 0;
            for (int k0 = 0; k0 < K; k0 += 16)
            {
                int partial = 0;
                for (int k = k0; k < k0 + 16; k++) partial += a[i * K + k] * b[k * N + j];
                total += Math.Clamp(partial >> 7, sbyte.MinValue, sbyte.MaxValue);
            }
            c[i * N + j] = (sbyte)Math.Clamp(total, sbyte.MinValue, sbyte.MaxValue);
        }
    return c;
}

internal sealed record Measured(long Runs, long Submissions, long Waits, long Syncs, double HostMs, double? ProjectedMs);

internal static partial class QuickstartKernels
{
    /// <summary>C = A·B on the 16x16 int8 tile kernel; the generator writes the body.</summary>
    [NpuKernel("matmul_16x16_int8.xclbin")]   // tile and pattern from the kernel library's manifest
    public static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
}
