using NpuSdk;
using PerTileStyle;
using NpuSdk.Xrt;

// Two "layers" of a 64x64 int8 matmul, written tile by tile the way the original port was. Everything here
// works; the build's NPU2xxx warnings say what each per-tile line costs on an NPU.

const int N = 64;
// The kernel library's 16x16 tile kernel, copied beside the program by the build; on the emulator its manifest
// (matmul_16x16_int8.kernel.json, beside it) says what it computes.
string xclbin = Path.Combine(AppContext.BaseDirectory, "matmul_16x16_int8.xclbin");
uint[] instructions = NpuSdk.Xclbin.InstructionStream.LoadFile(Path.ChangeExtension(xclbin, ".insts.txt")).ToArray();
var rng = new Random(7);
bool allMatch = true;
for (int layer = 0; layer < 2; layer++)
{
    using var device = Device.Open();
    var uuid = device.RegisterXclbin(xclbin);
    using var context = new HwContext(device, uuid);
    using var kernel = new Kernel(context, "MLIR_AIE");

    var a = RandomMatrix(rng, N);
    var b = RandomMatrix(rng, N);
    var c = PerTileMatMul.MatMul(kernel, instructions, a, b, N);
    bool match = c.AsSpan().SequenceEqual(PerTileMatMul.Reference(a, b, N));
    allMatch &= match;
    Console.WriteLine($"layer {layer}: {(match ? "matches" : "DIFFERS FROM")} the host reference; counters: {device.Counters}");
}
return allMatch ? 0 : 1;

static sbyte[] RandomMatrix(Random rng, int n)
{
    var m = new sbyte[n * n];
    for (int i = 0; i < m.Length; i++) m[i] = (sbyte)rng.Next(-128, 128);
    return m;
}
