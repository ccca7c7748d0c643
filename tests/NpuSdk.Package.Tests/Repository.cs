using System.Reflection;

namespace NpuSdk.Package.Tests;

/// <summary>The repository this test project was built in, and the configuration it was built with.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: what the tests pack, so that they pack the outputs this build made.</summary>
    public static string Configuration { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    /// <summary>Whether the repository is a git checkout (a .git folder, or the .git file of a worktree), which the build can name a commit of.</summary>
    public static bool IsGitCheckout => Path.Exists(Path.Combine(Root, ".git"));

    private static readonly HashSet<string> Outputs = ["bin", "obj", "artifacts", "TestResults", "node_modules"];

    /// <summary>Whether a folder of this name holds sources: not build outputs or artifacts, and not a hidden folder such as .git.</summary>
    public static bool HoldsSources(string folderName) => !folderName.StartsWith('.') && !Outputs.Contains(folderName);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NpuSdk.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException($"No NpuSdk.sln above {AppContext.BaseDirectory}.");
    }
}
