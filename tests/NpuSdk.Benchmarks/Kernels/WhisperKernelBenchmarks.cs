using BenchmarkDotNet.Attributes;
using NpuSdk.Kernels;

namespace NpuSdk.Benchmarks.Kernels;

/// <summary>
/// One emulated invocation of each Whisper-base bf16 kernel (reference compute only), to show what an encoder
/// layer costs on the emulator (the methods do different work, so there is no GOPS column or baseline here).
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public class WhisperKernelBenchmarks
{
    private const int Rows = 64, Model = 512, Frames = 1500;
    private readonly ushort[] _x = Seeded.BFloat16(Rows * Model, 11), _w = Seeded.BFloat16(Model * Model, 12);
    private readonly ushort[] _keys = Seeded.BFloat16(Frames * Model, 13), _values = Seeded.BFloat16(Frames * Model, 14);
    private readonly ushort[] _scores = Seeded.BFloat16(Rows * Frames, 15), _chunk = Seeded.BFloat16(32768, 16);
    private readonly ushort[] _out = new ushort[Rows * Frames], _gamma = Seeded.BFloat16(Model, 17);
    private readonly float[] _wide = new float[Rows * Model];

    /// <summary>matmul_64x512_bf16: 64x512 @ 512x512.</summary>
    [Benchmark]
    public void WideMatMul() => BFloat16MatMul.Multiply(_x, _w, _wide, Rows, Model, Model);

    /// <summary>attention_bf16: 64 queries, 1500 keys, 8 heads of 64.</summary>
    [Benchmark]
    public void Attention() => NpuSdk.Kernels.Attention.Compute(_x, _keys, _values, _out.AsSpan(0, Rows * Model), Rows, Frames, 8, 64, 0.125f);

    /// <summary>layernorm_bf16: 64 rows of 512.</summary>
    [Benchmark]
    public void LayerNorm() => NpuSdk.Kernels.LayerNorm.Compute(_x, _gamma, _gamma, _out.AsSpan(0, Rows * Model), Rows, Model, 1e-5f);

    /// <summary>softmax_bf16: 64 rows of 1500.</summary>
    [Benchmark]
    public void Softmax() => NpuSdk.Kernels.Softmax.Compute(_scores, _out, Rows, Frames);

    /// <summary>gelu_bf16: 32768 elements.</summary>
    [Benchmark]
    public void Gelu() => NpuSdk.Kernels.Gelu.Compute(_chunk, _out.AsSpan(0, 32768));
}
