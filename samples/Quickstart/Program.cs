using NpuSdk;
using NpuSdk.Emulation;
using NpuSdk.Xclbin;

// Quickstart: one 16x16 int8 tile matmul through the runtime API, the way XRT's own objects are used.
// The [NpuKernel] generator replaces these hand calls with one generated method.

var emulation = EmulationKernels.MatMul16x16Int8;
string xclbinPath = Path.Combine(AppContext.BaseDirectory, emulation.FileName);
File.WriteAllBytes(xclbinPath, emulation.GetXclbinBytes()); // an emulation xclbin in the real container format

using var device = Device.Open();                           // xrt when an NPU opens, else the emulator
var xclbin = XclbinFile.ReadFile(xclbinPath);
using var context = new HwContext(device, device.RegisterXclbin(xclbin));
using var kernel = new Kernel(context, "MLIR_AIE");
Console.WriteLine($"backend: {device.BackendName}; xclbin {xclbin.Uuid}; kernel {kernel.Name}");

const int T = TileMatMul16Int8.Tile;
var instructions = emulation.Instructions;
using var instr = new Bo(device, (ulong)instructions.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
using var input = new Bo(device, 2 * T * T, BoFlags.HostOnly, kernel.GroupId(3));
using var output = new Bo(device, T * T, BoFlags.HostOnly, kernel.GroupId(4));

instructions.CopyTo(instr.Map<uint>());
instr.Sync(SyncDirection.ToDevice);

var rng = new Random(42);
var a = new sbyte[T * T];
var b = new sbyte[T * T];
for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
a.AsSpan().CopyTo(input.Map<sbyte>());
b.AsSpan().CopyTo(input.Map<sbyte>()[(T * T)..]);
input.Sync(SyncDirection.ToDevice);

using var run = new Run(kernel);
run.SetArg(0, 3UL);                        // opcode 3: run the instruction stream
run.SetArg(1, instr);
run.SetArg(2, (uint)instructions.Length);
run.SetArg(3, input);
run.SetArg(4, output);
run.Start();
run.Wait(TimeSpan.FromSeconds(5)).ThrowIfNotCompleted();
output.Sync(SyncDirection.FromDevice);

var expected = new sbyte[T * T];
TileMatMul16Int8.Compute(a, b, expected);
bool match = output.Map<sbyte>().SequenceEqual(expected);
Console.WriteLine($"16x16 int8 tile: {(match ? "matches" : "DIFFERS FROM")} the C# reference (rule: int32 sum, >> {TileMatMul16Int8.Shift}, saturate to int8)");
Console.WriteLine($"counters: {device.Counters}");
return match ? 0 : 1;
