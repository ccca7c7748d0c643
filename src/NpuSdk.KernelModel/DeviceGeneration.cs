using System;
using System.Collections.Generic;

namespace NpuSdk.KernelModel;

/// <summary>
/// An NPU generation as the amdxdna driver knows it: its name, the processors it covers, the device names the driver
/// reports for it, and its budget of hardware contexts alive at once (the driver's <c>hwctx_limit</c>, reported as
/// <c>npu_task_max</c>: 6 on npu1, 16 on the npu4 family; Xilinx/mlir-aie PR #3526, amd/xdna-driver PR #364). The
/// runtime's device profiles and the generator's budget check read the same table.
/// </summary>
public sealed class DeviceGeneration
{
    private readonly string[] _driverNames;

    private DeviceGeneration(string name, string family, int contextBudget, params string[] driverNames)
    {
        Name = name;
        Family = family;
        ContextBudget = contextBudget;
        _driverNames = driverNames;
    }

    /// <summary>npu1: Phoenix and Hawk Point (XDNA), 6 hardware contexts.</summary>
    public static DeviceGeneration Npu1 { get; } = new("npu1", "Phoenix, Hawk Point", 6, "RyzenAI-npu1");

    /// <summary>The npu4 family: Strix, Strix Halo and Krackan (XDNA2), 16 hardware contexts.</summary>
    public static DeviceGeneration Npu4 { get; } = new("npu4", "Strix, Strix Halo, Krackan", 16, "RyzenAI-npu4", "RyzenAI-npu5", "RyzenAI-npu6");

    /// <summary>Every generation, tightest budget first.</summary>
    public static IReadOnlyList<DeviceGeneration> All { get; } = new[] { Npu1, Npu4 };

    /// <summary><c>npu1</c> or <c>npu4</c>.</summary>
    public string Name { get; }

    /// <summary>The processors it covers, in words.</summary>
    public string Family { get; }

    /// <summary>Hardware contexts the driver allows alive at once on the device, system-wide, by default.</summary>
    public int ContextBudget { get; }

    /// <summary>The device names the driver reports for this generation (XRT's <c>xrt::info::device::name</c>).</summary>
    public IReadOnlyList<string> DriverNames => _driverNames;

    /// <summary>The generation of a device whose driver reports <paramref name="deviceName"/>, or null when it is none of these.</summary>
    public static DeviceGeneration? FromDeviceName(string? deviceName)
    {
        if (deviceName is null || deviceName.Trim().Length == 0) return null;
        foreach (var generation in All)
            foreach (string known in generation._driverNames)
                if (deviceName.IndexOf(known, StringComparison.OrdinalIgnoreCase) >= 0) return generation;
        return null;
    }

    /// <summary>The generation named <paramref name="name"/>: <c>npu1</c>, or <c>npu4</c> (<c>npu5</c> and <c>npu6</c> are its family); null for any other.</summary>
    public static DeviceGeneration? FromName(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "npu1" => Npu1,
        "npu4" or "npu5" or "npu6" => Npu4,
        _ => null,
    };

    /// <summary>The name and family, e.g. <c>npu1 (Phoenix, Hawk Point)</c>.</summary>
    public override string ToString() => $"{Name} ({Family})";
}
