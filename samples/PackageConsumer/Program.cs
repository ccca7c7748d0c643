using NpuSdk;
using PackageConsumer;

// A 48x64 @ 64x32 int8 matmul on the kernel library's 16x16 tile kernel, twice: through the generated [NpuKernel]
// method (every tile in one run list: one submission, one sync per buffer and direction) and through a hand-written
// per-tile loop (a submission, a wait and two syncs per tile). Both are checked against a plain C# product.
const int M = 48, K = 64, N = 32;
var rng = new Random(11);
var a = new sbyte[M * K];
var b = new sbyte[K * N];
for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(-128, 128);
for (int i = 0; i < b.Length; i++) b[i] = (sbyte)rng.Next(-128, 128);

Device device;
try
{
    device = Device.Open();   // the xrt backend on an NPU, else the emulator; NPUSDK_BACKEND=xrt|emulator forces one
}
catch (NpuBackendUnavailableException e)
{
    Console.Error.WriteLine(e.Message);   // what is missing, and how to fix it
    return 2;
}
using var _ = device;
Console.WriteLine($"backend: {device.BackendName}");
Console.WriteLine($"why: {device.BackendReason}");

using var session = new NpuSession(device);
var c = new sbyte[M * N];
LibraryKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
long runs = device.Counters.Runs, submissions = device.Counters.Submissions;
Console.WriteLine($"generated call: {runs} runs in {submissions} submission(s)");

var perTile = PerTileMatMul.MatMul(device, AppContext.BaseDirectory, a, b, M, K, N);
Console.WriteLine($"per-tile loop: {device.Counters.Runs - runs} runs in {device.Counters.Submissions - submissions} submission(s)");

// XRT's no-op device completes every run without computing anything, so there is nothing to compare there.
if (device.BackendName == "xrt" && Environment.GetEnvironmentVariable("XCL_EMULATION_MODE") == "noop")
{
    Console.WriteLine("results: not compared (XRT's no-op device computes nothing)");
    return 0;
}
var expected = Product(a, b);
bool generatedOk = c.AsSpan().SequenceEqual(expected), perTileOk = perTile.AsSpan().SequenceEqual(expected);
Console.WriteLine($"results: generated call {(generatedOk ? "matches" : "DIFFERS FROM")} the C# product; per-tile loop {(perTileOk ? "matches" : "DIFFERS FROM")} it");
return generatedOk && perTileOk ? 0 : 1;

// The kernel's rule in plain C#: per 16-wide K block, the int32 sum >> 7 saturated to int8; blocks added in int32 and
// saturated once.
static sbyte[] Product(sbyte[] a, sbyte[] b)
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
