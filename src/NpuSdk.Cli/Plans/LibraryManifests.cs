using NpuSdk.KernelModel;

namespace NpuSdk.Cli.Plans;

/// <summary>
/// The kernel library's manifests (<c>kernels/&lt;name&gt;/manifest.json</c>), embedded in the tool so <c>npu plan</c>
/// can plan a library kernel by name and name the library design that would cut a call's runs. The tool cannot
/// reference the library's assembly, whose build runs this tool.
/// </summary>
internal static class LibraryManifests
{
    private static readonly Lazy<IReadOnlyDictionary<string, KernelManifest>> All =
        new(() => EmbeddedManifests.Load(typeof(LibraryManifests).Assembly, "NpuSdk.Cli.Kernels."));

    /// <summary>The library's kernels by name, sorted.</summary>
    public static IReadOnlyDictionary<string, KernelManifest> ByName => All.Value;
}
