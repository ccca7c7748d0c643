using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>The emulator's implementation of the test kernel add_int32.xclbin: bo2 = bo0 + bo1 over 256 int32s (wrapping).</summary>
public sealed class AddInt32Reference : IReferenceKernel
{
    /// <summary>Elements per invocation.</summary>
    public const int Tile = 256;

    private static readonly object s_gate = new();
    private static bool s_registered;

    /// <inheritdoc />
    public long MacsPerInvocation => Tile;

    /// <inheritdoc />
    public ComputePrecision Precision => ComputePrecision.Int8;

    /// <inheritdoc />
    public void Execute(in ReferenceInvocation invocation)
    {
        var x = MemoryMarshal.Cast<byte, int>(invocation.Buffer("bo0"));
        var y = MemoryMarshal.Cast<byte, int>(invocation.Buffer("bo1"));
        var sum = MemoryMarshal.Cast<byte, int>(invocation.Buffer("bo2"));
        for (int i = 0; i < Tile; i++) sum[i] = unchecked(x[i] + y[i]);
    }

    /// <summary>Registers the kernel for the xclbin the test project ships (idempotent).</summary>
    public static void EnsureRegistered()
    {
        lock (s_gate)
        {
            if (s_registered) return;
            var xclbin = XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, "add_int32.xclbin"));
            ReferenceKernelRegistry.Default.Register(xclbin.Uuid, "MLIR_AIE", new AddInt32Reference());
            s_registered = true;
        }
    }
}
