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
/// the manifest is written beside it as <c>OUT.kernel.json</c>, which is what the emulator runs it by. The uuid is derived
/// from the seed (default: the manifest's name, else OUT's stem), so it is stable and distinct.
/// </summary>
internal sealed class EmulationXclbinCommand : INpuCommand
{
    public string Usage =>
        "npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json) [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE.insts.txt|FILE.insts.bin] [--instruction-words N] [--transaction]";

    /// <summary>The largest buffer count the mlir-aie ABI is used with here; beyond it a typo is likelier than a kernel.</summary>
    private const int MaxBuffers = 64;
    private const int MaxInstructionWords = 1 << 20;
    private const int DefaultInstructionWords = EmulationXclbin.StandInWords;

    public Command Create()
    {
        var output = new Argument<string>("OUT.xclbin") { Description = "The xclbin to write; the instruction file goes beside it unless named." };
        output.Validators.Add(r => Check(r, r.GetValueOrDefault<string>(), o => o.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase), o => $"'{o}' does not end in .xclbin"));
        var buffers = new Option<int?>("--buffers")
        {
            Description = $"The kernel's data buffer arguments bo0..bo{{N-1}}, 0 to {MaxBuffers} (required).",
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
        var manifest = new Option<string?>("--manifest")
        {
            Description = "A kernel manifest: the xclbin gets its kernel name, IRON's bo0..bo4 and its scalars, and the manifest is copied beside it as OUT.kernel.json.",
            HelpName = "FILE",
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
            if (r.GetResult(buffers) is null && r.GetResult(manifest) is null)
                r.AddError("--buffers is missing (the kernel's data buffer arguments bo0..bo{N-1}), and no --manifest says them");
        });
        command.SetAction(r => Run(r.GetRequiredValue(output), r.GetValue(buffers), r.GetValue(manifest), r.GetValue(kernel), r.GetValue(seed),
            r.GetValue(instructions), r.GetValue(words) ?? DefaultInstructionWords, r.GetValue(transaction), Cli.Out(r), Cli.Error(r)));
        return command;
    }

    private static int Run(string output, int? buffers, string? manifestPath, string? kernel, string? seed, string? instructions, int words, bool transaction,
        TextWriter stdout, TextWriter stderr)
    {
        string stem = output[..^".xclbin".Length];
        string? manifestText = null;
        XclbinSpec spec;
        if (manifestPath is not null)
        {
            KernelManifest manifest;
            try
            {
                manifestText = File.ReadAllText(manifestPath);
                manifest = KernelManifestParser.Parse(manifestText, manifestPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot read '{manifestPath}': {ex.Message}");
            }
            catch (KernelManifestException ex)
            {
                return Cli.Fail(stderr, NpuCommandLine.BadFile, "npu: error: " + ex.Message);
            }
            if (EmulationXclbin.Spec(manifest, buffers, kernel, seed) is not { } fromManifest)
                return Cli.Fail(stderr, NpuCommandLine.UsageError, $"npu emulation-xclbin: --buffers {buffers} is fewer than the manifest's buffer arguments need");
            spec = fromManifest;
        }
        else spec = XclbinSpec.MlirAie(buffers!.Value, kernel ?? "MLIR_AIE", seed ?? Path.GetFileName(stem));
        int dataBuffers = spec.Arguments.Count(a => a.AddressQualifier == AddressQualifier.Global) - 1;
        instructions ??= stem + ".insts.txt";
        try
        {
            WriteIfChanged(output, XclbinWriter.Write(spec));
            WriteIfChanged(instructions, transaction ? TransactionBytes(words) : InstructionBytes(words, binary: instructions.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)));
            if (manifestText is not null) WriteIfChanged(stem + ".kernel.json", Encoding.UTF8.GetBytes(manifestText));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot write '{output}' or '{instructions}': {ex.Message}");
        }
        stdout.WriteLine($"{output}: kernel {spec.KernelName} with {dataBuffers} data buffer(s), uuid {XclbinWriter.DeriveUuid(spec)}");
        stdout.WriteLine($"{instructions}: {words} instruction word(s){(transaction ? " of binary transaction data" : "")}");
        return NpuCommandLine.Ok;
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
    private static byte[] InstructionBytes(int words, bool binary)
    {
        uint[] stream = EmulationXclbin.StandInInstructions(words);
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
    private static byte[] TransactionBytes(int words)
    {
        words = Math.Max(words, 4);
        var bytes = new byte[words * 4];
        bytes[1] = 1; bytes[2] = 1; bytes[3] = 6; bytes[4] = 5; bytes[5] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(words - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)bytes.Length);
        uint[] stream = EmulationXclbin.StandInInstructions(words);
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
