using System.Runtime.InteropServices;
using NpuSdk.Testing;

namespace NpuSdk.Native.Tests;

/// <summary>
/// Points this process's XRT at its no-op device: <c>XCL_EMULATION_MODE=noop</c> and <c>XILINX_XRT</c>
/// naming a temporary folder whose <c>lib/</c> links to the installed <c>libxrt_*</c> libraries (XRT loads
/// its driver shim, here libxrt_noop, from there). XRT reads both variables through the C library when it
/// first touches a device, so they are set with <c>setenv</c> before any XRT call: .NET's own environment
/// API does not reach native code on Linux.
/// </summary>
internal static partial class NoopXrt
{
    private static readonly Lazy<string?> Prepared = new(Prepare);

    /// <summary>Why the no-op device cannot be used here, or null when it is ready.</summary>
    public static string? UnavailableReason => Prepared.Value;

    /// <summary>The xrt backend on the no-op device; fails with the reason where that cannot be set up.</summary>
    public static NpuSdk.Backends.Xrt.XrtBackend Backend() =>
        UnavailableReason is { } reason ? throw new InvalidOperationException(reason) : NpuSdk.Backends.Xrt.XrtBackend.Open();

    /// <summary>The folder XILINX_XRT points at.</summary>
    public static string? Root { get; private set; }

    private static string? Prepare()
    {
        if (!OperatingSystem.IsLinux()) return "XRT's no-op device is only set up here on Linux.";
        string? libs = NoopXrtRoot.FindLibraries();
        if (libs is null) return "XRT is not installed (no libxrt_coreutil and libxrt_noop; Debian: apt-get install libxrt-dev).";
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "libnpusdk_xrt.so")))
            return "libnpusdk_xrt.so was not built (the build skipped it: cmake, g++ or XRT's headers missing).";

        string root = NoopXrtRoot.Create(libs);
        SetNativeEnvironment("XCL_EMULATION_MODE", "noop");
        SetNativeEnvironment("XILINX_XRT", root);
        Root = root;
        return null;
    }

    private static void SetNativeEnvironment(string name, string value)
    {
        if (SetEnv(name, value, 1) != 0) throw new InvalidOperationException($"setenv({name}) failed: errno {Marshal.GetLastPInvokeError()}.");
        Environment.SetEnvironmentVariable(name, value); // keep .NET's copy in step for managed readers
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

/// <summary>A test that runs on XRT's no-op device; skipped, with the reason, only where XRT or the shim is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NoopXrtFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the no-op device cannot be prepared.</summary>
    public NoopXrtFactAttribute()
    {
        if (NoopXrt.UnavailableReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that runs on XRT's no-op device; skipped, with the reason, only where XRT or the shim is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NoopXrtTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the no-op device cannot be prepared.</summary>
    public NoopXrtTheoryAttribute()
    {
        if (NoopXrt.UnavailableReason is { } reason) Skip = reason;
    }
}
