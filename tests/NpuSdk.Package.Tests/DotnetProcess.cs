using System.Diagnostics;
using System.Text;

namespace NpuSdk.Package.Tests;

/// <summary>What a child process printed and how it ended.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>The whole story, for an assertion message.</summary>
    public override string ToString() => $"{Command} exited with {ExitCode}:\n{Stdout}\n{Stderr}";
}

/// <summary>
/// Runs the dotnet CLI or a built program as a user's shell would: the variables that select a backend or an XRT, and
/// MSBuild's own variables that the test host may carry, are left out unless a test sets them. Every process has a time
/// limit, after which it is killed with its children and the test fails saying so.
/// </summary>
internal static class DotnetProcess
{
    private static readonly string[] Dropped = ["XILINX_XRT", "XCL_EMULATION_MODE", "XRT_ROOT", "NPUSDK_BACKEND", "XRT_INI_PATH"];

    private const string Nice = "/usr/bin/nice";

    /// <summary>The dotnet executable running these tests (it runs testhost.dll), else the one on PATH.</summary>
    public static string Dotnet { get; } =
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public static ProcessResult Run(string workingDirectory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Start(Dotnet, workingDirectory, limit, environment, arguments);

    public static ProcessResult Start(string program, string workingDirectory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        // At the lowest CPU priority where the system has nice: these builds run beside the other test assemblies on a
        // small machine, and must not starve the ones that wait on the emulator with a timeout.
        bool nice = !OperatingSystem.IsWindows() && File.Exists(Nice);
        var start = new ProcessStartInfo(nice ? Nice : program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (nice) foreach (string argument in new[] { "-n", "19", program }) start.ArgumentList.Add(argument);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (string name in start.Environment.Keys.ToList())
            if (Dropped.Contains(name) || name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)) start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        string command = $"{Path.GetFileName(program)} {string.Join(' ', arguments)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ProcessResult(command, -1, stdout.Result, stderr.Result + $"\n(killed: {command} did not finish within {limit.TotalMinutes:0.#} minutes)");
        }
        return new ProcessResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }
}
