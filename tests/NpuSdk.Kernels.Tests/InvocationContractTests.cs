using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

/// <summary>What the emulator relies on from every reference kernel: no allocation per invocation, and concurrent invocations that do not interfere.</summary>
public class InvocationContractTests
{
    /// <summary>One invocation of each kernel's compute on fixed inputs, writing into the given output.</summary>
    private static readonly (string Name, Func<Random, Action<byte[]>> Prepare)[] Kernels =
    [
        ("int8 tile", rng => { var a = Inputs.Int8(rng, 4096); var b = Inputs.Int8(rng, 4096); return o => Int8MatMul.MultiplyRequantize(a, b, Cast<sbyte>(o)[..4096], 64, 64, 64, 7); }),
        ("int8 K-strip", rng => { var a = Inputs.Int8(rng, 64 * 512); var b = Inputs.Int8(rng, 512 * 64); return o => Int8MatMul.Multiply(a, b, Cast<int>(o)[..4096], 64, 512, 64); }),
        ("bf16 64x512", rng => { var a = Inputs.BFloat16(rng, 64 * 512); var b = Inputs.BFloat16(rng, 512 * 512); return o => BFloat16MatMul.Multiply(a, b, Cast<float>(o)[..(64 * 512)], 64, 512, 512); }),
        ("layernorm", rng => { var x = Inputs.BFloat16(rng, 64 * 512); var g = Inputs.BFloat16(rng, 512); return o => LayerNorm.Compute(x, g, g, Cast<ushort>(o)[..(64 * 512)], 64, 512, 1e-5f); }),
        ("gelu", rng => { var x = Inputs.BFloat16(rng, 32768); return o => Gelu.Compute(x, Cast<ushort>(o)[..32768]); }),
        ("softmax", rng => { var x = Inputs.BFloat16(rng, 64 * 1500); return o => Softmax.Compute(x, Cast<ushort>(o)[..(64 * 1500)], 64, 1500); }),
        ("attention", rng => { var q = Inputs.BFloat16(rng, 8 * 512, -4, 0); var k = Inputs.BFloat16(rng, 1500 * 512, -4, 0); return o => Attention.Compute(q, k, k, Cast<ushort>(o)[..(8 * 512)], 8, 1500, 8, 64, 0.125f); }),
    ];

    private const int OutputBytes = 64 * 1500 * 2; // the largest output: the softmax block

    [Fact]
    public void Steady_state_invocations_allocate_nothing()
    {
        foreach (var (name, prepare) in Kernels)
        {
            var invoke = prepare(new Random(1));
            var output = new byte[OutputBytes];
            invoke(output);                                     // first call: pools fill, code is jitted
            long before = GC.GetAllocatedBytesForCurrentThread();
            invoke(output);
            invoke(output);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"{name} allocated {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
        }
    }

    [Fact]
    public void Concurrent_invocations_give_the_single_threaded_result()
    {
        foreach (var (name, prepare) in Kernels)
        {
            var invoke = prepare(new Random(2));
            var expected = new byte[OutputBytes];
            invoke(expected);
            // Overlapping calls, each with its own output (kernels accumulate into their output, as the device does);
            // any scratch shared between calls would corrupt some of them.
            var outputs = Enumerable.Range(0, 12).Select(_ => new byte[OutputBytes]).ToArray();
            Parallel.For(0, outputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => invoke(outputs[i]));
            Assert.All(outputs, o => Assert.True(expected.AsSpan().SequenceEqual(o), name));
        }
    }

    private static Span<T> Cast<T>(byte[] bytes) where T : struct => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes.AsSpan());
}
