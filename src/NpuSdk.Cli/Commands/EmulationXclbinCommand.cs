using System.Buffers.Binary;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu emulation-xclbin OUT.xclbin --buffers N [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE] [--instruction-words N]</c>:
/// writes an xclbin with the section set and kernel ABI of an mlir-aie build (<c>opcode, instr, ninstr, bo0..bo{N-1}</c>)
/// and an instruction file beside it, for running a kernel on the SDK's emulator (or a test of the generator) without
/// an NPU toolchain. The emulator identifies the kernel by the xclbin's uuid, which the seed makes stable and distinct.
/// </summary>
internal sealed class EmulationXclbinCommand : INpuCommand
{
    public string Usage =>
        "npu emulation-xclbin OUT.xclbin --buffers N [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE.insts.txt|FILE.insts.bin] [--instruction-words N]";

    /// <summary>The largest buffer count the mlir-aie ABI is used with here; beyond it a typo is likelier than a kernel.</summary>
    private const int MaxBuffers = 64;
    private const int MaxInstructionWords = 1 << 20;
    private const int DefaultInstructionWords = 75;

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

        var command = new Command("emulation-xclbin",
            "Write an xclbin with the mlir-aie kernel ABI (opcode, instr, ninstr, bo0..bo{N-1}) and a stand-in instruction file, for the SDK's emulator.")
        {
            output, buffers, kernel, seed, instructions, words,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(buffers) is null) r.AddError("--buffers is missing (the kernel's data buffer arguments bo0..bo{N-1})");
        });
        command.SetAction(r => Run(r.GetRequiredValue(output), r.GetValue(buffers)!.Value, r.GetValue(kernel), r.GetValue(seed),
            r.GetValue(instructions), r.GetValue(words) ?? DefaultInstructionWords, Cli.Out(r), Cli.Error(r)));
        return command;
    }

    private static int Run(string output, int buffers, string? kernel, string? seed, string? instructions, int words, TextWriter stdout, TextWriter stderr)
    {
        string stem = output[..^".xclbin".Length];
        var spec = XclbinSpec.MlirAie(buffers, kernel ?? "MLIR_AIE", seed ?? Path.GetFileName(stem));
        instructions ??= stem + ".insts.txt";
        try
        {
            WriteIfChanged(output, XclbinWriter.Write(spec));
            WriteIfChanged(instructions, InstructionBytes(words, binary: instructions.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Cli.Fail(stderr, NpuCommandLine.BadFile, $"npu: error: cannot write '{output}' or '{instructions}': {ex.Message}");
        }
        stdout.WriteLine($"{output}: kernel {spec.KernelName} with {buffers} data buffer(s), uuid {XclbinWriter.DeriveUuid(spec)}");
        stdout.WriteLine($"{instructions}: {words} instruction word(s)");
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
        if (binary)
        {
            var bytes = new byte[words * 4];
            for (int i = 0; i < words; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), 0x4E50_0000u | (uint)i);
            return bytes;
        }
        var text = new StringBuilder(words * 9);
        for (int i = 0; i < words; i++) text.Append((0x4E50_0000u | (uint)i).ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Unchanged files keep their timestamps, so builds that copy them stay incremental.</summary>
    private static void WriteIfChanged(string path, byte[] bytes)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }
}
