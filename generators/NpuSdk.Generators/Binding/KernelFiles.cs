using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis.Text;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators.Binding;

/// <summary>
/// Finds the files a method names among the project's AdditionalFiles: its xclbin (by its path in the output folder,
/// else by a unique path suffix), its manifest (beside the instruction stream the attribute names, else beside the
/// xclbin) and its instruction stream.
/// </summary>
internal static class KernelFiles
{
    /// <summary>The method's xclbin, readable and copied to a place of its own; null after reporting why not.</summary>
    public static ProjectFile? Xclbin(BindContext c, ImmutableArray<ProjectFile> files)
    {
        string path = c.Options.XclbinPath;
        var xclbins = files.Where(f => f.Path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase)).ToList();
        var xclbin = Find(xclbins, path, out var candidates);
        if (xclbin is null)
        {
            if (candidates.Count > 1)
                return Missing(c.Report(NpuDiagnostics.AmbiguousKernelFile, c.Name, path,
                    $"{candidates.Count} of the project's AdditionalFiles match it ({string.Join(", ", candidates.Select(f => f.DisplayPath))}); name one by its path in the output folder ({string.Join(", ", candidates.Select(f => f.OutputPath))})"));
            return Missing(c.Report(NpuDiagnostics.XclbinNotInAdditionalFiles, path, c.Name));
        }
        var collision = xclbins.FirstOrDefault(f => f.Path != xclbin.Path && string.Equals(f.OutputPath, xclbin.OutputPath, StringComparison.OrdinalIgnoreCase));
        if (collision is not null)
            return Missing(c.Report(NpuDiagnostics.AmbiguousKernelFile, c.Name, path,
                $"'{xclbin.DisplayPath}' and '{collision.DisplayPath}' are both copied to '{xclbin.OutputPath}' in the output folder, so the file loaded at run time would not be the file checked now; keep their folders in the output (NpuSdk.props does for files inside the project) or rename one"));
        if (xclbin.Error is not null) return Missing(c.Report(NpuDiagnostics.XclbinUnreadable, path, c.Name, xclbin.Error));
        return xclbin;
    }

    private static ProjectFile? Missing(bool _) => null;

    /// <summary>The xclbin's path without <c>.xclbin</c>: where files beside it are looked for.</summary>
    public static string Stem(ProjectFile xclbin) => xclbin.Path.Substring(0, xclbin.Path.Length - ".xclbin".Length);

    /// <summary>
    /// The manifest file that says what the method's design computes: beside the instruction stream the attribute names
    /// (designs that differ only in shape may share an xclbin, each with its stream), else beside the xclbin; null when none.
    /// </summary>
    /// <param name="files">The project's kernel files.</param>
    /// <param name="xclbin">The method's xclbin.</param>
    /// <param name="named">The instruction stream the attribute names, or null when it names none (or it is missing).</param>
    public static ProjectFile? Manifest(ImmutableArray<ProjectFile> files, ProjectFile xclbin, ProjectFile? named)
    {
        string stem = Stem(xclbin);
        return (named is null ? null : files.FirstOrDefault(f => string.Equals(f.Path, StreamStem(named.Path) + ".kernel.json", StringComparison.OrdinalIgnoreCase)))
            ?? files.FirstOrDefault(f => string.Equals(f.Path, stem + ".kernel.json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where in a manifest file its error is, for a diagnostic that opens it there.</summary>
    public static DiagnosticLocation ManifestLocation(ProjectFile file, ManifestError e)
    {
        int line = Math.Max(e.Line - 1, 0), column = Math.Max(e.Column - 1, 0);
        int offset = Math.Max(e.Offset, 0);
        return new DiagnosticLocation(file.Path, new TextSpan(offset, 0), new LinePositionSpan(new LinePosition(line, column), new LinePosition(line, column)));
    }

    /// <summary>The instruction stream: the one the attribute names, else beside the xclbin; null with <paramref name="missing"/> saying what was looked for.</summary>
    public static ProjectFile? Instructions(ImmutableArray<ProjectFile> files, string? explicitPath, string stem, out string missing)
    {
        var streams = files.Where(f => f.Path.EndsWith("insts.txt", StringComparison.OrdinalIgnoreCase) || f.Path.EndsWith("insts.bin", StringComparison.OrdinalIgnoreCase)).ToList();
        if (explicitPath is not null)
        {
            missing = $"the instruction file '{explicitPath}' is not among the project's AdditionalFiles";
            var found = Find(streams, explicitPath, out var candidates);
            if (found is null && candidates.Count > 1) missing = $"the instruction file '{explicitPath}' matches {candidates.Count} AdditionalFiles ({string.Join(", ", candidates.Select(f => f.DisplayPath))})";
            return found;
        }
        string dir = stem.Substring(0, stem.LastIndexOf('/') + 1);
        missing = $"no instruction file beside '{FileName(stem)}.xclbin' (looked for {FileName(stem)}.insts.bin, {FileName(stem)}.insts.txt, then a single *insts.bin or *insts.txt in its folder)";
        foreach (string suffix in new[] { ".insts.bin", ".insts.txt" })
        {
            var exact = streams.FirstOrDefault(f => string.Equals(f.Path, stem + suffix, StringComparison.OrdinalIgnoreCase));
            if (exact is not null) return exact;
        }
        foreach (string suffix in new[] { "insts.bin", "insts.txt" })
        {
            var beside = streams.Where(f => f.Path.StartsWith(dir, StringComparison.OrdinalIgnoreCase) && f.Path.IndexOf('/', dir.Length) < 0
                && f.Path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (beside.Count == 1) return beside[0];
        }
        return null;
    }

    /// <summary>A file's name without its folders.</summary>
    public static string FileName(string path) => path.Substring(path.LastIndexOf('/') + 1);

    /// <summary>A file named by the attribute: by its path in the output folder, else by a unique path suffix.</summary>
    private static ProjectFile? Find(List<ProjectFile> files, string path, out List<ProjectFile> candidates)
    {
        candidates = new List<ProjectFile>();
        if (path.Length == 0) return null;
        string wanted = path.Replace('\\', '/');
        while (wanted.StartsWith("./", StringComparison.Ordinal)) wanted = wanted.Substring(2);
        var byOutput = files.Where(f => string.Equals(f.OutputPath, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        candidates = byOutput.Count > 0 ? byOutput
            : files.Where(f => ("/" + f.Path).EndsWith("/" + wanted.TrimStart('/'), StringComparison.OrdinalIgnoreCase)).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    /// <summary>An instruction file's path without <c>.insts.txt</c> / <c>.insts.bin</c> (or its last extension): where its manifest's stem is.</summary>
    private static string StreamStem(string path)
    {
        foreach (string suffix in new[] { ".insts.txt", ".insts.bin" })
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return path.Substring(0, path.Length - suffix.Length);
        int dot = path.LastIndexOf('.');
        return dot > path.LastIndexOf('/') ? path.Substring(0, dot) : path;
    }
}
