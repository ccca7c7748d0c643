using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Kernels;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Emulator;

/// <summary>
/// The original port's setup on a fresh emulated device: the library's 16x16 int8 tile kernel (its emulation xclbin in
/// IRON's shape, <c>opcode, instr, ninstr, bo0..bo4</c>, run from its manifest), instruction, input and output buffers.
/// </summary>
internal sealed class TileKernelRig : IDisposable
{
    public const int T = 16;
    public const string Name = "matmul_16x16_int8";

    public TileKernelRig(EmulatorOptions? options = null)
    {
        Xclbin = KernelLibrary.EmulationXclbin(Name);
        Manifest = KernelLibrary.Manifest(Name);
        Instructions = EmulationXclbin.StandInInstructions();
        Device = Device.Open(new EmulatorBackend(options ?? new EmulatorOptions()));
        Uuid = Device.RegisterXclbin(Xclbin, Manifest);
        Context = new HwContext(Device, Uuid);
        Kernel = new Kernel(Context, Manifest.KernelName);
        Instr = new Bo(Device, (ulong)Instructions.Length * 4, BoFlags.Cacheable, Kernel.GroupId(1));
        Instructions.CopyTo(Instr.Map<uint>());
        Instr.Sync(SyncDirection.ToDevice);
        Input = new Bo(Device, 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        Output = new Bo(Device, T * T, BoFlags.HostOnly, Kernel.GroupId(4));
    }

    public XclbinFile Xclbin { get; }
    public KernelManifest Manifest { get; }
    public uint[] Instructions { get; }
    public Device Device { get; }
    public XclbinUuid Uuid { get; }
    public HwContext Context { get; }
    public Kernel Kernel { get; }
    public Bo Instr { get; }
    public Bo Input { get; }
    public Bo Output { get; }

    /// <summary>A run with every argument bound the way the hardware needs them.</summary>
    public Run BoundRun(Bo? input = null, Bo? output = null)
    {
        var run = new Run(Kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, Instr);
        run.SetArg(2, (uint)Instructions.Length);
        run.SetArg(3, input ?? Input);
        run.SetArg(4, output ?? Output);
        return run;
    }

    public static (sbyte[] A, sbyte[] B) RandomTiles(int seed)
    {
        var rng = new Random(seed);
        var a = new sbyte[T * T];
        var b = new sbyte[T * T];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
        return (a, b);
    }

    public static sbyte[] Expected(sbyte[] a, sbyte[] b)
    {
        var c = new sbyte[T * T];
        // A plain triple loop of the documented rule, independent of the kernel's own code.
        for (int i = 0; i < T; i++)
            for (int j = 0; j < T; j++)
            {
                int sum = 0;
                for (int k = 0; k < T; k++) sum += a[i * T + k] * b[k * T + j];
                c[i * T + j] = (sbyte)Math.Clamp(sum >> 7, -128, 127);
            }
        return c;
    }

    public void WriteTiles(Bo input, sbyte[] a, sbyte[] b)
    {
        var view = input.Map<sbyte>();
        a.CopyTo(view);
        b.CopyTo(view[(T * T)..]);
    }

    public void Dispose() => Device.Dispose();
}
