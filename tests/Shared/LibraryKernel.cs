using NpuSdk.KernelModel;
using NpuSdk.Kernels;
using NpuSdk.Xclbin;

namespace NpuSdk.Testing;

/// <summary>
/// A kernel of the library as a test drives it through the runtime API: its emulation xclbin (IRON's argument shape),
/// manifest, stand-in instruction stream, and the copy of the xclbin the build put in the output folder. Linked into
/// the test projects that import kernels/NpuSdk.Kernels.props.
/// </summary>
internal sealed class LibraryKernel
{
    private LibraryKernel(string name)
    {
        Name = name;
        Manifest = KernelLibrary.Manifest(name);
        Xclbin = KernelLibrary.EmulationXclbin(name);
        Instructions = EmulationXclbin.StandInInstructions();
    }

    /// <summary>The original port's 16x16 int8 tile kernel: bo0 holds the A tile then the B tile, bo1 receives C.</summary>
    public static LibraryKernel TileMatMul16 { get; } = new("matmul_16x16_int8");

    public string Name { get; }
    public KernelManifest Manifest { get; }
    public XclbinFile Xclbin { get; }
    public uint[] Instructions { get; }
    public string KernelName => Manifest.KernelName;
    public XclbinUuid Uuid => Xclbin.Uuid;

    /// <summary>The xclbin the build copied beside the test assembly.</summary>
    public string FilePath => Path.Combine(AppContext.BaseDirectory, Name + ".xclbin");

    /// <summary>Registers the xclbin and says what it computes (the emulator runs it from the manifest).</summary>
    public XclbinUuid RegisterOn(Device device) => device.RegisterXclbin(Xclbin, Manifest);
}
