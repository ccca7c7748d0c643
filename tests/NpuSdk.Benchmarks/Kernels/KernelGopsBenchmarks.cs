using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Kernels;

namespace NpuSdk.Benchmarks.Kernels;

/// <summary>
/// The emulator's int8 64x64 tile kernel (int32 sum, >> 7, saturate) against a naive triple loop of the same rule:
/// the vectorized reference alone, and a whole emulated run (start + wait on bound, synced buffers).
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
[Operations(2L * 64 * 64 * 64)]
public class Int8Tile64Benchmarks
{
    private const int T = 64;
    private readonly sbyte[] _a = Seeded.Int8(T * T, 1), _b = Seeded.Int8(T * T, 2), _c = new sbyte[T * T];
    private KernelRunRig? _rig;

    /// <summary>Binds one run of the built-in kernel on an emulated device.</summary>
    [GlobalSetup]
    public void Setup() => _rig = new KernelRunRig("matmul_64x64_int8", 0);

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rig?.Dispose();

    /// <summary>A triple loop of the rule.</summary>
    [Benchmark(Baseline = true)]
    public void NaiveTripleLoop()
    {
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++)
            {
                int sum = 0;
                for (int k = 0; k < T; k++) sum += _a[i * T + k] * _b[k * T + j];
                _c[i * T + j] = (sbyte)Math.Clamp(sum >> 7, -128, 127);
            }
    }

    /// <summary>The reference implementation's compute.</summary>
    [Benchmark]
    public void Reference() => Int8MatMul.MultiplyRequantize(_a, _b, _c, T, T, T, 7);

    /// <summary>One emulated invocation through the runtime API.</summary>
    [Benchmark]
    public void EmulatedRun() => _rig!.RunOnce();
}

/// <summary>The int8 K-strip kernel at K = 512 (Whisper-base d_model): a whole 64x64 int32 tile per invocation.</summary>
[Config(typeof(KernelBenchmarkConfig))]
[Operations(2L * 64 * 512 * 64)]
public class Int8KStripBenchmarks
{
    private const int M = 64, K = 512, N = 64;
    private readonly sbyte[] _a = Seeded.Int8(M * K, 3), _b = Seeded.Int8(K * N, 4);
    private readonly int[] _c = new int[M * N];
    private KernelRunRig? _rig;

    /// <summary>Binds one run of the built-in kernel on an emulated device.</summary>
    [GlobalSetup]
    public void Setup() => _rig = new KernelRunRig("matmul_kstrip_64x64_int8", K);

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rig?.Dispose();

    /// <summary>A triple loop of the rule.</summary>
    [Benchmark(Baseline = true)]
    public void NaiveTripleLoop()
    {
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                int sum = 0;
                for (int k = 0; k < K; k++) sum += _a[i * K + k] * _b[k * N + j];
                _c[i * N + j] = sum;
            }
    }

    /// <summary>The reference implementation's compute.</summary>
    [Benchmark]
    public void Reference() => Int8MatMul.Multiply(_a, _b, _c, M, K, N);

    /// <summary>One emulated invocation through the runtime API.</summary>
    [Benchmark]
    public void EmulatedRun() => _rig!.RunOnce();
}

/// <summary>The bf16 64x64 tile kernel (fused multiply-adds in float32, k ascending).</summary>
[Config(typeof(KernelBenchmarkConfig))]
[Operations(2L * 64 * 64 * 64)]
public class BFloat16Tile64Benchmarks
{
    private const int T = 64;
    private readonly ushort[] _a = Seeded.BFloat16(T * T, 5), _b = Seeded.BFloat16(T * T, 6);
    private readonly float[] _c = new float[T * T];
    private KernelRunRig? _rig;

    /// <summary>Binds one run of the built-in kernel on an emulated device.</summary>
    [GlobalSetup]
    public void Setup() => _rig = new KernelRunRig("matmul_64x64_bf16", 0);

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => _rig?.Dispose();

    /// <summary>A triple loop of the rule.</summary>
    [Benchmark(Baseline = true)]
    public void NaiveTripleLoop()
    {
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++)
            {
                float acc = 0f;
                for (int k = 0; k < T; k++)
                    acc = MathF.FusedMultiplyAdd(BFloat16.FromRaw(_a[i * T + k]).ToSingle(), BFloat16.FromRaw(_b[k * T + j]).ToSingle(), acc);
                _c[i * T + j] = acc;
            }
    }

    /// <summary>The reference implementation's compute.</summary>
    [Benchmark]
    public void Reference() => BFloat16MatMul.Multiply(_a, _b, _c, T, T, T);

    /// <summary>One emulated invocation through the runtime API.</summary>
    [Benchmark]
    public void EmulatedRun() => _rig!.RunOnce();
}

/// <summary>Seeded benchmark inputs.</summary>
internal static class Seeded
{
    public static sbyte[] Int8(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
    }

    public static ushort[] BFloat16(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => NpuSdk.BFloat16.FromSingle((float)(rng.NextDouble() * 4 - 2)).RawValue).ToArray();
    }
}

/// <summary>One bound run of a built-in kernel on a fresh emulated device, inputs synced once.</summary>
internal sealed class KernelRunRig : IDisposable
{
    private readonly Device _device;
    private readonly List<IDisposable> _owned = new();
    private readonly Run _run;

    public KernelRunRig(string name, int stripK)
    {
        var manifest = KernelLibrary.Manifest(name);
        var instructions = EmulationXclbin.StandInInstructions();
        _device = Device.Open(new EmulatorBackend());
        var context = Own(new HwContext(_device, _device.RegisterXclbin(KernelLibrary.EmulationXclbin(name), manifest)));
        var kernel = Own(new Kernel(context, manifest.KernelName));
        var instr = Own(new Bo(_device, (ulong)instructions.Length * 4, BoFlags.Cacheable, kernel.GroupId(1)));
        instructions.CopyTo(instr.Map<uint>());
        instr.Sync(SyncDirection.ToDevice);
        _run = Own(new Run(kernel));
        _run.SetArg(0, 3UL);
        _run.SetArg(1, instr);
        _run.SetArg(2, (uint)instructions.Length);
        var rng = new Random(7);
        for (int i = 0; i < manifest.Buffers.Count; i++)
        {
            var spec = manifest.Buffers[i];
            int elements = (int)OperandLayout.SlotElements(spec, stripK);
            var bo = Own(new Bo(_device, (ulong)(elements * ElementTypes.Size(spec.ElementType!.Value)), BoFlags.HostOnly, kernel.GroupId(3 + i)));
            if (spec.ElementType == ElementType.BFloat16)
                Seeded.BFloat16(elements, 8 + i).CopyTo(MemoryMarshal.Cast<byte, ushort>(bo.Map<byte>()));
            else
                rng.NextBytes(bo.Map<byte>());
            bo.Sync(SyncDirection.ToDevice);
            _run.SetArg(3 + i, bo);
        }
    }

    public void RunOnce()
    {
        _run.Start();
        _run.Wait(TimeSpan.FromSeconds(10)).ThrowIfNotCompleted();
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _device.Dispose();
    }
}
