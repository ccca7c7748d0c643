using NpuSdk.Backends;
using NpuSdk.Emulation;

namespace NpuSdk;

/// <summary>
/// Backend selection. <c>NPUSDK_BACKEND=xrt|emulator</c> forces one (a forced backend that cannot open
/// fails with a clear error); otherwise <c>xrt</c> is used when an NPU device opens, else the emulator.
/// </summary>
public static class NpuBackends
{
    /// <summary>The environment variable that forces a backend.</summary>
    public const string EnvironmentVariable = "NPUSDK_BACKEND";

    /// <summary>The backend the environment or the machine selects.</summary>
    /// <exception cref="NpuBackendUnavailableException">A forced backend cannot be used.</exception>
    /// <exception cref="ArgumentException">The environment variable names no backend.</exception>
    public static INpuBackend Default()
    {
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(forced))
        {
            return forced.Trim().ToLowerInvariant() switch
            {
                "emulator" => Emulator,
                "xrt" => OpenXrt(),
                _ => throw new ArgumentException($"{EnvironmentVariable}='{forced}' names no backend; use 'xrt' or 'emulator'."),
            };
        }
        return TryXrtWithDevice() ?? Emulator;
    }

    /// <summary>The shared emulator backend with the built-in reference kernels.</summary>
    public static EmulatorBackend Emulator { get; } = new();

    /// <summary>The XRT backend.</summary>
    /// <exception cref="NpuBackendUnavailableException">The native shim or XRT is missing.</exception>
    public static INpuBackend OpenXrt() =>
        throw new NpuBackendUnavailableException("xrt", "the native XRT shim (libnpusdk_xrt.so) is not built into this SDK yet.",
            "Install XRT (Debian: apt-get install libxrt-dev cmake g++) and rebuild the SDK.");

    private static INpuBackend? TryXrtWithDevice()
    {
        try
        {
            var xrt = OpenXrt();
            xrt.OpenDevice(0).Dispose();
            return xrt;
        }
        catch (NpuException)
        {
            return null;
        }
    }
}
