namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>Files of the repository the tests check (the sample, the docs, the release tracking file).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NpuSdk.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException($"No NpuSdk.sln above {AppContext.BaseDirectory}.");
    }
}
