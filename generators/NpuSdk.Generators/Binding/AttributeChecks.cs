using System;
using System.Globalization;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Binding;

/// <summary>The attribute may restate the manifest's pattern and tile but not contradict them.</summary>
internal static class AttributeChecks
{
    /// <summary>The attribute's pattern when it names one (a defined value other than FromManifest), else null.</summary>
    public static NpuPattern? PatternOf(NpuPattern value) =>
        value != NpuPattern.FromManifest && Enum.IsDefined(typeof(NpuPattern), value) ? value : null;

    /// <summary>True when the attribute agrees with <paramref name="manifest"/>; otherwise reports NPU1009, NPU1022 or NPU1008.</summary>
    public static bool Agree(BindContext c, KernelManifest manifest, string manifestPath)
    {
        var options = c.Options;
        if (options.Pattern != NpuPattern.FromManifest)
        {
            if (PatternOf(options.Pattern) is not { } p)
                return c.Report(NpuDiagnostics.NoPattern, c.Name, $"Pattern = {(int)options.Pattern} is not an NpuPattern value");
            if (p != manifest.Pattern)
                return c.Report(NpuDiagnostics.PatternContradictsManifest, c.Name, p.ToString(), manifestPath, KernelManifestParser.PatternName(manifest.Pattern));
        }
        if (options.Tile == 0) return true;
        string key = manifest.Pattern switch
        {
            NpuPattern.Elementwise => "elements",
            NpuPattern.Rowwise => "rows",
            NpuPattern.Attention => "queries",
            _ => "m",
        };
        bool square = manifest.Pattern is not (NpuPattern.TileMatMul or NpuPattern.WholeArray)
            || (manifest.Tile["m"] == manifest.Tile["k"] && manifest.Tile["k"] == manifest.Tile["n"]);
        if (manifest.Tile.TryGetValue(key, out int edge) && edge == options.Tile && square) return true;
        string stated = square ? edge.ToString(CultureInfo.InvariantCulture) : $"m = {manifest.Tile["m"]}, k = {manifest.Tile["k"]}, n = {manifest.Tile["n"]}";
        return c.Report(NpuDiagnostics.TileNotUsable, c.Name, options.Tile.ToString(CultureInfo.InvariantCulture),
            $"the kernel's manifest says one invocation computes {stated}; remove Tile or make it agree");
    }
}
