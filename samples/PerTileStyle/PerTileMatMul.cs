using System.Runtime.InteropServices;
using NpuSdk;
using NpuSdk.Xrt;

namespace PerTileStyle;

/// <summary>
/// C = A @ B for square int8 matrices with a 16x16 tile kernel, one kernel invocation per (i, j, k) tile
/// triple. Each int8 partial product is added in int32 on the host and clipped at the end, as the port did.
/// </summary>
public static class PerTileMatMul
{
    private const int T = 16;

    /// <summary>Runs the matmul through <paramref name="kernel"/>, one launch per tile triple.</summary>
    public static sbyte[] MatMul(Kernel kernel, uint[] instructions, sbyte[] a, sbyte[] b, int n)
    {
        int tiles = n / T;
        int calls = tiles * tiles * tiles;
        var device = kernel.Device;
        using var instr = new Bo(device, (ulong)instructions.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
        using var input = new Bo(device, (ulong)(calls * 2 * T * T), BoFlags.HostOnly, kernel.GroupId(3));
        using var output = new Bo(device, (ulong)(calls * T * T), BoFlags.HostOnly, kernel.GroupId(4));
        instructions.AsSpan().CopyTo(instr.Map<uint>());
        instr.Sync(SyncDirection.ToDevice);

        // One sub-buffer pair per invocation, kept for the launches: a plan, not a per-tile allocation.
        var inputs = new Bo[calls];
        var outputs = new Bo[calls];
        for (int call = 0; call < calls; call++)
        {
            inputs[call] = new Bo(input, 2 * T * T, (ulong)(call * 2 * T * T));
            outputs[call] = new Bo(output, T * T, (ulong)(call * T * T));
        }

        // Pack: A tile then B tile for each invocation, synced tile by tile.
        for (int call = 0; call < calls; call++)
        {
            int i = call / (tiles * tiles), j = call / tiles % tiles, k = call % tiles;
            var packed = new sbyte[2 * T * T];
            for (int r = 0; r < T; r++)
            {
                a.AsSpan((i * T + r) * n + k * T, T).CopyTo(packed.AsSpan(r * T, T));
                b.AsSpan((k * T + r) * n + j * T, T).CopyTo(packed.AsSpan(T * T + r * T, T));
            }
            input.Write(MemoryMarshal.AsBytes(packed.AsSpan()), (ulong)(call * 2 * T * T));
            input.Sync(SyncDirection.ToDevice, 2 * T * T, (ulong)(call * 2 * T * T));
        }

        // Launch: each invocation started and waited for before the next.
        for (int call = 0; call < calls; call++)
        {
            var run = kernel.Start(3UL, instr, (uint)instructions.Length, inputs[call], outputs[call]);
            run.Wait(TimeSpan.FromSeconds(5));
        }

        // Unpack: each result tile synced back and added into the int32 accumulator.
        var acc = new int[n * n];
        var tile = new sbyte[T * T];
        for (int call = 0; call < calls; call++)
        {
            int i = call / (tiles * tiles), j = call / tiles % tiles;
            output.Sync(SyncDirection.FromDevice, T * T, (ulong)(call * T * T));
            output.Read(MemoryMarshal.AsBytes(tile.AsSpan()), (ulong)(call * T * T));
            for (int r = 0; r < T; r++)
                for (int col = 0; col < T; col++)
                    acc[(i * T + r) * n + j * T + col] += tile[r * T + col];
        }
        return Clip(acc);
    }

    /// <summary>The same tile rule computed on the host, to check the NPU result.</summary>
    public static sbyte[] Reference(sbyte[] a, sbyte[] b, int n)
    {
        int tiles = n / T;
        var acc = new int[n * n];
        var aTile = new sbyte[T * T];
        var bTile = new sbyte[T * T];
        var cTile = new sbyte[T * T];
        for (int i = 0; i < tiles; i++)
            for (int j = 0; j < tiles; j++)
                for (int k = 0; k < tiles; k++)
                {
                    for (int r = 0; r < T; r++)
                    {
                        a.AsSpan((i * T + r) * n + k * T, T).CopyTo(aTile.AsSpan(r * T, T));
                        b.AsSpan((k * T + r) * n + j * T, T).CopyTo(bTile.AsSpan(r * T, T));
                    }
                    TileRule(aTile, bTile, cTile);
                    for (int r = 0; r < T; r++)
                        for (int col = 0; col < T; col++)
                            acc[(i * T + r) * n + j * T + col] += cTile[r * T + col];
                }
        return Clip(acc);
    }

    /// <summary>What the kernel computes for one tile (its manifest's rule): C = clamp((A·B) &gt;&gt; 7, -128, 127), int32 sum.</summary>
    private static void TileRule(sbyte[] a, sbyte[] b, sbyte[] c)
    {
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++)
            {
                int sum = 0;
                for (int k = 0; k < T; k++) sum += a[i * T + k] * b[k * T + j];
                c[i * T + j] = (sbyte)Math.Clamp(sum >> 7, sbyte.MinValue, sbyte.MaxValue);
            }
    }

    private static sbyte[] Clip(int[] acc)
    {
        var c = new sbyte[acc.Length];
        for (int e = 0; e < acc.Length; e++) c[e] = (sbyte)Math.Clamp(acc[e], sbyte.MinValue, sbyte.MaxValue);
        return c;
    }
}
