extern alias generator;

using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// Snapshot files in the Verify.SourceGenerators convention: <c>{Class}.{Method}#{HintName}.verified.cs</c> per generated
/// source (first line <c>//HintName: {HintName}</c>) and <c>{Class}.{Method}.verified.txt</c> for diagnostics. A mismatch
/// writes the <c>.received.</c> file beside the verified one and fails; accepting it means renaming it.
/// </summary>
internal static class Snapshot
{
    private static readonly string Folder = typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SnapshotDirectory").Value!;

    /// <summary>How the generated <c>GeneratedCode</c> attributes state the package's version (scrubbed from snapshots).</summary>
    public static readonly string VersionInGeneratedCode = $"\"NpuSdk.Generators\", \"{PackageVersion()}\")";

    /// <summary>The package's version as the generator's assembly carries it (its informational version without the commit).</summary>
    public static string PackageVersion() =>
        typeof(generator::NpuSdk.Generators.NpuKernelGenerator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    public static void Verify(GeneratorDriverRunResult run, string testClass, [CallerMemberName] string testMethod = "") =>
        Verify(run, testClass, testMethod, sources: true);

    /// <summary>Only the diagnostics' snapshot, for a test about a warning on methods whose sources other snapshots show.</summary>
    public static void VerifyDiagnostics(GeneratorDriverRunResult run, string testClass, [CallerMemberName] string testMethod = "") =>
        Verify(run, testClass, testMethod, sources: false);

    private static void Verify(GeneratorDriverRunResult run, string testClass, string testMethod, bool sources)
    {
        string folder = Folder;
        Assert.True(Directory.Exists(folder), $"The snapshot folder {folder} does not exist; snapshots live beside the test sources.");
        string prefix = $"{testClass}.{testMethod}";
        var failures = new List<string>();
        var expectedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (var source in run.Results.SelectMany(r => sources ? r.GeneratedSources : []).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            // The package's version changes with every release, so the snapshot shows where it goes, not what it is.
            string text = $"//HintName: {source.HintName}\n" + source.SourceText.ToString().Replace(VersionInGeneratedCode, "\"NpuSdk.Generators\", \"{version}\")");
            Check(folder, $"{prefix}#{source.HintName}", ".cs", text, failures, expectedFiles);
        }

        var diagnostics = run.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).ToList();
        if (diagnostics.Count > 0) Check(folder, prefix, ".txt", Format(diagnostics), failures, expectedFiles);

        // A verified file no longer produced is a failure too: the snapshot set must match the output exactly.
        foreach (var stale in Directory.EnumerateFiles(folder, prefix + "*.verified.*"))
        {
            string name = Path.GetFileName(stale);
            bool samePrefix = name.StartsWith(prefix + "#", StringComparison.Ordinal) || name.StartsWith(prefix + ".verified.", StringComparison.Ordinal);
            if (samePrefix && !expectedFiles.Contains(name)) failures.Add($"{name} is verified but was not produced");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Check(string folder, string name, string extension, string actual, List<string> failures, HashSet<string> expectedFiles)
    {
        string verified = Path.Combine(folder, name + ".verified" + extension);
        string received = Path.Combine(folder, name + ".received" + extension);
        expectedFiles.Add(Path.GetFileName(verified));
        actual = actual.Replace("\r\n", "\n");
        if (File.Exists(verified) && File.ReadAllText(verified).Replace("\r\n", "\n") == actual)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        failures.Add(File.Exists(verified) ? $"{Path.GetFileName(verified)} differs; see {Path.GetFileName(received)}" : $"{Path.GetFileName(verified)} is missing; see {Path.GetFileName(received)}");
    }

    private static string Format(IEnumerable<Diagnostic> diagnostics)
    {
        var sb = new StringBuilder();
        sb.Append("{\n  Diagnostics: [\n");
        foreach (var d in diagnostics)
        {
            var span = d.Location.GetLineSpan();
            sb.Append("    {\n");
            // The test's input folder differs from machine to machine; snapshots name files inside it relatively.
            string path = span.Path.Replace(Path.Combine(AppContext.BaseDirectory, "generator-inputs").Replace('\\', '/'), "{inputs}");
            sb.Append($"      Location: {path}: ({span.StartLinePosition.Line},{span.StartLinePosition.Character})-({span.EndLinePosition.Line},{span.EndLinePosition.Character}),\n");
            sb.Append($"      Message: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)},\n");
            sb.Append($"      Severity: {d.Severity},\n");
            sb.Append("      Descriptor: {\n");
            sb.Append($"        Id: {d.Id},\n");
            sb.Append($"        Title: {d.Descriptor.Title},\n");
            sb.Append($"        HelpLink: {d.Descriptor.HelpLinkUri},\n");
            sb.Append($"        Category: {d.Descriptor.Category},\n");
            sb.Append($"        DefaultSeverity: {d.Descriptor.DefaultSeverity},\n");
            sb.Append($"        IsEnabledByDefault: {(d.Descriptor.IsEnabledByDefault ? "true" : "false")}\n");
            sb.Append("      }\n");
            sb.Append("    }\n");
        }
        sb.Append("  ]\n}\n");
        return sb.ToString();
    }
}
