using System.Diagnostics;
using NpuSdk.CodeFixes;

namespace NpuSdk.Analyzers.Tests.FixAll;

/// <summary>
/// `dotnet format analyzers` applies NPU fixes through their fix-all providers (it refuses a fix without one).
/// A small project in a temporary folder takes the built analyzer and code-fix assemblies as Analyzer items and
/// the runtime as a reference; the command must rewrite its per-tile syncs.
/// </summary>
public class DotnetFormatTests
{
    private const string Before = """
        using NpuSdk;

        public static class Upload
        {
            public static void Pack(Bo input, Bo weights, byte[] data, int tiles)
            {
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                    input.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length));
                }
                for (int t = 0; t < tiles; t++)
                {
                    weights.Write(data, (ulong)(t * data.Length));
                    weights.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length));
                }
            }
        }

        """;

    private const string After = """
        using NpuSdk;

        public static class Upload
        {
            public static void Pack(Bo input, Bo weights, byte[] data, int tiles)
            {
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                }
                input.Sync(SyncDirection.ToDevice);
                for (int t = 0; t < tiles; t++)
                {
                    weights.Write(data, (ulong)(t * data.Length));
                }
                weights.Sync(SyncDirection.ToDevice);
            }
        }

        """;

    [Fact]
    public void DotnetFormatAnalyzersAppliesTheSyncFixToEveryLoop()
    {
        var folder = Directory.CreateTempSubdirectory("npusdk-format-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "Upload.cs"), Before);
            File.WriteAllText(Path.Combine(folder.FullName, "Upload.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{typeof(Device).Assembly.Location}" />
                    <Reference Include="{typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location}" />
                    <Analyzer Include="{typeof(LoopPatternAnalyzer).Assembly.Location}" />
                    <Analyzer Include="{typeof(SyncInLoopCodeFix).Assembly.Location}" />
                  </ItemGroup>
                </Project>
                """);
            var (exitCode, output) = Run(folder.FullName, "format", "analyzers", "Upload.csproj", "--diagnostics", NpuDiagnostics.SyncInLoopId, "--severity", "info", "--verbosity", "detailed");
            Assert.True(exitCode == 0, $"dotnet format exited with {exitCode}:\n{output}");
            Assert.Equal(After.ReplaceLineEndings(), File.ReadAllText(Path.Combine(folder.FullName, "Upload.cs")).ReplaceLineEndings());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "dotnet format did not finish in 4 minutes.\n" + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
