using System.Runtime.InteropServices;
using NpuSdk;
using NpuSdk.Testing;
using NpuSdk.Backends;

namespace TilingStrategies;

/// <summary>
/// XRT's no-op device (Debian's libxrt-dev, XRT 2.13): it loads the xclbin, allocates buffers, syncs and completes runs,
/// computing nothing, so the host's side of each strategy can be timed through the real XRT. XRT reads
/// <c>XCL_EMULATION_MODE=noop</c> and <c>XILINX_XRT</c> (a folder whose lib/ links to the libxrt_* libraries) through the
/// C library before its first call, so they are set with setenv.
/// </summary>
internal static partial class NoopXrtDevice
{
    /// <summary>Why the no-op device cannot be used here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "XRT's no-op device is set up here on Linux only";
        if (NoopXrtRoot.FindLibraries() is null) return "XRT is not installed (Debian: apt-get install libxrt-dev)";
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "libnpusdk_xrt.so"))) return "the native shim libnpusdk_xrt.so was not built (cmake, g++ and XRT's headers are needed)";
        return null;
    }

    /// <summary>Opens the no-op device; call only when <see cref="Unavailable"/> is null.</summary>
    public static Device Open()
    {
        SetEnv("XCL_EMULATION_MODE", "noop", 1);
        SetEnv("XILINX_XRT", NoopXrtRoot.Create(NoopXrtRoot.FindLibraries()!), 1);
        return Device.Open(NpuBackends.OpenXrt());
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
