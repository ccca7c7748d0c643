using NpuSdk.Backends;
using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;

namespace NpuSdk;

/// <summary>
/// Backend selection. <c>NPUSDK_BACKEND=xrt|emulator</c> forces one (a forced backend that cannot open
/// fails with a clear error); otherwise <c>xrt</c> is used when an NPU device opens, else the emulator.
/// An XRT emulation device (<c>XCL_EMULATION_MODE</c> set, e.g. the no-op device) is not an NPU: it is
/// used only when <c>xrt</c> is forced.
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

    /// <summary>XRT's variable that swaps the device for an emulated one (<c>noop</c>, <c>sw_emu</c>, <c>hw_emu</c>).</summary>
    public const string XrtEmulationVariable = "XCL_EMULATION_MODE";

    /// <summary>The XRT backend (see <see cref="XrtBackend"/>).</summary>
    /// <exception cref="NpuBackendUnavailableException">The native shim or XRT is missing.</exception>
    public static INpuBackend OpenXrt() => XrtBackend.Open();

    private static INpuBackend? TryXrtWithDevice()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(XrtEmulationVariable))) return null;
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
