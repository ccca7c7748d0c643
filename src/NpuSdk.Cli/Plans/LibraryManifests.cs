using System.Text;
using NpuSdk.KernelModel;

namespace NpuSdk.Cli.Plans;

/// <summary>
/// The kernel library's manifests (<c>kernels/&lt;name&gt;/manifest.json</c>), embedded in the tool so <c>npu plan</c>
/// can plan a library kernel by name and name the library design that would cut a call's runs. The tool cannot
/// reference the library's assembly, whose build runs this tool.
/// </summary>
internal static class LibraryManifests
{
    private const string Prefix = "NpuSdk.Cli.Kernels.", Suffix = "manifest.json";

    private static readonly Lazy<IReadOnlyDictionary<string, KernelManifest>> All = new(Load);

    /// <summary>The library's kernels by name, sorted.</summary>
    public static IReadOnlyDictionary<string, KernelManifest> ByName => All.Value;

    private static IReadOnlyDictionary<string, KernelManifest> Load()
    {
        var assembly = typeof(LibraryManifests).Assembly;
        var manifests = new SortedDictionary<string, KernelManifest>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(Suffix, StringComparison.Ordinal)) continue;
            string folder = resource[Prefix.Length..^Suffix.Length].TrimEnd('/', '\\', '.');
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            var manifest = KernelManifestParser.Parse(reader.ReadToEnd(), $"kernels/{folder}/manifest.json");
            manifests.Add(manifest.Name, manifest);
        }
        return manifests;
    }
}
