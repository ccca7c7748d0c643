using System.CommandLine;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu manifest FILE.xclbin [--kernel NAME] [--pattern PATTERN] [--output FILE]</c>: drafts the kernel manifest of a
/// design from its xclbin: the kernel's name, its buffer arguments in ABI order, its scalars, and, with a pattern, the
/// operands that pattern needs in the usual IRON places (A, B, C in bo0, bo1, bo2; the rest unused). What only the
/// design's author knows (element types, the compiled shapes, the numeric rule) is written as <c>"TODO"</c>, which the
/// parser then names by line and column until it is filled in. Also reports the arguments' memory groups and the
/// instruction file beside the xclbin.
/// </summary>
internal sealed class ManifestCommand : INpuCommand
{
    private const string Todo = "TODO";

    public string Usage => "npu manifest FILE.xclbin [--kernel NAME] [--pattern PATTERN] [--output FILE.kernel.json]";

    public Command Create()
    {
        var file = new Argument<string>("FILE.xclbin") { Description = "The design's xclbin." };
        var kernel = new Option<string?>("--kernel") { Description = "The kernel to describe (default: the xclbin's only kernel).", HelpName = "NAME" };
        var pattern = new Option<string?>("--pattern")
        {
            Description = $"Fill in the operands of a pattern: {KernelManifestParser.PatternNames}.",
            HelpName = "PATTERN",
        };
        pattern.Validators.Add(r =>
        {
            string? p = r.GetValueOrDefault<string?>();
            if (p is not null && !KernelManifestParser.TryParsePattern(p, out _)) r.AddError($"--pattern '{p}' is not one of {KernelManifestParser.PatternNames}");
        });
        var output = new Option<string?>("--output") { Description = "Write the draft there instead of to standard output.", HelpName = "FILE" };
        var command = new Command("manifest", "Draft the kernel manifest (<name>.kernel.json) of a design from its xclbin, marking what to fill in with \"TODO\".")
        {
            file, kernel, pattern, output,
        };
        command.SetAction(r => Run(r.GetRequiredValue(file), r.GetValue(kernel), r.GetValue(pattern), r.GetValue(output), Cli.Out(r), Cli.Error(r)));
        return command;
    }

    private static int Run(string path, string? kernelName, string? patternName, string? output, TextWriter stdout, TextWriter stderr)
    {
        // The generator reads only *.xclbin files and finds the manifest and instructions by that stem.
        if (!path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase))
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu manifest: {path}: not an .xclbin (the generator reads a design from FILE.xclbin and finds FILE.kernel.json beside it)");
        XclbinFile xclbin;
        try
        {
            xclbin = XclbinFile.ReadFile(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu manifest: {path}: no such file");
        }
        catch (Exception ex) when (ex is XclbinFormatException or IOException or UnauthorizedAccessException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu manifest: {ex.Message}");
        }
        string names = xclbin.Kernels.Count == 0 ? "none" : string.Join(", ", xclbin.Kernels.Select(k => k.Name));
        var kernel = kernelName is not null ? xclbin.FindKernel(kernelName) : xclbin.Kernels.Count == 1 ? xclbin.Kernels[0] : null;
        if (kernel is null)
            return Cli.Fail(stderr, NpuCommandLine.BadFile, kernelName is null
                ? $"npu manifest: {Path.GetFileName(path)} has {xclbin.Kernels.Count} kernels ({names}); name one with --kernel"
                : $"npu manifest: {Path.GetFileName(path)} has no kernel '{kernelName}' (it has {names})");

        NpuPattern? pattern = patternName is not null && KernelManifestParser.TryParsePattern(patternName, out var p) ? p : null;
        var draft = Draft(Path.GetFileNameWithoutExtension(path), kernel, pattern);
        string json = draft.ToJson();

        TextWriter report = output is null ? stderr : stdout;
        report.WriteLine($"Draft manifest of kernel {kernel.Name} in {Path.GetFileName(path)}: save it beside the xclbin as " +
            $"{Path.GetFileNameWithoutExtension(path)}.kernel.json and replace every \"TODO\" (kernels/README.md says what each key means).");
        report.WriteLine("  arguments: " + string.Join(", ", kernel.Arguments.Select(a =>
            a.IsBuffer ? $"{a.Name} (buffer, group {(a.MemoryGroup is int g ? g.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")})" : $"{a.Name} (scalar, {a.Size} bytes)")));
        report.WriteLine("  instructions: " + Instructions(path));
        if (output is null)
        {
            stdout.Write(json);
            return NpuCommandLine.Ok;
        }
        try
        {
            File.WriteAllText(output, json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu manifest: cannot write '{output}': {ex.Message}");
        }
        return NpuCommandLine.Ok;
    }

    /// <summary>The draft: every data buffer of the kernel, filled in for the pattern when there is one, the rest "TODO".</summary>
    internal static ManifestDraft Draft(string name, XclbinKernel kernel, NpuPattern? pattern)
    {
        var draft = new ManifestDraft
        {
            Name = name,
            Summary = Todo + ": what one invocation computes, in words",
            Kernel = kernel.Name,
            Operation = pattern switch
            {
                NpuPattern.TileMatMul or NpuPattern.WholeArray or NpuPattern.KStripMatMul => "matmul",
                NpuPattern.Gemv => "gemv",
                _ => Todo,
            },
            Pattern = pattern ?? NpuPattern.WholeArray,
        };
        var data = kernel.Arguments.Where(a => a.IsBuffer && a.Name != "instr").ToList();
        var operands = pattern switch
        {
            NpuPattern.TileMatMul or NpuPattern.WholeArray => new[] { ("input", "a", new[] { "m", "k" }), ("input", "b", new[] { "k", "n" }), ("output", "c", new[] { "m", "n" }) },
            NpuPattern.KStripMatMul => new[] { ("input", "a", new[] { "m", "K" }), ("input", "b", new[] { "K", "n" }), ("output", "c", new[] { "m", "n" }) },
            NpuPattern.Gemv => new[] { ("input", "a", new[] { "m", "k" }), ("input", "b", new[] { "k" }), ("output", "c", new[] { "m" }) },
            NpuPattern.Elementwise => new[] { ("input", "x", new[] { "elements" }), ("input", "y", new[] { "elements" }), ("output", "z", new[] { "elements" }) },
            NpuPattern.Rowwise => new[] { ("input", "x", new[] { "rows", "cols" }), ("output", "y", new[] { "rows", "cols" }) },
            NpuPattern.Attention => new[] { ("input", "q", new[] { "queries", "dim" }), ("input", "k", new[] { "keys", "dim" }), ("input", "v", new[] { "keys", "dim" }), ("output", "o", new[] { "queries", "dim" }) },
            _ => Array.Empty<(string, string, string[])>(),
        };
        foreach (var key in operands.SelectMany(o => o.Item3).Where(d => d != ManifestDimension.StripLength).Distinct())
            draft.Tile.Add(new(key, Todo));
        for (int i = 0; i < data.Count; i++)
        {
            if (pattern is null) draft.Buffers.Add(new DraftBuffer(data[i].Name, Todo, Todo, new DraftPart(Todo, Todo)));
            else if (i < operands.Length) draft.Buffers.Add(new DraftBuffer(data[i].Name, operands[i].Item1, Todo, new DraftPart(operands[i].Item2, operands[i].Item3)));
            else draft.Buffers.Add(new DraftBuffer(data[i].Name, "unused", null));
        }
        foreach (var scalar in kernel.Arguments.Where(a => !a.IsBuffer && a.Name is not ("opcode" or "ninstr")))
            draft.Scalars.Add(new DraftScalar(scalar.Name, scalar.Size == 8 ? "int64" : "int32", Todo + ": what the value means (types: int32, uint32, int64, uint64, float32)"));
        draft.Numeric.Add(new("accumulator", Todo));
        if (pattern is NpuPattern.TileMatMul or NpuPattern.WholeArray or NpuPattern.Gemv) draft.Numeric.Add(new("hostAccumulator", Todo));
        return draft;
    }

    private static string Instructions(string xclbinPath)
    {
        foreach (string candidate in InstructionFiles.Beside(xclbinPath))
        {
            if (!File.Exists(candidate)) continue;
            try
            {
                var stream = InstructionStream.LoadFile(candidate);
                return $"{Path.GetFileName(candidate)} ({stream.WordCount} words{(stream.IsTransaction ? ", binary transaction data" : "")}); the generator finds it beside the xclbin";
            }
            catch (XclbinFormatException ex)
            {
                return $"{Path.GetFileName(candidate)} cannot be read: {ex.Message}";
            }
        }
        return $"none beside it (looked for {Path.GetFileNameWithoutExtension(xclbinPath)}.insts.bin and .insts.txt); name it with [NpuKernel(..., Instructions = \"...\")]";
    }
}
