using NpuSdk.Backends;
using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;

namespace NpuSdk.Backends;

/// <summary>The backend a program gets, and why, in words it can log or show.</summary>
/// <param name="Backend">The backend: <see cref="XrtBackend"/> or <see cref="NpuBackends.Emulator"/>.</param>
/// <param name="Reason">Why this one, e.g. "an NPU is present (/dev/accel/accel0 ...) and XRT opened it ...".</param>
public sealed record NpuBackendSelection(INpuBackend Backend, string Reason);

/// <summary>
/// Backend selection, loud rather than silent. <c>NPUSDK_BACKEND=xrt|emulator</c> forces one (a forced backend that
/// cannot open fails with the reason). Otherwise: with no NPU device node on the machine (Linux: a
/// <c>/dev/accel/accel*</c> node bound to the amdxdna driver; Windows: the Ryzen AI driver installed) the emulator is
/// chosen; with one, the xrt backend is, and if it cannot open, selection throws an
/// <see cref="NpuBackendUnavailableException"/> saying what is missing and how to fix it, never falling back to the
/// emulator unasked. An XRT emulation device (<c>XCL_EMULATION_MODE</c> set, e.g. the no-op device) is not an NPU: it
/// is used only when <c>xrt</c> is forced. <see cref="Select()"/> tells which backend and why.
/// </summary>
public static class NpuBackends
{
    /// <summary>The environment variable that forces a backend.</summary>
    public const string EnvironmentVariable = "NPUSDK_BACKEND";

    /// <summary>XRT's variable that swaps the device for an emulated one (<c>noop</c>, <c>sw_emu</c>, <c>hw_emu</c>).</summary>
    public const string XrtEmulationVariable = "XCL_EMULATION_MODE";

    /// <summary>The shared emulator backend with the built-in reference kernels.</summary>
    public static EmulatorBackend Emulator { get; } = new();

    /// <summary>The backend the environment or the machine selects (<see cref="Select()"/>'s backend).</summary>
    /// <exception cref="NpuBackendUnavailableException">A forced backend cannot be used, or an NPU is present and XRT cannot drive it.</exception>
    /// <exception cref="ArgumentException">The environment variable names no backend.</exception>
    public static INpuBackend Default() => Select().Backend;

    /// <summary>
    /// The backend a program gets on this machine and the reason in words: what the environment asked for, which NPU
    /// device node was found (or that none was), and what the xrt backend loaded.
    /// </summary>
    /// <exception cref="NpuBackendUnavailableException">A forced backend cannot be used, or an NPU is present and XRT cannot drive it; the message gives the cause and its fix.</exception>
    /// <exception cref="ArgumentException">The environment variable names no backend.</exception>
    public static NpuBackendSelection Select() => Select(NpuHost.Machine);

    /// <summary>The XRT backend (see <see cref="XrtBackend"/>).</summary>
    /// <exception cref="NpuBackendUnavailableException">The native shim or XRT is missing.</exception>
    public static INpuBackend OpenXrt() => XrtBackend.Open();

    internal static NpuBackendSelection Select(NpuHost host)
    {
        string? forced = host.Variable(EnvironmentVariable);
        string? emulation = host.Variable(XrtEmulationVariable) is { Length: > 0 } mode ? mode : null;
        var npu = host.FindDevices().FirstOrDefault(d => d.IsNpu);

        if (!string.IsNullOrWhiteSpace(forced))
        {
            return forced.Trim().ToLowerInvariant() switch
            {
                "emulator" => new(Emulator, $"{EnvironmentVariable}={forced} asks for the emulator" + (npu is null ? "." : $"; the NPU {npu} is not used.")),
                "xrt" => ForcedXrt(host, npu, emulation),
                _ => throw new ArgumentException($"{EnvironmentVariable}='{forced}' names no backend; use 'xrt' or 'emulator'."),
            };
        }

        if (npu is null)
            return new(Emulator, "no NPU device node was found (" + (OperatingSystem.IsWindows()
                ? $"the Ryzen AI driver package {AccelDevice.WindowsNpuDriver}.inf is not installed"
                : $"no /dev/accel/accel* bound to the {AccelDevice.AmdNpuDriver} driver") + $"); {EnvironmentVariable}=xrt uses XRT anyway.");
        if (emulation is not null) throw XrtUnavailable.EmulationHidesNpu(emulation, npu);

        var xrt = host.LoadXrt();
        if (!xrt.Capabilities.HasHwContext) throw XrtUnavailable.NoHardwareContext(xrt.Capabilities, npu);
        try
        {
            xrt.OpenDevice(0).Dispose();
        }
        catch (NpuException e)
        {
            throw XrtUnavailable.NpuDidNotOpen(npu, e);
        }
        return new(xrt, $"an NPU is present ({npu}) and XRT opened it; {Shim(xrt)}.");
    }

    private static NpuBackendSelection ForcedXrt(NpuHost host, AccelDevice? npu, string? emulation)
    {
        var xrt = host.LoadXrt();
        if (emulation is not null)
            return new(xrt, $"{EnvironmentVariable}=xrt asks for XRT, and {XrtEmulationVariable}={emulation} gives it XRT's emulated device; {Shim(xrt)}.");
        if (npu is null)
            return new(xrt, $"{EnvironmentVariable}=xrt asks for XRT, though no NPU device node was found; {Shim(xrt)}.");
        if (!xrt.Capabilities.HasHwContext) throw XrtUnavailable.NoHardwareContext(xrt.Capabilities, npu);
        return new(xrt, $"{EnvironmentVariable}=xrt asks for XRT, for the NPU {npu}; {Shim(xrt)}.");
    }

    private static string Shim(XrtBackend xrt) =>
        $"XRT from {xrt.XrtLibrary.Source}, the shim {xrt.Capabilities.Describe()}";
}

/// <summary>
/// What backend selection reads from the machine: environment variables, the accelerator probe and the XRT loader.
/// Tests put in their own, so every case (an NPU with XRT missing, no NPU, an emulation variable set) runs anywhere.
/// </summary>
internal sealed record NpuHost(Func<string, string?> Variable, Func<IReadOnlyList<AccelDevice>> FindDevices, Func<XrtBackend> LoadXrt)
{
    internal static NpuHost Machine { get; } = new(Environment.GetEnvironmentVariable, NpuDeviceProbe.Find, () => XrtBackend.Open());
}
