using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text;

namespace NpuSdk.KernelModel;

/// <summary>
/// The kernel library's manifests as an assembly embeds them: one resource per <c>kernels/&lt;name&gt;/manifest.json</c>,
/// named <c>&lt;prefix&gt;&lt;name&gt;…manifest.json</c>. The kernel library and <c>npu plan</c> each embed the same files
/// (the tool cannot reference the library, whose build runs the tool) and read them here.
/// </summary>
internal static class EmbeddedManifests
{
    private const string Suffix = "manifest.json";

    /// <summary>The manifests <paramref name="assembly"/> embeds under <paramref name="prefix"/>, by kernel name, sorted (ordinal).</summary>
    /// <exception cref="KernelManifestException">An embedded manifest does not parse.</exception>
    public static IReadOnlyDictionary<string, KernelManifest> Load(Assembly assembly, string prefix)
    {
        var manifests = new SortedDictionary<string, KernelManifest>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (resource.Length < prefix.Length + Suffix.Length
                || !resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(Suffix, StringComparison.Ordinal)) continue;
            string folder = resource.Substring(prefix.Length, resource.Length - prefix.Length - Suffix.Length).TrimEnd('/', '\\', '.');
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            var manifest = KernelManifestParser.Parse(reader.ReadToEnd(), $"kernels/{folder}/manifest.json");
            manifests.Add(manifest.Name, manifest);
        }
        return manifests;
    }
}
