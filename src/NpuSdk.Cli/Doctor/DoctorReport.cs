using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NpuSdk.Backends.Xrt;

namespace NpuSdk.Cli.Doctor;

/// <summary>
/// The text of <c>npu doctor</c>: the system, where XRT's runtime library was looked for and found, the shim beside
/// NpuSdk.dll and what it was built with, the NPU device nodes with driver and firmware, the memlock limit and power
/// settings that usually block XDNA on Linux, the backend a program gets and why, and what to do. Every fact says where
/// it was read from; what cannot be read is reported as unknown, with the place tried.
/// </summary>
internal sealed class DoctorReport(DoctorMachine machine)
{
    private const int LabelWidth = 20;
    private readonly StringBuilder _text = new();
    private readonly List<string> _todo = [];

    internal string Write()
    {
        var devices = machine.Host.FindDevices();
        var npu = devices.FirstOrDefault(d => d.IsNpu);
        _text.Append("npu doctor: what the xrt backend needs on this machine and what it finds\n");
        System();
        Xrt();
        Shim();
        Npu(devices, npu);
        var backend = Backend(npu);
        if (backend is not null) Contexts(backend);
        Section("To do");
        foreach (string step in _todo.Distinct()) _text.Append("  - ").Append(step).Append('\n');
        return _text.ToString();
    }

    private void System()
    {
        Section("System");
        Row("os", $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), .NET {Environment.Version}");
    }

    private void Xrt()
    {
        Section($"XRT runtime library ({XrtLibraries.Coreutil})");
        if (OperatingSystem.IsWindows())
        {
            foreach (var candidate in XrtLibraries.CoreutilCandidates(machine.Host.Variable).Where(c => Path.IsPathRooted(c.Path)))
                Row(candidate.Source, File.Exists(candidate.Path) ? "found " + candidate.Path : "not found: no " + candidate.Path);
            Row("DLL search path", Found(machine.LibraryFolders, "xrt_coreutil.dll") ?? "not found in any PATH folder");
        }
        else
        {
            Row("XILINX_XRT", machine.Host.Variable("XILINX_XRT") is { Length: > 0 } xilinxXrt
                ? $"{xilinxXrt}: " + (Found([Path.Combine(xilinxXrt, "lib")], "libxrt_coreutil.so*") ?? $"no libxrt_coreutil.so* in {Path.Combine(xilinxXrt, "lib")}")
                : "not set");
            Row(machine.XrtRoot, Found([Path.Combine(machine.XrtRoot, "lib")], "libxrt_coreutil.so*")
                ?? $"not installed (no libxrt_coreutil.so* in {Path.Combine(machine.XrtRoot, "lib")})");
            Row("system library path", Found(machine.LibraryFolders, "libxrt_coreutil.so*")
                ?? $"not found (looked in LD_LIBRARY_PATH and {string.Join(", ", machine.LibraryFolders.Distinct())})");
        }
        Row(NpuBackends.XrtEmulationVariable, machine.Host.Variable(NpuBackends.XrtEmulationVariable) is { Length: > 0 } mode
            ? $"{mode}: XRT opens its emulated device, not an NPU"
            : "not set");
    }

    private void Shim()
    {
        string file = XrtLibraries.FileName(XrtLibraries.Shim);
        Section($"Native shim ({file} beside NpuSdk.dll in {machine.ShimFolder})");
        var record = ShimBuildRecord.Read(machine.ShimFolder);
        if (!File.Exists(Path.Combine(machine.ShimFolder, file)))
        {
            Row("file", record switch
            {
                { Built: false } => $"missing: the build did not make it, because {record.Reason ?? "of a cause it did not record"} (from {ShimBuildRecord.FileName})",
                { Built: true } => $"missing, though the build made it ({ShimBuildRecord.FileName}): deleted, or the program was copied without it",
                null => $"missing, and no build record ({ShimBuildRecord.FileName}) says why",
            });
            return;
        }
        Row("file", record?.Xrt is { } xrt ? $"built against the XRT in {xrt} (from {ShimBuildRecord.FileName})" : "built");
        try
        {
            Row("capabilities", machine.Host.LoadXrt().Capabilities.Describe());
        }
        catch (NpuException e)
        {
            Row("capabilities", "unknown, it did not load: " + e.Message);
        }
    }

    private void Npu(IReadOnlyList<AccelDevice> devices, AccelDevice? npu)
    {
        Section("NPU");
        if (devices.Count == 0)
            Row("device nodes", OperatingSystem.IsWindows()
                ? "none: the Ryzen AI driver package (kipudrv.inf) is not in the driver store"
                : "none: no /dev/accel/accel* node and no /sys/class/accel entry");
        foreach (var d in devices) Row(d.Name, Describe(d));
        if (OperatingSystem.IsWindows())
        {
            Row("memlock, power", "not read on Windows");
            return;
        }

        string module = Path.Combine(machine.Sys, "module", AccelDevice.AmdNpuDriver);
        Row("amdxdna module", !Directory.Exists(module) ? $"not loaded (no {module})"
            : NpuDeviceProbe.Attribute(module, "version") is { } version ? $"version {version} (from {Path.Combine(module, "version")})"
            : $"loaded, version unknown (no {Path.Combine(module, "version")}; an in-tree driver has none)");

        string limits = Path.Combine(machine.Proc, "self", "limits");
        var memlock = Memlock(limits);
        Row("memlock limit", memlock is null ? $"unknown (no readable {limits})" : $"{memlock.Value.Text} (from {limits}, what `ulimit -l` shows)");
        if (npu is not null && memlock is { Unlimited: false })
            _todo.Add("Raise the memlock limit, which XDNA buffer mappings count against (else \"mmap failed: Resource temporarily unavailable\"): " +
                      "'* soft memlock unlimited' and '* hard memlock unlimited' in /etc/security/limits.conf (LimitMEMLOCK=infinity for a systemd service), then log in again.");

        foreach (var d in devices.Where(d => d.SysfsDevice is not null))
        {
            string power = Path.Combine(d.SysfsDevice!, "power");
            Row($"{d.Name} power", $"runtime status {NpuDeviceProbe.Attribute(power, "runtime_status") ?? "unknown"}, control {NpuDeviceProbe.Attribute(power, "control") ?? "unknown"} (from {power}/runtime_status, control)");
        }
        string profile = Path.Combine(machine.Sys, "firmware", "acpi", "platform_profile");
        Row("platform profile", NpuDeviceProbe.Attribute(Path.GetDirectoryName(profile)!, "platform_profile") is { } p
            ? $"{p} (from {profile}; a low-power profile slows the NPU)"
            : $"unknown (no readable {profile})");
        Row("NPU power mode", "not read: amdxdna keeps it in the driver (xrt-smi configure --pmode sets it), not in sysfs");
    }

    private Backends.INpuBackend? Backend(AccelDevice? npu)
    {
        Section("Backend a program gets (NpuBackends.Select)");
        try
        {
            var selection = NpuBackends.Select(machine.Host);
            Row("backend", selection.Backend.Name);
            Row("why", selection.Reason);
            _todo.Add(selection.Backend.Name == "xrt" ? "Nothing: programs run on the NPU through XRT."
                : npu is null ? "Nothing, to run on the emulator. This machine has no NPU; on one that has, this report shows what the xrt backend still needs."
                : "Nothing, to run on the emulator as asked; unset NPUSDK_BACKEND to use the NPU.");
            return selection.Backend;
        }
        catch (NpuException e)
        {
            Row("backend", $"none: Device.Open() throws {e.GetType().Name}");
            Row("why", e.Message);
            _todo.Insert(0, e is NpuBackendUnavailableException unavailable ? unavailable.InstallHint : "XRT itself failed (its message is above): check the installation with xrt-smi examine.");
        }
        catch (ArgumentException e)
        {
            Row("backend", "none: Device.Open() throws ArgumentException");
            Row("why", e.Message);
            _todo.Insert(0, $"Set {NpuBackends.EnvironmentVariable} to xrt or emulator, or unset it.");
        }
        return null;
    }

    /// <summary>
    /// The device's generation and its budget of hardware contexts: where the budget comes from, how many are alive
    /// (this process has none open yet; the driver's count, where readable, is every process's), and what to do when a
    /// program needs more designs than the budget holds.
    /// </summary>
    private void Contexts(Backends.INpuBackend backend)
    {
        Section("Hardware contexts (Device.ContextBudget)");
        try
        {
            // The emulator's profile is the environment's as this report reads it, so a test's variables hold here too.
            if (backend is Emulation.EmulatorBackend)
                backend = new Emulation.EmulatorBackend(new Emulation.EmulatorOptions { Profile = NpuDeviceProfile.FromEnvironment(machine.Host.Variable) });
            using var device = Device.Open(backend, 0, machine.Host.Variable);
            Row("device profile", $"{device.Profile.Name}: {device.Profile.Family} ({(device.DeviceName is { } name ? "the device reports " + name : "the device reports no name")})");
            Row("budget", $"{device.ContextBudget} contexts alive at once, system-wide ({device.ContextBudgetSource})");
            Row("alive now", device.Handle.ContextsInUse is int inUse
                ? $"{inUse} on the device, every process's (the driver's count); this process {device.LiveContexts}"
                : $"unknown for other processes (this XRT does not report the driver's count; `{NpuContextBudgetException.InspectCommand}` lists them); this process {device.LiveContexts}");
            _todo.Add($"Keep the designs a program cycles through within {device.ContextBudget} (one context per xclbin), or calls evict and reopen contexts: docs/contexts.md.");
        }
        catch (Exception e) when (e is NpuException or ArgumentException)
        {
            Row("device", $"not opened: {e.Message}");
        }
    }

    private static string Describe(AccelDevice d)
    {
        var parts = new List<string> { d.NodeExists ? d.Node : $"{d.Node} is missing (sysfs lists the device; a container without it?)" };
        parts.Add(d.Driver is null ? "driver unknown (no readable device/driver link)"
            : d.SysfsDevice is null ? $"driver {d.Driver}" : $"driver {d.Driver} (from {Path.Combine(d.SysfsDevice, "driver")})");
        if (d.Model is not null) parts.Add($"{d.Model} (vbnv)");
        if (d.SysfsDevice is not null) parts.Add(d.Firmware is null ? "firmware unknown (no fw_version)" : $"firmware {d.Firmware} (fw_version)");
        parts.Add(d.IsNpu ? "an NPU" : "not an AMD NPU");
        return string.Join(", ", parts);
    }

    /// <summary>The first file matching <paramref name="pattern"/> in the folders, with the XRT version its final link target names.</summary>
    private static string? Found(IEnumerable<string> folders, string pattern)
    {
        foreach (string folder in folders)
        {
            string? file, target;
            try
            {
                file = Directory.Exists(folder) ? Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal).FirstOrDefault() : null;
                if (file is null) continue;
                target = File.ResolveLinkTarget(file, returnFinalTarget: true)?.Name ?? Path.GetFileName(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // a folder this user cannot list holds nothing the loader would find for it either
            }
            int so = target.IndexOf(".so.", StringComparison.Ordinal);
            string version = so >= 0 && target[(so + 4)..].Count(c => c == '.') >= 1 ? $" (XRT {target[(so + 4)..]})" : "";
            return $"found {file}{(target == Path.GetFileName(file) ? "" : " -> " + target)}{version}";
        }
        return null;
    }

    /// <summary>The "Max locked memory" line of a limits file: soft and hard, in KiB as <c>ulimit -l</c> prints them.</summary>
    private static (string Text, bool Unlimited)? Memlock(string limits)
    {
        string? line;
        try
        {
            line = File.Exists(limits) ? File.ReadLines(limits).FirstOrDefault(l => l.StartsWith("Max locked memory", StringComparison.Ordinal)) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var fields = line?["Max locked memory".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: >= 2 }) return null;
        static string Kib(string v) => v == "unlimited" ? v : ulong.TryParse(v, CultureInfo.InvariantCulture, out ulong b) ? $"{b / 1024} KiB" : v;
        return ($"{Kib(fields[0])} soft, {Kib(fields[1])} hard", fields[0] == "unlimited");
    }

    private void Section(string title) => _text.Append('\n').Append(title).Append('\n');

    private void Row(string label, string value) => _text.Append("  ").Append(label.PadRight(LabelWidth)).Append(' ').Append(value).Append('\n');
}
