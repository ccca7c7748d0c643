using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The thing the SDK replaces, kept as the baseline: the original Python port's matmul written over the
/// same runtime API, one 16x16 tile per kernel call with its own write, sync to the device, launch,
/// blocking wait, sync back and read (ORIGINAL-PORT.md). Shapes must be multiples of 16 (the port padded).
/// </summary>
public sealed class PerTileBaseline : IDisposable
{
    private const int T = 16;
    private readonly HwContext _context;
    private readonly Kernel _kernel;
    private readonly Bo _instr, _input, _output;
    private readonly uint _instructionWords;

    /// <summary>The port's setup: register the xclbin, open the kernel, allocate the instruction, input and output BOs once.</summary>
    public PerTileBaseline(Device device, string directory)
    {
        // Registered from its file, so the emulator finds the kernel's manifest beside it, as it would for a user.
        _context = new HwContext(device, device.RegisterXclbin(Path.Combine(directory, "matmul_16x16_int8.xclbin")));
        _kernel = new Kernel(_context, "MLIR_AIE");
        var words = File.ReadAllLines(Path.Combine(directory, "matmul_16x16_int8.insts.txt"))
            .Where(l => l.Length > 0).Select(l => Convert.ToUInt32(l, 16)).ToArray();
        _instructionWords = (uint)words.Length;
        _instr = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, _kernel.GroupId(1));
        words.AsSpan().CopyTo(_instr.Map<uint>());
        _instr.Sync(SyncDirection.ToDevice);
        _input = new Bo(device, 2 * T * T, BoFlags.HostOnly, _kernel.GroupId(3));
        _output = new Bo(device, T * T, BoFlags.HostOnly, _kernel.GroupId(4));
    }

    /// <summary>C = A·B, tile by tile: acc += matmul_tile(A_tile, B_tile) over k, then clip to int8.</summary>
    public void MatMul(sbyte[] a, sbyte[] b, sbyte[] c, int m, int k, int n)
    {
        if (m % T != 0 || k % T != 0 || n % T != 0) throw new ArgumentException($"The per-tile baseline needs shapes padded to multiples of {T}; got {m}x{k} by {k}x{n}.");
        var acc = new int[T * T];
        var tile = new sbyte[T * T];
        for (int i = 0; i < m / T; i++)
            for (int j = 0; j < n / T; j++)
            {
                Array.Clear(acc);
                for (int kt = 0; kt < k / T; kt++)
                {
                    MatMulTile(a, b, i, j, kt, k, n, tile);
                    for (int e = 0; e < acc.Length; e++) acc[e] += tile[e];
                }
                for (int r = 0; r < T; r++)
                    for (int col = 0; col < T; col++)
                        c[(i * T + r) * n + j * T + col] = (sbyte)Math.Clamp(acc[r * T + col], -128, 127);
            }
    }

    private void MatMulTile(sbyte[] a, sbyte[] b, int i, int j, int kt, int k, int n, sbyte[] result)
    {
        var packed = new sbyte[2 * T * T];   // concatenate([A_tile.flatten(), B_tile.flatten()])
        for (int r = 0; r < T; r++)
        {
            Array.Copy(a, (i * T + r) * k + kt * T, packed, r * T, T);
            Array.Copy(b, (kt * T + r) * n + j * T, packed, T * T + r * T, T);
        }
        _input.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(packed.AsSpan()));
        _input.Sync(SyncDirection.ToDevice, 2 * T * T, 0);
        using var run = _kernel.Start(3UL, _instr, _instructionWords, _input, _output);
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        _output.Sync(SyncDirection.FromDevice, T * T, 0);
        _output.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()));
    }

    /// <summary>Releases the buffers, kernel and context.</summary>
    public void Dispose()
    {
        _output.Dispose(); _input.Dispose(); _instr.Dispose();
        _kernel.Dispose(); _context.Dispose();
    }
}
