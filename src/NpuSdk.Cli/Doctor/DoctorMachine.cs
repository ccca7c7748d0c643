using NpuSdk.Backends.Xrt;

namespace NpuSdk.Cli.Doctor;

/// <summary>
/// Where <c>npu doctor</c> reads the machine: backend selection's host (environment, accelerator probe, XRT loader),
/// the <c>/proc</c> and <c>/sys</c> roots, AMD's XRT folder, the shim's folder and the folders the system loader searches. Tests lay out
/// a tree and pass their own, so every report (an NPU whose XRT is missing, no NPU, unreadable files) runs anywhere.
/// </summary>
internal sealed record DoctorMachine(NpuHost Host, string Proc, string Sys, string XrtRoot, string ShimFolder, IReadOnlyList<string> LibraryFolders)
{
    /// <summary>This machine.</summary>
    internal static DoctorMachine Current => new(NpuHost.Machine, "/proc", "/sys", XrtLibraries.DefaultXrtRoot, XrtLibraries.ShimFolder, SystemLibraryFolders());

    /// <summary>The folders the system loader searches for a library given by name, as far as they can be listed without asking it.</summary>
    private static IReadOnlyList<string> SystemLibraryFolders()
    {
        if (OperatingSystem.IsWindows())
            return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var folders = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        folders.AddRange(["/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/lib64", "/lib"]);
        return folders;
    }
}
