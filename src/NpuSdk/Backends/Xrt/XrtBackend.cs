using System.Runtime.InteropServices;

namespace NpuSdk.Backends.Xrt;

/// <summary>What the loaded shim was compiled with: which XRT and which of its APIs.</summary>
/// <param name="HasHwContext">True when it uses <c>xrt::hw_context</c> and <c>register_xclbin</c> (XRT 2.14+); else <c>load_xclbin</c>.</param>
/// <param name="HasRunList">True when run lists are <c>xrt::runlist</c> (XRT 2.17+); else the shim's windowed start/wait fallback.</param>
/// <param name="XrtVersion">The XRT version of the headers the shim was built against, or null when they did not say.</param>
public sealed record XrtCapabilities(bool HasHwContext, bool HasRunList, Version? XrtVersion)
{
    /// <summary>The run-list path in words, for logs and reports.</summary>
    public string RunListPath => HasRunList ? "xrt::runlist" : "start-all/wait-all with a bounded in-flight window";
}

/// <summary>
/// The <c>xrt</c> backend: NpuSdk's runtime objects mapped one to one onto XRT's C++ API through the native
/// shim libnpusdk_xrt.so, which is built with the SDK when CMake and XRT's headers are present.
/// </summary>
public sealed class XrtBackend : INpuBackend
{
    // XRT's runtime library under its Debian/AMD soname and its development name.
    private static readonly string[] XrtLibraries = ["libxrt_coreutil.so.2", "libxrt_coreutil.so"];

    private static readonly Lazy<XrtCapabilities> Loaded = new(() => LoadShim(XrtLibraries, XrtShim.Library), LazyThreadSafetyMode.ExecutionAndPublication);

    private XrtBackend(XrtCapabilities capabilities, int runListWindow)
    {
        Capabilities = capabilities;
        RunListWindow = runListWindow;
    }

    /// <summary>
    /// Loads XRT and the shim. <paramref name="runListWindow"/> bounds the runs in flight on the fallback
    /// run-list path (0: the shim's default).
    /// </summary>
    /// <exception cref="NpuBackendUnavailableException">libxrt_coreutil or libnpusdk_xrt cannot be loaded.</exception>
    public static XrtBackend Open(int runListWindow = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(runListWindow);
        try
        {
            return new XrtBackend(Loaded.Value, runListWindow);
        }
        catch (NpuBackendUnavailableException) { throw; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new NpuBackendUnavailableException("xrt", $"the native shim could not be called ({e.Message}).", XrtErrors.InstallHint, e);
        }
    }

    /// <inheritdoc />
    public string Name => "xrt";

    /// <summary>What the shim was compiled with.</summary>
    public XrtCapabilities Capabilities { get; }

    /// <summary>Most runs in flight on the fallback run-list path (0: the shim's default).</summary>
    public int RunListWindow { get; }

    /// <inheritdoc />
    /// <exception cref="NpuDeviceNotFoundException">XRT has no device at that index.</exception>
    /// <exception cref="NpuBackendUnavailableException">XRT cannot load its driver or is not set up.</exception>
    public IDeviceHandle OpenDevice(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        XrtErrors.Check(XrtShim.DeviceOpen((uint)index, out var device), $"open device {index}");
        return new XrtDevice(this, device);
    }

    // Loading XRT's library by itself first tells "XRT is not installed" apart from "the shim was not built".
    internal static XrtCapabilities LoadShim(IEnumerable<string> xrtLibraries, string shimLibrary)
    {
        if (!OperatingSystem.IsLinux())
            throw new NpuBackendUnavailableException("xrt", "the native shim is built for Linux only.", XrtErrors.InstallHint);
        if (!xrtLibraries.Any(name => NativeLibrary.TryLoad(name, out _)))
            throw new NpuBackendUnavailableException("xrt", "XRT's libxrt_coreutil.so is not installed or not on the library path.", XrtErrors.InstallHint);
        if (!NativeLibrary.TryLoad(shimLibrary, typeof(XrtBackend).Assembly, null, out _))
            throw new NpuBackendUnavailableException("xrt",
                $"lib{shimLibrary}.so was not found beside {Path.GetFileName(typeof(XrtBackend).Assembly.Location)} (it is built when CMake, g++ and XRT's headers are present at build time).",
                XrtErrors.InstallHint);

        uint abi = XrtShim.GetAbiVersion();
        if (abi != XrtShim.AbiVersion)
            throw new NpuBackendUnavailableException("xrt", $"libnpusdk_xrt.so has ABI version {abi}, but this SDK needs {XrtShim.AbiVersion}.", XrtErrors.InstallHint);

        XrtErrors.Check(XrtShim.Capabilities(out uint caps, out uint code), "report the shim's capabilities");
        var version = code == 0 ? null : new Version((int)(code >> 16), (int)(code & 0xFFFF));
        return new XrtCapabilities((caps & 1) != 0, (caps & 2) != 0, version);
    }
}
