namespace NpuSdk.Backends.Xrt;

/// <summary>An accelerator the probe saw: its device node and what the system says about it, where readable.</summary>
/// <param name="Name">The device's name, e.g. <c>accel0</c> (Windows: the driver package's folder name).</param>
/// <param name="Node">The device node, e.g. <c>/dev/accel/accel0</c> (Windows: the driver package's folder).</param>
/// <param name="NodeExists">False when sysfs lists the device but its node is missing (a container without it, say).</param>
/// <param name="Driver">The bound driver's name (<c>amdxdna</c> for an AMD NPU), or null where it cannot be read.</param>
/// <param name="Firmware">The NPU firmware version the driver reports, or null.</param>
/// <param name="Model">The driver's name for the device (amdxdna's <c>vbnv</c>, e.g. <c>RyzenAI-npu1</c>), or null.</param>
/// <param name="SysfsDevice">The device's sysfs folder, or null.</param>
internal sealed record AccelDevice(string Name, string Node, bool NodeExists, string? Driver, string? Firmware, string? Model, string? SysfsDevice)
{
    /// <summary>The Linux driver of AMD's NPUs.</summary>
    internal const string AmdNpuDriver = "amdxdna";

    /// <summary>The Ryzen AI NPU driver package on Windows.</summary>
    internal const string WindowsNpuDriver = "kipudrv";

    /// <summary>
    /// An NPU the xrt backend should drive: a node that exists, bound to an AMD NPU driver, or one whose driver
    /// cannot be read (counted, so that a hidden driver makes the choice loud rather than silently the emulator).
    /// </summary>
    internal bool IsNpu => NodeExists && (Driver is null || Driver == AmdNpuDriver || Driver == WindowsNpuDriver);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Node} (driver {Driver ?? "unreadable"}{(Model is null ? "" : ", " + Model)}{(Firmware is null ? "" : ", firmware " + Firmware)})";
}

/// <summary>
/// Finds NPU device nodes. Linux: every <c>/dev/accel/accel*</c> node and every <c>/sys/class/accel/accel*</c> entry,
/// with the driver named by the <c>device/driver</c> link and, for amdxdna, its <c>vbnv</c> and <c>fw_version</c>
/// attributes. Windows (not verified on a machine with an NPU): the Ryzen AI driver package <c>kipudrv.inf_*</c> in
/// the driver store, which the driver's installer puts there. The roots are parameters so tests can lay out a tree.
/// </summary>
internal static class NpuDeviceProbe
{
    /// <summary>The accelerators of this machine.</summary>
    internal static IReadOnlyList<AccelDevice> Find() =>
        OperatingSystem.IsWindows()
            ? FindWindows(Environment.GetEnvironmentVariable("SystemRoot") ?? @"C:\Windows")
            : FindLinux("/dev", "/sys");

    /// <summary>Accelerators under <paramref name="dev"/> (normally <c>/dev</c>) and <paramref name="sys"/> (<c>/sys</c>).</summary>
    internal static IReadOnlyList<AccelDevice> FindLinux(string dev, string sys)
    {
        string nodes = Path.Combine(dev, "accel"), classes = Path.Combine(sys, "class", "accel");
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string folder in new[] { nodes, classes })
            foreach (string entry in Entries(folder, "accel*"))
                names.Add(Path.GetFileName(entry));

        var devices = new List<AccelDevice>();
        foreach (string name in names)
        {
            string node = Path.Combine(nodes, name);
            string sysfs = Path.Combine(classes, name, "device");
            bool hasSysfs = Directory.Exists(sysfs);
            devices.Add(new AccelDevice(name, node, File.Exists(node) || Directory.Exists(node),
                hasSysfs ? LinkName(Path.Combine(sysfs, "driver")) : null,
                hasSysfs ? Attribute(sysfs, "fw_version") : null,
                hasSysfs ? Attribute(sysfs, "vbnv") : null,
                hasSysfs ? sysfs : null));
        }
        return devices;
    }

    /// <summary>The Ryzen AI driver packages installed under <paramref name="systemRoot"/> (normally <c>C:\Windows</c>).</summary>
    internal static IReadOnlyList<AccelDevice> FindWindows(string systemRoot)
    {
        string store = Path.Combine(systemRoot, "System32", "DriverStore", "FileRepository");
        return Entries(store, AccelDevice.WindowsNpuDriver + ".inf_*")
            .Where(Directory.Exists)
            .Order(StringComparer.Ordinal)
            .Select(package => new AccelDevice(Path.GetFileName(package), package, true, AccelDevice.WindowsNpuDriver, null, null, null))
            .ToList();
    }

    /// <summary>One line of a sysfs attribute, or null where it is absent or unreadable.</summary>
    internal static string? Attribute(string folder, string name)
    {
        try
        {
            string path = Path.Combine(folder, name);
            return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } text ? text : null : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Entries(string folder, string pattern)
    {
        try
        {
            return Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder, pattern) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The last part of a symbolic link's target (sysfs names a driver by its folder), or null.</summary>
    private static string? LinkName(string link)
    {
        try
        {
            string? target = new FileInfo(link).LinkTarget;
            return target is null ? null : Path.GetFileName(target.TrimEnd('/'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
