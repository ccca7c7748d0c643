using System.Runtime.InteropServices;
using NpuSdk;
using NpuSdk.Xrt;

/// <summary>
/// The original port's loop (ORIGINAL-PORT.md) over the same runtime API: its setup once, then per 16x16x16 block a
/// packed write of the A and B tiles, a sync, a launch, a blocking wait, a sync back and a read. Rows past 500 are
/// zero padding, as the port padded A to 512.
/// </summary>
internal sealed class PerTileLoop : IDisposable
{
    private const int T = 16, M = 500, K = 512, N = 512, Padded = 512;
    private readonly HwContext _context;
    private readonly Kernel _kernel;
    private readonly Bo _instr, _input, _output;
    private readonly uint _words;

    public PerTileLoop(Device device, string directory)
    {
        _context = new HwContext(device, device.RegisterXclbin(Path.Combine(directory, "matmul_16x16_int8.xclbin")));
        _kernel = new Kernel(_context, "MLIR_AIE");
        var words = NpuSdk.Xclbin.InstructionStream.LoadFile(Path.Combine(directory, "matmul_16x16_int8.insts.txt")).ToArray();
        _words = (uint)words.Length;
        _instr = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, _kernel.GroupId(1));
        words.AsSpan().CopyTo(_instr.Map<uint>());
        _instr.Sync(SyncDirection.ToDevice);
        _input = new Bo(device, 2 * T * T, BoFlags.HostOnly, _kernel.GroupId(3));
        _output = new Bo(device, T * T, BoFlags.HostOnly, _kernel.GroupId(4));
    }

    public void MatMul(sbyte[] a, sbyte[] b, sbyte[] c)
    {
        var acc = new int[T * T];
        var tile = new sbyte[T * T];
        var packed = new sbyte[2 * T * T];
        for (int i = 0; i < Padded / T; i++)
            for (int j = 0; j < N / T; j++)
            {
                Array.Clear(acc);
                for (int kt = 0; kt < K / T; kt++)
                {
                    // concatenate([A_tile.flatten(), B_tile.flatten()]), A's padding rows zero
                    for (int r = 0; r < T; r++)
                    {
                        var row = packed.AsSpan(r * T, T);
                        if (i * T + r < M) a.AsSpan((i * T + r) * K + kt * T, T).CopyTo(row);
                        else row.Clear();
                        b.AsSpan((kt * T + r) * N + j * T, T).CopyTo(packed.AsSpan(T * T + r * T, T));
                    }
                    _input.Write(MemoryMarshal.AsBytes(packed.AsSpan()));
                    _input.Sync(SyncDirection.ToDevice, 2 * T * T, 0);
                    using var run = _kernel.Start(3UL, _instr, _words, _input, _output);
                    run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                    _output.Sync(SyncDirection.FromDevice, T * T, 0);
                    _output.Read(MemoryMarshal.AsBytes(tile.AsSpan()));
                    for (int e = 0; e < acc.Length; e++) acc[e] += tile[e];
                }
                for (int r = 0; r < T && i * T + r < M; r++)
                    for (int col = 0; col < T; col++)
                        c[(i * T + r) * N + j * T + col] = (sbyte)Math.Clamp(acc[r * T + col], sbyte.MinValue, sbyte.MaxValue);
            }
    }

    public void Dispose()
    {
        _output.Dispose();
        _input.Dispose();
        _instr.Dispose();
        _kernel.Dispose();
        _context.Dispose();
    }
}
