namespace NpuSdk.Package.Tests.Documentation;

/// <summary>
/// A copy of the repository's sources in a temporary folder, as a new user's clone would be before any build: no build
/// outputs, no artifacts, and no .git (so it also shows that building and packing need no git). The documented commands
/// run there, from its root, so whatever they write stays out of the repository.
/// </summary>
internal sealed class Checkout : IDisposable
{
    public Checkout()
    {
        Root = Directory.CreateTempSubdirectory("npusdk-docs-").FullName;
        Copy(Repository.Root, Root);
    }

    public string Root { get; }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.EnumerateDirectories(from))
        {
            if (Repository.HoldsSources(Path.GetFileName(folder))) Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server or a program the test started may hold a file for a moment; the folder is under the temp folder.
        }
    }
}
