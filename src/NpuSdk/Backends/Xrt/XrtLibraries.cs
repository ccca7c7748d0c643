namespace NpuSdk.Backends.Xrt;

/// <summary>One place a native library may be loaded from: a full path or a bare name, and what that place is called.</summary>
/// <param name="Path">A full path, or a bare file name left to the system loader's search.</param>
/// <param name="Source">Where that is, in words (<c>XILINX_XRT</c>, <c>/opt/xilinx/xrt</c>, the system library path).</param>
internal sealed record XrtLibraryCandidate(string Path, string Source);

/// <summary>
/// The native libraries' file names on each system and where XRT's runtime library (coreutil) is looked for. Linux:
/// the shim is <c>libnpusdk_xrt.so</c> beside NpuSdk.dll and XRT's <c>libxrt_coreutil.so.2</c> is tried under
/// <c>$XILINX_XRT/lib</c>, then <c>/opt/xilinx/xrt/lib</c> (AMD's packages), then the system library path (Debian's
/// <c>libxrt-dev</c>). Windows: the shim is <c>npusdk_xrt.dll</c> and <c>xrt_coreutil.dll</c> is the one the Ryzen AI
/// driver installs in <c>%SystemRoot%\System32\AMD</c>, else the DLL search path; this layout is taken from the
/// driver's published install notes and has not been run here.
/// </summary>
internal static class XrtLibraries
{
    /// <summary>The shim's base name, as <c>LibraryImport</c> names it.</summary>
    internal const string Shim = XrtShim.Library;

    /// <summary>The file a library of base name <paramref name="name"/> has on this system (<c>libNAME.so</c>, <c>NAME.dll</c>).</summary>
    internal static string FileName(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib" : "lib" + name + ".so";

    /// <summary>XRT's coreutil library under the name its packages give it on this system.</summary>
    internal static string Coreutil => OperatingSystem.IsWindows() ? "xrt_coreutil.dll" : "libxrt_coreutil.so.2";

    /// <summary>The folder the shim must be in: NpuSdk.dll's, or the application's when the assembly has no file.</summary>
    internal static string ShimFolder
    {
        get
        {
            string location = typeof(XrtLibraries).Assembly.Location;
            return location.Length > 0 ? Path.GetDirectoryName(location)! : AppContext.BaseDirectory;
        }
    }

    /// <summary>Where coreutil is tried, in order, reading the environment through <paramref name="variable"/>.</summary>
    internal static IReadOnlyList<XrtLibraryCandidate> CoreutilCandidates(Func<string, string?> variable)
    {
        var candidates = new List<XrtLibraryCandidate>();
        if (OperatingSystem.IsWindows())
        {
            if (variable("SystemRoot") is { Length: > 0 } systemRoot)
                candidates.Add(new(Path.Combine(systemRoot, "System32", "AMD", Coreutil), @"the Ryzen AI driver's folder %SystemRoot%\System32\AMD"));
            candidates.Add(new(Coreutil, "the DLL search path"));
            return candidates;
        }
        if (variable("XILINX_XRT") is { Length: > 0 } xilinxXrt)
            candidates.Add(new(Path.Combine(xilinxXrt, "lib", Coreutil), $"XILINX_XRT ({xilinxXrt})"));
        candidates.Add(new(Path.Combine(DefaultXrtRoot, "lib", Coreutil), DefaultXrtRoot));
        candidates.Add(new(Coreutil, "the system library path"));
        candidates.Add(new("libxrt_coreutil.so", "the system library path"));
        return candidates;
    }

    /// <summary>Where AMD's XRT packages install on Linux.</summary>
    internal const string DefaultXrtRoot = "/opt/xilinx/xrt";
}
