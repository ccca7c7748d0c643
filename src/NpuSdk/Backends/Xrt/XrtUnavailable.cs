namespace NpuSdk.Backends.Xrt;

/// <summary>
/// Why the xrt backend cannot be used, one factory per cause, each with the fix for that cause: the exception's
/// reason says what is missing and its install hint how to get it, so no message ends in advice that does not apply.
/// </summary>
internal static class XrtUnavailable
{
    private const string Backend = "xrt";

    internal static NpuBackendUnavailableException XrtLibraryMissing(IReadOnlyList<XrtLibraryCandidate> tried) => new(Backend,
        $"XRT's runtime library {XrtLibraries.Coreutil} was not found (tried {string.Join(", ", tried.Select(Where).Distinct())}).",
        OperatingSystem.IsWindows()
            ? @"Install the Ryzen AI NPU driver, which puts xrt_coreutil.dll in %SystemRoot%\System32\AMD."
            : $"Install XRT: with a Ryzen AI NPU, AMD's XRT and the amd/xdna-driver plugin, which install under {XrtLibraries.DefaultXrtRoot}; " +
              "without one, Debian's package does (apt-get install libxrt-dev). For an XRT installed elsewhere, set XILINX_XRT to its folder.");

    /// <summary>
    /// The shim is not in <paramref name="folder"/>. The build record beside NpuSdk.dll says why (the build's own words:
    /// what was not found, or that NpuSdkBuildShim=false turned it off) and what fixes that.
    /// </summary>
    internal static NpuBackendUnavailableException ShimMissing(string file, string folder)
    {
        var record = ShimBuildRecord.Read(folder);
        string where = $"the SDK's native shim {file} is not beside NpuSdk.dll in {folder}";
        if (record is { Built: false })
            return new(Backend, $"{where}: the build did not make it, because {record.Reason ?? "of a cause it did not record"}.",
                (record.Fix ?? "Install CMake, a C++ compiler and XRT's headers and build again") + ".");
        if (record is { Built: true })
            return new(Backend, $"{where}, though the build made it (against XRT from {record.Xrt ?? "an unrecorded place"}): it was deleted, or the program was copied without it.",
                $"Build again, or copy {file} from the build's output beside NpuSdk.dll.");
        return new(Backend, $"{where}, and no build record ({ShimBuildRecord.FileName}) says why: the program was not built here, or was copied without them.",
            OperatingSystem.IsWindows()
                ? "Build the project on this machine with CMake, MSVC and the headers of the XRT the Ryzen AI driver ships (set NpuSdkXrtRoot to it; native/README.md), which puts npusdk_xrt.dll beside NpuSdk.dll."
                : "Build the project on this machine: the NpuSdk package compiles the shim when CMake, a C++ compiler and XRT's headers are present " +
                  "(Debian: apt-get install cmake g++ libxrt-dev, or set NpuSdkXrtRoot to an XRT with include/), and warns NPU0001 naming what it did not find.");
    }

    internal static NpuBackendUnavailableException ShimUnloadable(string path, Exception failure) => new(Backend,
        $"{path} is there but cannot be loaded: {failure.Message}",
        "A library it needs is missing, or it was built for another system or architecture: " +
        (OperatingSystem.IsWindows() ? "check its dependencies" : $"check `ldd {path}`") + $", then build it on this machine ({Rebuild(Path.GetDirectoryName(path))}).", failure);

    internal static NpuBackendUnavailableException ShimNotCallable(Exception failure) => new(Backend,
        $"the native shim could not be called ({failure.Message}).",
        $"The shim beside NpuSdk.dll is damaged or from another version of NpuSdk: delete it and build again ({Rebuild(XrtLibraries.ShimFolder)}).", failure);

    internal static NpuBackendUnavailableException ShimAbiMismatch(string file, uint abi, string folder) => new(Backend,
        $"{file} has ABI version {abi}, but this NpuSdk.dll needs version {XrtShim.AbiVersion}: the shim is from another version of NpuSdk.",
        $"Delete the stale {file} in {folder} and build again, so that the shim comes from the same sources as NpuSdk.dll ({Rebuild(folder)}).");

    internal static NpuBackendUnavailableException NoHardwareContext(XrtCapabilities capabilities, AccelDevice npu) => new(Backend,
        $"there is an NPU ({npu}), but the shim was built against XRT {capabilities.XrtVersion?.ToString() ?? "of unknown version"} " +
        "without xrt::hw_context, which the amdxdna driver requires.",
        $"Build the shim against XRT 2.14 or later, AMD's XRT for the NPU (normally NpuSdkXrtRoot={XrtLibraries.DefaultXrtRoot}): {Rebuild(XrtLibraries.ShimFolder)}.");

    internal static NpuBackendUnavailableException NpuDidNotOpen(AccelDevice npu, NpuException failure) => new(Backend,
        $"there is an NPU ({npu}), but XRT could not open it: {failure.Message}",
        OperatingSystem.IsWindows()
            ? @"Check the NPU Compute Accelerator Device in Device Manager and run %SystemRoot%\System32\AMD\xrt-smi.exe examine."
            : "XRT reaches amdxdna devices through the amd/xdna-driver plugin (libxrt_driver_xdna): install it beside the XRT in use, " +
              $"point XILINX_XRT at that XRT (source {XrtLibraries.DefaultXrtRoot}/setup.sh), and check that this user may open {npu.Node} (usually the render group).",
        failure);

    internal static NpuBackendUnavailableException EmulationHidesNpu(string mode, AccelDevice npu) => new(Backend,
        $"there is an NPU ({npu}), but {NpuBackends.XrtEmulationVariable}={mode} is set, so XRT would open its emulated device instead.",
        $"Unset {NpuBackends.XrtEmulationVariable} to use the NPU; set {NpuBackends.EnvironmentVariable}=xrt to use XRT's emulated device on purpose, " +
        $"or {NpuBackends.EnvironmentVariable}=emulator for the SDK's emulator.");

    internal static NpuBackendUnavailableException DriverUnreachable(string operation, string message) => new(Backend,
        $"XRT could not {operation}: {message}.",
        "XRT found no driver library to reach a device: point XILINX_XRT at the XRT whose lib/ holds its driver plugins " +
        $"(AMD's XRT: source {XrtLibraries.DefaultXrtRoot}/setup.sh), and with an NPU install the amd/xdna-driver plugin.");

    /// <summary>How the shim is built again where <paramref name="folder"/>'s build record says, or in either setup where there is none.</summary>
    private static string Rebuild(string? folder) =>
        (folder is null ? null : ShimBuildRecord.Read(folder)?.Rebuild)
        ?? "in a project that uses the NpuSdk package, set NpuSdkXrtRoot to the XRT to build against and build the project again; " +
           "in the SDK's repository, set NpuSdkXrtRoot (or XRT_ROOT) and run dotnet build";

    private static string Where(XrtLibraryCandidate c) => Path.IsPathRooted(c.Path) ? c.Path : c.Source;
}
