using NpuSdk.Testing;

namespace NpuSdk.Package.Tests;

/// <summary>
/// Whether the package can build the shim here and XRT's no-op device can run it: CMake, a C++ compiler, XRT's headers
/// where the package's build looks when no XRT is named (/opt/xilinx/xrt, the system include path), and XRT's
/// coreutil and no-op libraries. CI installs all of them (libxrt-dev cmake g++).
/// </summary>
internal static class XrtHere
{
    public static string? MissingReason { get; } = Find();

    /// <summary>The folder holding libxrt_coreutil and libxrt_noop, when <see cref="MissingReason"/> is null.</summary>
    public static string? Libraries { get; } = OperatingSystem.IsLinux() ? NoopXrtRoot.FindLibraries() : null;

    private static string? Find()
    {
        if (!OperatingSystem.IsLinux()) return "the package's shim build and XRT's no-op device are exercised on Linux only.";
        var missing = new List<string>();
        if (!OnPath("cmake")) missing.Add("cmake");
        if (!OnPath("c++") && !OnPath("g++") && !OnPath("clang++")) missing.Add("a C++ compiler");
        if (!File.Exists("/opt/xilinx/xrt/include/xrt/xrt_device.h") && !File.Exists("/usr/include/xrt/xrt/xrt_device.h")
            && !File.Exists("/usr/local/include/xrt/xrt/xrt_device.h")) missing.Add("XRT's headers");
        if (NoopXrtRoot.FindLibraries() is null) missing.Add("XRT's libxrt_coreutil and libxrt_noop");
        return missing.Count == 0 ? null : $"not installed here: {string.Join(", ", missing)} (Debian: apt-get install libxrt-dev cmake g++).";
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}

/// <summary>A test that needs XRT, CMake and a compiler here; skipped, with what is missing, only where they are not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class XrtFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> to what is missing.</summary>
    public XrtFactAttribute()
    {
        if (XrtHere.MissingReason is { } reason) Skip = reason;
    }
}
