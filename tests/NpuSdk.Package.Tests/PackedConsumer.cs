using System.Text.RegularExpressions;

namespace NpuSdk.Package.Tests;

/// <summary>
/// The NpuSdk package packed from this build into a folder feed, and samples/PackageConsumer copied beside it and built
/// from that feed by version, in a temporary folder laid out like the repository (samples/PackageConsumer,
/// artifacts/packages), so the sample's own nuget.config finds the feed. Packages are restored into a folder of their
/// own: nothing comes from, or goes to, the machine's package cache, and nothing is written into the repository.
/// </summary>
public sealed partial class PackedConsumer : IDisposable
{
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(3), BuildLimit = TimeSpan.FromMinutes(5);

    public PackedConsumer()
    {
        Root = Directory.CreateTempSubdirectory("npusdk-consumer-").FullName;
        try
        {
            Version = ReferencedVersion(File.ReadAllText(Path.Combine(Repository.Root, "samples", "PackageConsumer", "PackageConsumer.csproj")));
            Pack = DotnetProcess.Run(Repository.Root, PackLimit, null, "pack", Path.Combine(Repository.Root, "src", "NpuSdk", "NpuSdk.csproj"),
                "-c", Repository.Configuration, "--no-build", "-o", Feed, $"-p:NuspecOutputPath={Path.Combine(Root, "nuspec")}/", "-nologo");
            if (Pack.ExitCode != 0) throw new InvalidOperationException("Packing NpuSdk failed: " + Pack);
            Nupkg = Path.Combine(Feed, $"NpuSdk.{Version}.nupkg");
            if (!File.Exists(Nupkg))
                throw new InvalidOperationException($"samples/PackageConsumer references NpuSdk {Version}, but src/NpuSdk packed {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}.");

            Sample = CopySample(Root);
            Build = BuildSample(Sample, "-v:m");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder everything is in.</summary>
    public string Root { get; }

    /// <summary>The folder feed (<c>artifacts/packages</c>, where the sample's nuget.config looks).</summary>
    public string Feed => Path.Combine(Root, "artifacts", "packages");

    /// <summary>The folder packages are restored into.</summary>
    public string Packages => Path.Combine(Root, "packages");

    /// <summary>The NpuSdk version the sample references, and so the one packed.</summary>
    public string Version { get; }

    public string Nupkg { get; } = "";

    public ProcessResult Pack { get; }

    /// <summary>The copy of samples/PackageConsumer that was built.</summary>
    public string Sample { get; } = "";

    /// <summary>Its first build, from a folder of restored packages that held nothing.</summary>
    public ProcessResult Build { get; } = new("", -1, "", "");

    /// <summary>The built program's folder.</summary>
    public string OutputFolder => OutputOf(Sample);

    public static string OutputOf(string sample) => Path.Combine(sample, "bin", Repository.Configuration, "net10.0");

    /// <summary>Copies samples/PackageConsumer (its sources and its nuget.config, not its build folders) under <paramref name="root"/>.</summary>
    public static string CopySample(string root)
    {
        string from = Path.Combine(Repository.Root, "samples", "PackageConsumer"), to = Path.Combine(root, "samples", "PackageConsumer");
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    /// <summary>Restores and builds a copy of the sample from the feed, into <see cref="Packages"/>.</summary>
    public ProcessResult BuildSample(string sample, params string[] options) =>
        DotnetProcess.Run(sample, BuildLimit, null, ["build", "-c", Repository.Configuration, "--packages", Packages, "--disable-build-servers", "-nologo", .. options]);

    /// <summary>Runs the built program with the given environment.</summary>
    public static ProcessResult RunProgram(string outputFolder, IReadOnlyDictionary<string, string>? environment) =>
        DotnetProcess.Run(outputFolder, TimeSpan.FromMinutes(2), environment, Path.Combine(outputFolder, "PackageConsumer.dll"));

    private static string ReferencedVersion(string project) =>
        VersionPattern().Match(project) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("samples/PackageConsumer/PackageConsumer.csproj has no <PackageReference Include=\"NpuSdk\" Version=\"...\" />.");

    [GeneratedRegex("""<PackageReference\s+Include="NpuSdk"\s+Version="([^"]+)"\s*/>""")]
    private static partial Regex VersionPattern();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file for a moment; the folder is under the temp folder.
        }
    }
}
