using NpuSdk;

// Quickstart: a 500x512 @ 512x512 int8 matmul (the original Whisper port's shape) on the 16x16 tile
// kernel, through one generated [NpuKernel] method. The generator writes the launch: one buffer per
// kernel argument for all 32,768 tile invocations, one sync each way, one run-list submission, one wait.

const int M = 500, K = 512, N = 512;
var rng = new Random(42);
var a = new sbyte[M * K];
var b = new sbyte[K * N];
for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(-128, 128);
for (int i = 0; i < b.Length; i++) b[i] = (sbyte)rng.Next(-128, 128);

using var device = Device.Open();                 // xrt when an NPU opens, else the emulator
using var session = new NpuSession(device);
var c = new sbyte[M * N];
QuickstartKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));

var expected = Reference(a, b);
bool match = c.AsSpan().SequenceEqual(expected);
Console.WriteLine($"backend: {device.BackendName}");
Console.WriteLine($"{M}x{K} @ {K}x{N} int8: {(match ? "matches" : "DIFFERS FROM")} the C# reference " +
    "(per 16-wide K block: int32 sum >> 7 saturated to int8; blocks added in int32, saturated once)");
Console.WriteLine($"counters: {device.Counters}");
return match ? 0 : 1;

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

static partial class QuickstartKernels
{
    /// <summary>C = A·B on the 16x16 int8 tile kernel; the generator writes the body.</summary>
    [NpuKernel("matmul_16x16_int8.xclbin")]   // tile and pattern from the kernel library's manifest
    public static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
}
