using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The emulator's implementation of the test kernel matmul_16x16_bf16.xclbin, which takes A, B and C in
/// separate buffers (bo0, bo1, bo2): C = bf16(Σ a·b), the sum in float, rounded to nearest even once.
/// </summary>
public sealed class MatMulBf16Reference : IReferenceKernel
{
    /// <summary>Tile edge.</summary>
    public const int Tile = 16;

    private static readonly object s_gate = new();
    private static bool s_registered;

    /// <inheritdoc />
    public long MacsPerInvocation => Tile * Tile * Tile;

    /// <inheritdoc />
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    /// <inheritdoc />
    public void Execute(in ReferenceInvocation invocation)
    {
        var a = MemoryMarshal.Cast<byte, BFloat16>(invocation.Buffer("bo0"));
        var b = MemoryMarshal.Cast<byte, BFloat16>(invocation.Buffer("bo1"));
        var c = MemoryMarshal.Cast<byte, BFloat16>(invocation.Buffer("bo2"));
        for (int i = 0; i < Tile; i++)
            for (int j = 0; j < Tile; j++)
                c[i * Tile + j] = BFloat16.FromSingle(Block(a, b, i, j));
    }

    /// <summary>One element of a block product, summed in float in k order.</summary>
    public static float Block(ReadOnlySpan<BFloat16> a, ReadOnlySpan<BFloat16> b, int i, int j)
    {
        float sum = 0;
        for (int k = 0; k < Tile; k++) sum += a[i * Tile + k].ToSingle() * b[k * Tile + j].ToSingle();
        return sum;
    }

    /// <summary>Registers the kernel for the xclbin the test project ships (idempotent).</summary>
    public static void EnsureRegistered()
    {
        lock (s_gate)
        {
            if (s_registered) return;
            var xclbin = XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, "matmul_16x16_bf16.xclbin"));
            ReferenceKernelRegistry.Default.Register(xclbin.Uuid, "MLIR_AIE", new MatMulBf16Reference());
            s_registered = true;
        }
    }
}
