using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace NpuSdk.Testing;

/// <summary>
/// Builds and runs xclbin_dump.cpp, a tiny program over XRT's own parser (<c>xrt::xclbin</c> in
/// libxrt_coreutil), so tests can compare the SDK's reader with XRT's view of the same file. The binary is
/// compiled once per source version into a cache folder under the temp directory.
/// </summary>
internal static class XrtXclbinDump
{
    private const string Header = "/usr/include/xrt/experimental/xrt_xclbin.h";
    private static readonly string[] LibraryDirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/opt/xilinx/xrt/lib"];
    private static readonly Lazy<string> Binary = new(Build);
    private const int ProcessTimeoutMs = 600_000;

    /// <summary>Why XRT's parser cannot be used here, or null when it can.</summary>
    public static string? MissingReason
    {
        get
        {
            if (!File.Exists(Header)) return $"XRT headers are absent ({Header}); install libxrt-dev to run this test.";
            if (LibraryDir() is null) return "libxrt_coreutil.so is absent; install libxrt-dev to run this test.";
            return null;
        }
    }

    /// <summary>Why XRT's no-op device cannot be used here, or null when it can.</summary>
    public static string? NoopDeviceMissingReason =>
        MissingReason ?? (File.Exists(Path.Combine(LibraryDir()!, "libxrt_noop.so"))
            ? null : "XRT's no-op device library libxrt_noop.so is absent; install libxrt-dev to run this test.");

    private static string? LibraryDir() => LibraryDirs.FirstOrDefault(d => File.Exists(Path.Combine(d, "libxrt_coreutil.so")));

    /// <summary>Runs XRT's parser on <paramref name="xclbinPath"/> and returns its JSON.</summary>
    public static JsonDocument Dump(string xclbinPath)
    {
        var (exit, stdout, stderr) = Run(Binary.Value, [xclbinPath]);
        if (exit != 0) throw new InvalidOperationException($"xclbin_dump failed ({exit}): {stderr}");
        return JsonDocument.Parse(stdout);
    }

    /// <summary>
    /// Loads <paramref name="xclbinPath"/> on XRT's no-op device (<c>XCL_EMULATION_MODE=noop</c>, with
    /// <c>XILINX_XRT</c> pointing at a folder whose <c>lib/</c> links the installed libxrt libraries) and returns
    /// the parser's JSON plus each kernel's <c>deviceGroupIds</c>.
    /// </summary>
    public static JsonDocument Load(string xclbinPath)
    {
        var env = new Dictionary<string, string> { ["XCL_EMULATION_MODE"] = "noop", ["XILINX_XRT"] = NoopRoot.Value };
        var (exit, stdout, stderr) = Run(Binary.Value, [xclbinPath, "--load"], env);
        if (exit != 0) throw new InvalidOperationException($"xclbin_dump --load failed ({exit}): {stderr}");
        return JsonDocument.Parse(stdout);
    }

    private static readonly Lazy<string> NoopRoot = new(() => NpuSdk.Testing.NoopXrtRoot.Create(LibraryDir()!));

    private static string Build()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Shared", "xclbin_dump.cpp");
        string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(source)))[..16];
        string dir = Path.Combine(Path.GetTempPath(), "npusdk-xrt-dump", hash);
        string binary = Path.Combine(dir, "xclbin_dump");
        if (File.Exists(binary)) return binary;

        Directory.CreateDirectory(dir);
        // Build under a unique name and move into place, so concurrent test runs never see a half-written file.
        string partial = binary + "." + Environment.ProcessId + ".tmp";
        // libuuid.so.1 rather than -luuid: XRT needs uuid_unparse, and the runtime library is present without uuid-dev.
        var (exit, _, stderr) = Run("g++", ["-std=c++17", "-O1", "-I/usr/include/xrt", "-o", partial, source,
            "-L" + LibraryDir(), "-lxrt_coreutil", "-l:libuuid.so.1", "-pthread"]);
        if (exit != 0) throw new InvalidOperationException("g++ could not build xclbin_dump against XRT: " + stderr);
        File.Move(partial, binary, overwrite: true);
        return binary;
    }

    private static (int Exit, string Stdout, string Stderr) Run(string file, string[] args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in env ?? []) psi.Environment[name] = value;
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot run '{file}' ({ex.Message}); the XRT tests need g++ and libxrt-dev.", ex);
        }
        using var _ = p;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        // A stuck compiler or XRT call fails the test with a message instead of hanging the whole run.
        if (!p.WaitForExit(ProcessTimeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(" ", args)}' did not finish within {ProcessTimeoutMs / 1000} s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fact that needs XRT's parser: skipped, with the reason, only where libxrt-dev is not installed.</summary>
public sealed class XrtFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when XRT is absent.</summary>
    public XrtFactAttribute()
    {
        if (XrtXclbinDump.MissingReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs XRT's no-op device: skipped, with the reason, only where libxrt-dev is not installed.</summary>
public sealed class XrtDeviceTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when XRT or its no-op device library is absent.</summary>
    public XrtDeviceTheoryAttribute()
    {
        if (XrtXclbinDump.NoopDeviceMissingReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs XRT's parser: skipped, with the reason, only where libxrt-dev is not installed.</summary>
public sealed class XrtTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when XRT is absent.</summary>
    public XrtTheoryAttribute()
    {
        if (XrtXclbinDump.MissingReason is { } reason) Skip = reason;
    }
}
