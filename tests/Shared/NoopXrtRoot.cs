namespace NpuSdk.Testing;

/// <summary>
/// The folder <c>XILINX_XRT</c> must name for XRT's no-op device: its <c>lib/</c> links to the installed
/// <c>libxrt_*</c> libraries, from which XRT loads its driver shim (libxrt_noop when
/// <c>XCL_EMULATION_MODE=noop</c>). Shared by the test projects and the benchmarks, which link this file.
/// </summary>
internal static class NoopXrtRoot
{
    /// <summary>Folders a package manager or XRT's installer puts the libraries in, most specific first.</summary>
    private static IEnumerable<string> CandidateFolders()
    {
        if (Environment.GetEnvironmentVariable("XILINX_XRT") is { Length: > 0 } xrt) yield return Path.Combine(xrt, "lib");
        yield return "/opt/xilinx/xrt/lib";
        yield return "/usr/lib/x86_64-linux-gnu";
        yield return "/usr/lib/aarch64-linux-gnu";
        yield return "/usr/lib64";
        yield return "/usr/lib";
    }

    /// <summary>The folder holding both libxrt_coreutil and libxrt_noop, or null where XRT is not installed.</summary>
    public static string? FindLibraries() => CandidateFolders().FirstOrDefault(d =>
        Directory.Exists(d) && Directory.EnumerateFiles(d, "libxrt_noop.so*").Any() && Directory.EnumerateFiles(d, "libxrt_coreutil.so*").Any());

    /// <summary>
    /// Makes (or reuses) the root under the temp folder and returns its path. One root serves every process:
    /// it only holds links, and a process that loses the race to make a link uses the one the winner made.
    /// </summary>
    public static string Create(string libraries)
    {
        string root = Path.Combine(Path.GetTempPath(), "npusdk-noop-xrt");
        string lib = Path.Combine(root, "lib");
        Directory.CreateDirectory(lib);
        foreach (string file in Directory.EnumerateFiles(libraries, "libxrt_*.so*"))
        {
            string link = Path.Combine(lib, Path.GetFileName(file));
            if (File.Exists(link)) continue;
            try
            {
                File.CreateSymbolicLink(link, file);
            }
            catch (IOException) when (File.Exists(link))
            {
                // Another process made the same link first.
            }
        }
        return root;
    }
}
