using System.Buffers.Binary;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json) [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE]
/// [--instruction-words N] [--transaction]</c>: writes an xclbin with the section set and kernel ABI of an mlir-aie build
/// (<c>opcode, instr, ninstr, bo0..bo{N-1}</c>) and an instruction file beside it, for running a kernel on the SDK's
/// emulator (or a test of the generator) without an NPU toolchain. With <c>--manifest</c> the kernel takes IRON's shape
/// (<c>bo0..bo4</c> whatever the design uses, plus the manifest's scalars), its name comes from the manifest, and a copy of
/// the manifest is written beside the instruction file, which is what the emulator runs it by. The uuid is derived from
/// the seed (default: the xclbin the manifest shares, else its name, else OUT's stem), so it is stable and distinct.
/// Every file written is marked as an emulation stand-in, which the runtime refuses on an NPU.
/// <para>
/// <c>npu emulation-xclbin OUT_FOLDER/ --manifest A.json --manifest B.json ...</c> writes many designs at once into a
/// folder: each design's <c>&lt;name&gt;.insts.txt</c> and <c>&lt;name&gt;.kernel.json</c>, and one xclbin per
/// <c>xclbin</c> the manifests name (designs that differ only in shape share one, each with its own stand-in
/// instruction stream), else one per design, <c>&lt;name&gt;.xclbin</c>. The kernel library's build writes its files so.
/// </para>
/// </summary>
internal sealed class EmulationXclbinCommand : INpuCommand
{
    public string Usage =>
        "npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json) [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE.insts.txt|FILE.insts.bin] [--instruction-words N] [--transaction]" +
        " | npu emulation-xclbin OUT_FOLDER/ --manifest FILE.json [--manifest FILE.json ...] [--instruction-words N] [--transaction]";

    /// <summary>The largest buffer count the mlir-aie ABI is used with here; beyond it a typo is likelier than a kernel.</summary>
    private const int MaxBuffers = 64;
    private const int MaxInstructionWords = 1 << 20;
    private const int DefaultInstructionWords = EmulationXclbin.StandInWords;

    public Command Create()
    {
        var output = new Argument<string>("OUT") { Description = "The xclbin to write (the instruction file goes beside it unless named), or a folder (ending in /) to write every --manifest's design into." };
        output.Validators.Add(r => Check(r, r.GetValueOrDefault<string>(), o => o.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase) || IsFolder(o),
            o => $"'{o}' does not end in .xclbin (or in / for a folder)"));
        var buffers = new Option<int?>("--buffers")
        {
            Description = $"The kernel's data buffer arguments bo0..bo{{N-1}}, 0 to {MaxBuffers} (required without --manifest).",
            HelpName = "N",
            CustomParser = r => Count(r, 0, MaxBuffers),
        };
        var kernel = new Option<string?>("--kernel") { Description = "The kernel's name (default MLIR_AIE).", HelpName = "NAME" };
        kernel.Validators.Add(r => Check(r, r.GetValueOrDefault<string?>(), k => k.Length > 0 && !k.Any(char.IsWhiteSpace), k => $"--kernel '{k}' is not a kernel name (non-empty, no spaces)"));
        var seed = new Option<string?>("--uuid-seed") { Description = "Text the uuid is derived from (default OUT's file stem), so kernels with one signature differ.", HelpName = "TEXT" };
        var instructions = new Option<string?>("--instructions") { Description = "The instruction file to write, .insts.txt (hex) or .insts.bin (default OUT's stem + .insts.txt).", HelpName = "FILE" };
        instructions.Validators.Add(r => Check(r, r.GetValueOrDefault<string?>(), IsInstructionFile,
            i => $"--instructions '{i}' must end in .insts.txt (hex text) or .insts.bin (little-endian words)"));
        var words = new Option<int?>("--instruction-words")
        {
            Description = $"Words in the stand-in instruction stream, 1 to {MaxInstructionWords} (default {DefaultInstructionWords}).",
            HelpName = "N",
            CustomParser = r => Count(r, 1, MaxInstructionWords),
        };
        var manifest = new Option<string[]>("--manifest")
        {
            Description = "A kernel manifest: the xclbin gets its kernel name, IRON's bo0..bo4 and its scalars, and the manifest is copied beside the instruction file as <stem>.kernel.json. Repeat it with a folder OUT.",
            HelpName = "FILE",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var transaction = new Option<bool>("--transaction")
        {
            Description = "Write the stand-in instructions as binary transaction data (header, op count, size), as newer toolchains do even in .insts.txt files.",
        };

        var command = new Command("emulation-xclbin",
            "Write an xclbin with the mlir-aie kernel ABI (opcode, instr, ninstr, bo0..bo{N-1}) and a stand-in instruction file, for the SDK's emulator.")
        {
            output, buffers, kernel, seed, instructions, words, manifest, transaction,
        };
        command.Validators.Add(r =>
        {
            // From the tokens: converting the argument here would skip its own validator.
            int manifests = r.GetResult(manifest)?.Tokens.Count ?? 0;
            if (IsFolder(r.GetResult(output)?.Tokens.FirstOrDefault()?.Value ?? "x.xclbin"))
            {
                if (manifests == 0) r.AddError("a folder OUT takes the designs of one or more --manifest");
                foreach (var single in new Option[] { buffers, kernel, seed, instructions })
                    if (r.GetResult(single) is not null) r.AddError($"{single.Name} names one design's file; with a folder OUT every design's files are named by its manifest");
                return;
            }
            if (manifests > 1) r.AddError($"--manifest is given {manifests} times; write many designs into a folder (OUT ending in /)");
            if (r.GetResult(buffers) is null && manifests == 0)
                r.AddError("--buffers is missing (the kernel's data buffer arguments bo0..bo{N-1}), and no --manifest says them");
        });
        command.SetAction(r =>
        {
            string target = r.GetRequiredValue(output);
            string[] manifests = r.GetValue(manifest) ?? [];
            int count = r.GetValue(words) ?? DefaultInstructionWords;
            return IsFolder(target)
                ? RunFolder(target, manifests, count, r.GetValue(transaction), Cli.Out(r), Cli.Error(r))
                : Run(target, r.GetValue(buffers), manifests.FirstOrDefault(), r.GetValue(kernel), r.GetValue(seed),
                    r.GetValue(instructions), count, r.GetValue(transaction), Cli.Out(r), Cli.Error(r));
        });
        return command;
    }

    private static bool IsFolder(string path) =>
        path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || (!path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase) && Directory.Exists(path));

    private static int Run(string output, int? buffers, string? manifestPath, string? kernel, string? seed, string? instructions, int words, bool transaction,
        TextWriter stdout, TextWriter stderr)
    {
        string stem = output[..^".xclbin".Length];
        (string Text, KernelManifest Manifest)? read = null;
        XclbinSpec spec;
        if (manifestPath is not null)
        {
            if (!TryRead(manifestPath, stderr, out var m, out int failed)) return failed;
            read = m;
            if (EmulationXclbin.Spec(m.Manifest, buffers, kernel, seed) is not { } fromManifest)
                return Cli.Fail(stderr, NpuCommandLine.UsageError, $"npu emulation-xclbin: --buffers {buffers} is fewer than the manifest's buffer arguments need");
            spec = fromManifest;
            // A design sharing its xclbin is named by its manifest: OUT's stem is the xclbin's.
            if (m.Manifest.Xclbin is not null) instructions ??= Path.Combine(Path.GetDirectoryName(output) ?? "", m.Manifest.Name + ".insts.txt");
        }
        else
        {
            spec = XclbinSpec.MlirAie(buffers!.Value, kernel ?? "MLIR_AIE", seed ?? Path.GetFileName(stem));
            spec.EmulationStandIn = "";
        }
        instructions ??= stem + ".insts.txt";
        try
        {
            WriteIfChanged(output, XclbinWriter.Write(spec));
            WriteInstructions(instructions, words, transaction, read?.Manifest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot write '{output}' or '{instructions}': {ex.Message}");
        }
        int dataBuffers = spec.Arguments.Count(a => a.AddressQualifier == AddressQualifier.Global) - 1;
        stdout.WriteLine($"{output}: kernel {spec.KernelName} with {dataBuffers} data buffer(s), uuid {XclbinWriter.DeriveUuid(spec)}");
        stdout.WriteLine($"{instructions}: {words} instruction word(s){(transaction ? " of binary transaction data" : "")}");
        return NpuCommandLine.Ok;
    }

    /// <summary>Every design into <paramref name="folder"/>: an xclbin per shared name (or per design), an instruction file and manifest copy per design.</summary>
    private static int RunFolder(string folder, string[] manifestPaths, int words, bool transaction, TextWriter stdout, TextWriter stderr)
    {
        var designs = new List<(string Text, KernelManifest Manifest)>();
        foreach (string path in manifestPaths)
        {
            if (!TryRead(path, stderr, out var read, out int failed)) return failed;
            if (designs.Any(d => d.Manifest.Name == read.Manifest.Name))
                return Cli.Fail(stderr, NpuCommandLine.UsageError, $"npu emulation-xclbin: two manifests name the design '{read.Manifest.Name}'");
            designs.Add(read);
        }
        try
        {
            foreach (var group in designs.GroupBy(d => d.Manifest.Xclbin ?? d.Manifest.Name, StringComparer.Ordinal))
            {
                var specs = group.Select(d => (d.Manifest, Spec: EmulationXclbin.Spec(d.Manifest)!)).ToList();
                // One xclbin serves every design in it: the same kernel with the same arguments, which is what the
                // derived uuid hashes (the designs' notes aside; they share the seed, the group's xclbin name).
                var first = XclbinWriter.DeriveUuid(specs[0].Spec);
                if (specs.FirstOrDefault(d => XclbinWriter.DeriveUuid(d.Spec) != first) is { Manifest: not null } odd)
                    return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu emulation-xclbin: '{odd.Manifest.Name}' and '{specs[0].Manifest.Name}' share the xclbin '{group.Key}' but their kernels differ (name, arguments or scalars); designs that share an xclbin share its kernel");
                var shared = specs[0].Spec;
                if (specs.Count > 1)
                    shared.EmulationStandIn = string.Join("; ", specs.Where(d => d.Manifest.RealDesign is not null).Select(d => $"{d.Manifest.Name} mirrors {d.Manifest.RealDesign}"));
                string xclbin = Path.Combine(folder, group.Key + ".xclbin");
                WriteIfChanged(xclbin, XclbinWriter.Write(shared));
                stdout.WriteLine($"{xclbin}: kernel {specs[0].Manifest.KernelName}, {Count(specs.Count, "design")}: {string.Join(", ", specs.Select(d => d.Manifest.Name))}");
                foreach (var (text, manifest) in group)
                    WriteInstructions(Path.Combine(folder, manifest.Name + ".insts.txt"), words, transaction, manifest, text);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot write into '{folder}': {ex.Message}");
        }
        return NpuCommandLine.Ok;
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";

    private static bool TryRead(string path, TextWriter stderr, out (string Text, KernelManifest Manifest) read, out int failed)
    {
        read = default;
        failed = NpuCommandLine.Ok;
        try
        {
            string text = File.ReadAllText(path);
            read = (text, KernelManifestParser.Parse(text, path));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failed = Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot read '{path}': {ex.Message}");
        }
        catch (KernelManifestException ex)
        {
            failed = Cli.Fail(stderr, NpuCommandLine.BadFile, "npu: error: " + ex.Message);
        }
        return false;
    }

    /// <summary>
    /// A design's stand-in instruction file and, with its manifest, the manifest's copy beside it (<c>&lt;stem&gt;.kernel.json</c>):
    /// one xclbin may serve several designs, each told apart by its instruction stream, so a manifest belongs to its stream.
    /// </summary>
    private static void WriteInstructions(string path, int words, bool transaction, KernelManifest? manifest, string? manifestText = null)
    {
        // A design that shares its xclbin gets a stream of its own: the emulator tells the designs apart by it.
        string? design = manifest?.Xclbin is not null ? manifest.Name : null;
        WriteIfChanged(path, transaction ? TransactionBytes(words, design) : InstructionBytes(words, path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase), design));
        if (manifest is null) return;
        string stem = path[..^(path.EndsWith(".insts.bin", StringComparison.OrdinalIgnoreCase) ? ".insts.bin".Length : ".insts.txt".Length)];
        WriteIfChanged(stem + ".kernel.json", Encoding.UTF8.GetBytes(manifestText ?? manifest.Text));
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or an error naming the option and the text.</summary>
    private static int? Count(ArgumentResult r, int min, int max)
    {
        if (r.Tokens.Count == 0) return null;
        string text = r.Tokens[0].Value;
        if (TryCount(text, min, max, out int value)) return value;
        r.AddError($"{((OptionResult)r.Parent!).Option.Name} '{text}' is not a whole number from {min} to {max}");
        return null;
    }

    private static void Check(SymbolResult r, string? value, Func<string, bool> valid, Func<string, string> problem)
    {
        if (value is not null && !valid(value)) r.AddError(problem(value));
    }

    private static bool TryCount(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool IsInstructionFile(string path) =>
        path.EndsWith(".insts.txt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".insts.bin", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A stand-in stream: the emulator only checks that a non-empty stream sits in the instruction buffer. Each word is
    /// "NP" and its index, recognisable in a dump (the SDK's built-in emulation kernels use the same words).
    /// </summary>
    private static byte[] InstructionBytes(int words, bool binary, string? design)
    {
        uint[] stream = EmulationXclbin.StandInInstructions(words, design);
        if (binary)
        {
            var bytes = new byte[words * 4];
            for (int i = 0; i < words; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), stream[i]);
            return bytes;
        }
        var text = new StringBuilder(words * 9);
        foreach (uint w in stream) text.Append(w.ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>
    /// A stand-in in the binary transaction format newer toolchains write (even into .insts.txt files): the header
    /// <c>00 01 devgen rows cols memrows 00 00</c> (Phoenix: device generation 1, 6 rows, 5 columns, 1 memory-tile row),
    /// the op count, the total size in bytes, then the stand-in words.
    /// </summary>
    private static byte[] TransactionBytes(int words, string? design)
    {
        words = Math.Max(words, 4);
        var bytes = new byte[words * 4];
        bytes[1] = 1; bytes[2] = 1; bytes[3] = 6; bytes[4] = 5; bytes[5] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(words - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)bytes.Length);
        uint[] stream = EmulationXclbin.StandInInstructions(words, design);
        for (int i = 4; i < words; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), stream[i]);
        return bytes;
    }

    /// <summary>Unchanged files keep their timestamps, so builds that copy them stay incremental.</summary>
    private static void WriteIfChanged(string path, byte[] bytes)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }
}
