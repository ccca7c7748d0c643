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

    /// <summary>The capabilities in words, for reasons and reports.</summary>
    internal string Describe() =>
        $"built against XRT {XrtVersion?.ToString() ?? "of unknown version"}, {(HasHwContext ? "xrt::hw_context" : "load_xclbin without xrt::hw_context")}, run lists by {RunListPath}";
}

/// <summary>
/// The <c>xrt</c> backend: NpuSdk's runtime objects mapped one to one onto XRT's C++ API through the native
/// shim (libnpusdk_xrt.so on Linux, npusdk_xrt.dll on Windows, beside NpuSdk.dll), which is built with the SDK when
/// CMake and XRT's headers are present.
/// </summary>
public sealed class XrtBackend : INpuBackend
{
    private static readonly Lazy<XrtShimLoad> Loaded = new(
        () => LoadShim(XrtLibraries.CoreutilCandidates(Environment.GetEnvironmentVariable), XrtLibraries.Shim),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private XrtBackend(XrtShimLoad load, int runListWindow)
    {
        Capabilities = load.Capabilities;
        XrtLibrary = load.XrtLibrary;
        RunListWindow = runListWindow;
    }

    /// <summary>
    /// Loads XRT and the shim. <paramref name="runListWindow"/> bounds the runs in flight on the fallback
    /// run-list path (0: the shim's default).
    /// </summary>
    /// <exception cref="NpuBackendUnavailableException">
    /// XRT's coreutil library or the shim cannot be loaded, or the shim is from another build; the message says which and how to fix it.
    /// </exception>
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
            throw XrtUnavailable.ShimNotCallable(e);
        }
    }

    /// <inheritdoc />
    public string Name => "xrt";

    /// <summary>What the shim was compiled with.</summary>
    public XrtCapabilities Capabilities { get; }

    /// <summary>Where XRT's coreutil library was loaded from (a path, or the loader's search when found by name).</summary>
    internal XrtLibraryCandidate XrtLibrary { get; }

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

    /// <summary>
    /// Loads XRT's coreutil from the first candidate that loads, then the shim beside NpuSdk.dll, and checks the
    /// shim's ABI. XRT goes first, by itself, so "XRT is not installed" is told apart from "the shim was not built",
    /// and a coreutil loaded from a path is the one the shim's own dependency then resolves to.
    /// </summary>
    /// <param name="xrtCandidates">Where XRT's coreutil is tried, in order.</param>
    /// <param name="shimLibrary">The shim's base name.</param>
    /// <param name="shimFolder">Where the shim and its build record are: NpuSdk.dll's folder unless a test lays out another.</param>
    internal static XrtShimLoad LoadShim(IReadOnlyList<XrtLibraryCandidate> xrtCandidates, string shimLibrary, string? shimFolder = null)
    {
        var xrt = xrtCandidates.FirstOrDefault(c => NativeLibrary.TryLoad(c.Path, out _))
            ?? throw XrtUnavailable.XrtLibraryMissing(xrtCandidates);

        string file = XrtLibraries.FileName(shimLibrary), folder = shimFolder ?? XrtLibraries.ShimFolder, path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw XrtUnavailable.ShimMissing(file, folder);
        try
        {
            NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw XrtUnavailable.ShimUnloadable(path, e);
        }

        uint abi = XrtShim.GetAbiVersion();
        if (abi != XrtShim.AbiVersion) throw XrtUnavailable.ShimAbiMismatch(file, abi, folder);

        XrtErrors.Check(XrtShim.Capabilities(out uint caps, out uint code), "report the shim's capabilities");
        var version = code == 0 ? null : new Version((int)(code >> 16), (int)(code & 0xFFFF));
        return new XrtShimLoad(new XrtCapabilities((caps & 1) != 0, (caps & 2) != 0, version), xrt);
    }
}

/// <summary>What loading the shim found: its capabilities and where XRT came from.</summary>
internal sealed record XrtShimLoad(XrtCapabilities Capabilities, XrtLibraryCandidate XrtLibrary);
