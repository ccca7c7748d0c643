using NpuSdk;
using NpuSdk.Xrt;
using NpuSdk.Xclbin;

namespace PackageConsumer;

/// <summary>
/// The same product written by hand the slow way, as the original Python port did: per 16x16x16 tile, pack, sync to
/// the device, launch, wait, sync back. The build reports NPU2001 (a wait inside the launch loop) and NPU2002 (a sync
/// per tile) on the lines below; the generated <see cref="LibraryKernels.MatMul"/> does one of each per call.
/// </summary>
public static class PerTileMatMul
{
    private const int T = 16;

    /// <summary>C = A·B for shapes that are multiples of 16, one kernel run per tile triple.</summary>
    public static sbyte[] MatMul(Device device, string folder, sbyte[] a, sbyte[] b, int m, int k, int n)
    {
        var uuid = device.RegisterXclbin(Path.Combine(folder, "matmul_16x16_int8.xclbin"));
        using var context = new HwContext(device, uuid);
        using var kernel = new Kernel(context, "MLIR_AIE");
        uint[] words = InstructionStream.LoadFile(Path.Combine(folder, "matmul_16x16_int8.insts.txt")).ToArray();
        using var instr = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
        words.CopyTo(instr.Map<uint>());
        instr.Sync(SyncDirection.ToDevice);
        using var input = new Bo(device, 2 * T * T, BoFlags.HostOnly, kernel.GroupId(3));
        using var output = new Bo(device, T * T, BoFlags.HostOnly, kernel.GroupId(4));

        var acc = new int[m * n];
        for (int i = 0; i < m / T; i++)
            for (int j = 0; j < n / T; j++)
                for (int kb = 0; kb < k / T; kb++)
                {
                    var packed = input.Map<sbyte>();
                    for (int r = 0; r < T; r++)
                    {
                        a.AsSpan((i * T + r) * k + kb * T, T).CopyTo(packed.Slice(r * T, T));
                        b.AsSpan((kb * T + r) * n + j * T, T).CopyTo(packed.Slice(T * T + r * T, T));
                    }
                    input.Sync(SyncDirection.ToDevice);
                    using var run = kernel.Start(3UL, instr, (uint)words.Length, input, output);
                    run.Wait(TimeSpan.FromSeconds(5)).ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    var tile = output.Map<sbyte>();
                    for (int r = 0; r < T; r++)
                        for (int col = 0; col < T; col++)
                            acc[(i * T + r) * n + j * T + col] += tile[r * T + col];
                }
        return acc.Select(v => (sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue)).ToArray();
    }
}
