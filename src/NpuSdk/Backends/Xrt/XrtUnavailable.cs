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

    internal static NpuBackendUnavailableException ShimMissing(string file, string folder) => new(Backend,
        $"the SDK's native shim {file} is not beside NpuSdk.dll in {folder}.",
        OperatingSystem.IsWindows()
            ? "Build native/ with CMake and MSVC against the XRT the Ryzen AI driver ships (native/README.md) and put npusdk_xrt.dll beside NpuSdk.dll."
            : "dotnet build makes it when CMake, a C++ compiler and XRT's headers are present, and says that it skipped it otherwise: " +
              "install them (Debian: apt-get install cmake g++ libxrt-dev; or set XRT_ROOT to an XRT with include/) and rebuild (native/README.md).");

    internal static NpuBackendUnavailableException ShimUnloadable(string path, Exception failure) => new(Backend,
        $"{path} is there but cannot be loaded: {failure.Message}",
        "A library it needs is missing, or it was built for another system or architecture: " +
        (OperatingSystem.IsWindows() ? "check its dependencies" : $"check `ldd {path}`") + " and rebuild the SDK on this machine.", failure);

    internal static NpuBackendUnavailableException ShimNotCallable(Exception failure) => new(Backend,
        $"the native shim could not be called ({failure.Message}).",
        "The shim beside NpuSdk.dll is damaged or from another build of the SDK: rebuild the SDK (dotnet build).", failure);

    internal static NpuBackendUnavailableException ShimAbiMismatch(string file, uint abi) => new(Backend,
        $"{file} has ABI version {abi}, but this NpuSdk.dll needs version {XrtShim.AbiVersion}: the shim is from another build of the SDK.",
        "Rebuild the SDK (dotnet build) so that the shim beside NpuSdk.dll comes from the same sources, or delete the stale copy.");

    internal static NpuBackendUnavailableException NoHardwareContext(XrtCapabilities capabilities, AccelDevice npu) => new(Backend,
        $"there is an NPU ({npu}), but the shim was built against XRT {capabilities.XrtVersion?.ToString() ?? "of unknown version"} " +
        "without xrt::hw_context, which the amdxdna driver requires.",
        $"Build the shim against XRT 2.14 or later, AMD's XRT for the NPU (normally {XrtLibraries.DefaultXrtRoot}): delete native/build, " +
        $"set XRT_ROOT={XrtLibraries.DefaultXrtRoot} and rebuild the SDK.");

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

    private static string Where(XrtLibraryCandidate c) => Path.IsPathRooted(c.Path) ? c.Path : c.Source;
}
