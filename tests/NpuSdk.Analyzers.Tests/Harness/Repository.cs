namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>Files of the repository the tests check (the sample, the docs, the release tracking file).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The C# files of samples/PerTileStyle, plus the global usings its ImplicitUsings would add.</summary>
    public static Dictionary<string, string> PerTileSampleFiles()
    {
        var sample = Path.Combine(Root, "samples", "PerTileStyle");
        var files = Directory.GetFiles(sample, "*.cs").ToDictionary(p => Path.GetFileName(p), File.ReadAllText);
        files["GlobalUsings.cs"] = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic;";
        return files;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NpuSdk.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException($"No NpuSdk.sln above {AppContext.BaseDirectory}.");
    }
}
