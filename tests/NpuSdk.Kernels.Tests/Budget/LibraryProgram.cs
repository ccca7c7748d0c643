using System.Runtime.InteropServices;
using NpuSdk.Kernels.Tests.Binding;

namespace NpuSdk.Kernels.Tests.Budget;

/// <summary>
/// A program that calls every kernel of the library in turn through its generated method, each a step that returns its
/// output's bytes, so a run under a tight context budget can be compared bit for bit with one under no pressure. The
/// inputs are seeded and small; the whole-array designs compute their full 512-cube product whatever the call's shape.
/// </summary>
internal static class LibraryProgram
{
    /// <summary>One call: the design, its xclbin (its context), whether it computes a 512-cube design (slow in emulation), and the call.</summary>
    public sealed record Step(string Design, bool Heavy, Func<NpuSession, byte[]> Call)
    {
        /// <summary>The xclbin, as the library shares one between designs that differ only in shape.</summary>
        public string Xclbin => Design.StartsWith("linear_bf16", StringComparison.Ordinal) ? "linear_bf16"
            : Design.StartsWith("bias_add_bf16", StringComparison.Ordinal) ? "bias_add_bf16" : Design;

        public override string ToString() => Design;
    }

    /// <summary>The contexts a device with <paramref name="budget"/> slots opens for <paramref name="steps"/> in order, evicting the least recently used.</summary>
    public static int Opens(IEnumerable<Step> steps, int budget)
    {
        var open = new List<string>();
        int opens = 0;
        foreach (var step in steps)
        {
            if (!open.Remove(step.Xclbin))
            {
                opens++;
                if (open.Count == budget) open.RemoveAt(0);
            }
            open.Add(step.Xclbin);
        }
        return opens;
    }

    private static readonly Random Seed = new(19);
    private static readonly sbyte[] A8 = Inputs.Int8(Seed, 40 * 100), B8 = Inputs.Int8(Seed, 100 * 30);
    private static readonly short[] A16 = A8.Select(v => (short)(v * 97)).ToArray(), B16 = B8.Select(v => (short)(v * 89)).ToArray();
    private static readonly BFloat16[] X = Bf16(512 * 2048), Y = Bf16(512 * 2048), W = Bf16(2048 * 512), Bias = Bf16(2048);
    private static readonly BFloat16[] Keys = Bf16(1500 * 512), Values = Bf16(1500 * 512);

    private static BFloat16[] Bf16(int count) => MemoryMarshal.Cast<ushort, BFloat16>(Inputs.BFloat16(Seed, count, -4, 2)).ToArray();

    private static ReadOnlySpan2D<T> In<T>(T[] data, int rows, int cols) where T : unmanaged => new(data.AsSpan(0, rows * cols), rows, cols);

    private static byte[] Bytes<T>(T[] data) where T : unmanaged => MemoryMarshal.AsBytes(data.AsSpan()).ToArray();

    private static Step Int8(string xclbin, Action<NpuSession, ReadOnlySpan2D<sbyte>, ReadOnlySpan2D<sbyte>, Span2D<sbyte>> call) =>
        new(xclbin, false, s =>
        {
            var c = new sbyte[40 * 30];
            call(s, In(A8, 40, 100), In(B8, 100, 30), new Span2D<sbyte>(c, 40, 30));
            return Bytes(c);
        });

    private static Step Rows(string xclbin, int cols, Action<NpuSession, ReadOnlySpan2D<BFloat16>, ReadOnlySpan<BFloat16>, Span2D<BFloat16>> call) =>
        new(xclbin, false, s =>
        {
            var y = new BFloat16[10 * cols];
            call(s, In(X, 10, cols), Bias.AsSpan(0, cols), new Span2D<BFloat16>(y, 10, cols));
            return Bytes(y);
        });

    private static Step Linear(string xclbin, int k, int n, Action<NpuSession, ReadOnlySpan2D<BFloat16>, ReadOnlySpan2D<BFloat16>, Span2D<BFloat16>> call) =>
        new(xclbin, true, s =>
        {
            var c = new BFloat16[8 * n];
            call(s, In(X, 8, k), In(W, k, n), new Span2D<BFloat16>(c, 8, n));
            return Bytes(c);
        });

    /// <summary>Every kernel of the library, one step each, in the order a program might call them.</summary>
    public static IReadOnlyList<Step> Steps { get; } =
    [
        Int8("matmul_16x16_int8", LibraryKernels.MatMul16),
        Int8("matmul_32x32_int8", LibraryKernels.MatMul32),
        Int8("matmul_64x64_int8", LibraryKernels.MatMul64),
        new("matmul_64x64_bf16", false, s =>
        {
            var c = new float[20 * 30];
            LibraryKernels.MatMul64Bf16(s, In(X, 20, 70), In(W, 70, 30), new Span2D<float>(c, 20, 30));
            return Bytes(c);
        }),
        new("matmul_kstrip_64x64_int8", false, s =>
        {
            var c = new int[40 * 30];
            LibraryKernels.MatMulKStrip(s, In(A8, 40, 100), In(B8, 100, 30), new Span2D<int>(c, 40, 30));
            return Bytes(c);
        }),
        new("matmul_64x512_bf16", false, s =>
        {
            var c = new float[10 * 40];
            LibraryKernels.MatMulWide(s, In(X, 10, 512), In(W, 512, 40), new Span2D<float>(c, 10, 40));
            return Bytes(c);
        }),
        new("matmul_whole_array_int8", true, s =>
        {
            var c = new int[40 * 30];
            LibraryKernels.WholeArrayInt8(s, In(A8, 40, 100), In(B8, 100, 30), new Span2D<int>(c, 40, 30));
            return Bytes(c);
        }),
        new("matmul_whole_array_int16", true, s =>
        {
            var c = new int[40 * 30];
            LibraryKernels.WholeArrayInt16(s, In(A16, 40, 100), In(B16, 100, 30), new Span2D<int>(c, 40, 30));
            return Bytes(c);
        }),
        new("matmul_whole_array_bf16", true, s =>
        {
            var c = new float[8 * 30];
            LibraryKernels.WholeArrayBf16(s, In(X, 8, 100), In(W, 100, 30), new Span2D<float>(c, 8, 30));
            return Bytes(c);
        }),
        new("layernorm_bf16", false, s =>
        {
            var y = new BFloat16[10 * 512];
            LibraryKernels.LayerNorm(s, In(X, 10, 512), Bias.AsSpan(0, 512), Bias.AsSpan(512, 512), new Span2D<BFloat16>(y, 10, 512));
            return Bytes(y);
        }),
        new("softmax_bf16", false, s =>
        {
            var y = new BFloat16[3 * 1500];
            LibraryKernels.Softmax(s, In(X, 3, 1500), new Span2D<BFloat16>(y, 3, 1500));
            return Bytes(y);
        }),
        new("gelu_bf16", false, s =>
        {
            var y = new BFloat16[1000];
            LibraryKernels.Gelu(s, X.AsSpan(0, 1000), y);
            return Bytes(y);
        }),
        Linear("linear_bf16_512x512", 512, 512, LibraryKernels.Linear512),
        Linear("linear_bf16_512x2048", 512, 2048, LibraryKernels.LinearUp),
        Linear("linear_bf16_2048x512", 2048, 512, LibraryKernels.LinearDown),
        new("add_bf16", false, s =>
        {
            var z = new BFloat16[1000];
            LibraryKernels.Add(s, X.AsSpan(0, 1000), Y.AsSpan(0, 1000), z);
            return Bytes(z);
        }),
        Rows("bias_add_bf16_512", 512, LibraryKernels.BiasAdd512),
        Rows("bias_add_bf16_2048", 2048, LibraryKernels.BiasAdd2048),
        new("attention_bf16", false, s =>
        {
            var o = new BFloat16[10 * 512];
            LibraryKernels.Attention(s, In(X, 10, 512), In(Keys, 1500, 512), In(Values, 1500, 512), new Span2D<BFloat16>(o, 10, 512));
            return Bytes(o);
        }),
    ];

    /// <summary>The light steps: what a test may call many times over.</summary>
    public static IReadOnlyList<Step> Light { get; } = Steps.Where(s => !s.Heavy).ToArray();
}
