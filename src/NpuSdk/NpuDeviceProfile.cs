using NpuSdk.Emulation;
using NpuSdk.KernelModel;

namespace NpuSdk;

/// <summary>
/// What differs between NPU generations, in one place: how many hardware contexts the driver lets be alive at once on
/// the device (system-wide: other processes' contexts count), and the latency model that projects time on it.
/// </summary>
/// <remarks>
/// The budgets are the amdxdna driver's <c>hwctx_limit</c>, which it reports as <c>npu_task_max</c>: 6 on npu1, 16 on the
/// npu4 family (Xilinx/mlir-aie PR #3526; amd/xdna-driver PR #364 made it a module parameter, so the driver's live value
/// wins where the xrt backend can read it). Past the budget the driver refuses <c>CREATE_HWCTX</c>.
/// </remarks>
public sealed class NpuDeviceProfile
{
    /// <summary>The environment variable that picks the emulator's profile: <c>npu1</c> or <c>npu4</c>.</summary>
    public const string DeviceVariable = "NPUSDK_DEVICE";

    /// <summary>The environment variable that lowers the context budget of every device (a machine shared with other NPU programs).</summary>
    public const string MaxContextsVariable = "NPUSDK_MAX_CONTEXTS";

    private NpuDeviceProfile(DeviceGeneration generation, LatencyModel latency)
    {
        Generation = generation;
        Latency = latency;
    }

    /// <summary>npu1: Phoenix and Hawk Point (XDNA), 6 hardware contexts, <see cref="LatencyModel.Phoenix"/>.</summary>
    public static NpuDeviceProfile Npu1 { get; } = new(DeviceGeneration.Npu1, LatencyModel.Phoenix);

    /// <summary>The npu4 family: Strix, Strix Halo and Krackan (XDNA2), 16 hardware contexts, <see cref="LatencyModel.Strix"/>.</summary>
    public static NpuDeviceProfile Npu4 { get; } = new(DeviceGeneration.Npu4, LatencyModel.Strix);

    /// <summary>Every profile, tightest budget first.</summary>
    public static IReadOnlyList<NpuDeviceProfile> All { get; } = [Npu1, Npu4];

    /// <summary>The generation: its name, family, driver names and context budget (the table the generator's budget check reads too).</summary>
    public DeviceGeneration Generation { get; }

    /// <summary>The profile's name: <c>npu1</c> or <c>npu4</c>.</summary>
    public string Name => Generation.Name;

    /// <summary>The processors it covers, in words.</summary>
    public string Family => Generation.Family;

    /// <summary>Hardware contexts the driver allows alive at once on the device, by default (its <c>hwctx_limit</c>).</summary>
    public int ContextBudget => Generation.ContextBudget;

    /// <summary>The latency model of this generation, calibrated on published figures (docs/performance.md).</summary>
    public LatencyModel Latency { get; }

    /// <summary>The device names the driver reports for this generation (XRT's <c>xrt::info::device::name</c>).</summary>
    public IReadOnlyList<string> DriverNames => Generation.DriverNames;

    /// <summary>The profile of a device whose driver reports <paramref name="deviceName"/> (<c>RyzenAI-npu1</c>, <c>-npu4</c>, <c>-npu5</c>, <c>-npu6</c>), or null.</summary>
    public static NpuDeviceProfile? FromDeviceName(string? deviceName) => Of(DeviceGeneration.FromDeviceName(deviceName));

    /// <summary>The profile named <paramref name="name"/> (<c>npu1</c> or <c>npu4</c>; <c>npu5</c> and <c>npu6</c> are npu4's family).</summary>
    /// <exception cref="ArgumentException">No profile has that name; the message lists them.</exception>
    public static NpuDeviceProfile Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Of(DeviceGeneration.FromName(name))
            ?? throw new ArgumentException($"'{name}' names no device profile; use npu1 (Phoenix, Hawk Point) or npu4 (Strix, Strix Halo, Krackan).", nameof(name));
    }

    private static NpuDeviceProfile? Of(DeviceGeneration? generation) => generation is null ? null : generation == DeviceGeneration.Npu1 ? Npu1 : Npu4;

    /// <summary>The emulator's profile: <see cref="DeviceVariable"/> when set, else <see cref="Npu1"/>, the tighter budget.</summary>
    /// <exception cref="ArgumentException">The variable names no profile.</exception>
    internal static NpuDeviceProfile FromEnvironment(Func<string, string?> variable)
    {
        string? named = variable(DeviceVariable);
        if (string.IsNullOrWhiteSpace(named)) return Npu1;
        try
        {
            return Parse(named);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{DeviceVariable}: {e.Message}", DeviceVariable, e);
        }
    }

    /// <summary>The budget <see cref="MaxContextsVariable"/> sets (a positive whole number), or null when it is not set.</summary>
    /// <exception cref="ArgumentException">The variable is set to something else.</exception>
    internal static int? MaxContextsFromEnvironment(Func<string, string?> variable)
    {
        string? text = variable(MaxContextsVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0) return n;
        throw new ArgumentException($"{MaxContextsVariable}='{text}' is not a positive whole number of hardware contexts.", MaxContextsVariable);
    }

    /// <summary>The name and family, e.g. <c>npu1 (Phoenix, Hawk Point)</c>.</summary>
    public override string ToString() => $"{Name} ({Family})";
}
