using NpuSdk;
using NpuSdk.Emulation;
using PerTileStyle;

// Two "layers" of a 64x64 int8 matmul, written tile by tile the way the original port was. Everything here
// works; the build's NPU2xxx warnings say what each per-tile line costs on an NPU.

const int N = 64;
var emulation = EmulationKernels.MatMul16x16Int8;
var rng = new Random(7);
bool allMatch = true;
for (int layer = 0; layer < 2; layer++)
{
    using var device = Device.Open();
    var uuid = device.RegisterXclbin(emulation.Xclbin);
    using var context = new HwContext(device, uuid);
    using var kernel = new Kernel(context, emulation.KernelName);

    var a = RandomMatrix(rng, N);
    var b = RandomMatrix(rng, N);
    var c = PerTileMatMul.MatMul(kernel, emulation.Instructions.ToArray(), a, b, N);
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
