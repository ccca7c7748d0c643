using System.Xml.Linq;

namespace NpuSdk.Package.Tests.Documentation;

/// <summary>A project (or solution) a documented command names, as the dotnet CLI finds it: a file, or a folder holding one project.</summary>
internal sealed class DocumentedProject
{
    private DocumentedProject(string file) => File = file;

    /// <summary>The project or solution file's full path in the repository.</summary>
    public string File { get; }

    /// <summary>The project's folder relative to the repository, with '/': how the documentation and the tests name it.</summary>
    public string Folder => Path.GetRelativePath(Repository.Root, Path.GetDirectoryName(File)!).Replace('\\', '/');

    /// <summary>The project <paramref name="path"/> (relative to the repository root) names, or null with why not.</summary>
    public static DocumentedProject? Find(string path, out string? problem)
    {
        string full = Path.GetFullPath(Path.Combine(Repository.Root, path));
        string[] candidates = System.IO.File.Exists(full) ? [full]
            : Directory.Exists(full) ? Directory.GetFiles(full, "*.csproj").Concat(Directory.GetFiles(full, "*.sln")).ToArray()
            : [];
        problem = candidates.Length switch
        {
            0 => $"'{path}' is not a project, a solution or a folder holding one",
            1 when candidates[0].EndsWith(".csproj", StringComparison.Ordinal) || candidates[0].EndsWith(".sln", StringComparison.Ordinal) => null,
            1 => $"'{path}' is not a project or a solution",
            _ => $"'{path}' holds more than one project or solution, so the dotnet CLI would not know which",
        };
        return problem is null ? new DocumentedProject(candidates[0]) : null;
    }

    /// <summary>Whether the project references a package (BenchmarkDotNet, say).</summary>
    public bool References(string package) =>
        Project().Descendants("PackageReference").Any(r => (string?)r.Attribute("Include") == package);

    /// <summary>The program this project's build made in the tests' configuration (which may not exist).</summary>
    public string BuiltProgram()
    {
        var project = Project();
        string assembly = project.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(File);
        string framework = project.Descendants("TargetFramework").FirstOrDefault()?.Value ?? "net10.0";
        return Path.Combine(Path.GetDirectoryName(File)!, "bin", Repository.Configuration, framework, assembly + ".dll");
    }

    private XDocument Project() => XDocument.Load(File);
}
