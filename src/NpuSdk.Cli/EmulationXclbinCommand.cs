using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json) [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE] [--instruction-words N]</c>:
/// writes an xclbin with the section set and kernel ABI of an mlir-aie build (<c>opcode, instr, ninstr, bo0..bo{N-1}</c>)
/// and an instruction file beside it, for running a kernel on the SDK's emulator (or a test of the generator) without
/// an NPU toolchain. With <c>--manifest</c> the kernel takes IRON's shape (<c>bo0..bo4</c> whatever the design uses, plus the
/// manifest's scalars), its name comes from the manifest, and a copy of the manifest is written beside it as
/// <c>OUT.kernel.json</c>, which is what the emulator runs it by. The uuid is derived from the seed (default: the
/// manifest's name, else OUT's stem), so it is stable and distinct.
/// </summary>
internal static class EmulationXclbinCommand
{
    internal const string Usage =
        "npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json) [--kernel NAME] [--uuid-seed TEXT] [--instructions FILE.insts.txt|FILE.insts.bin] [--instruction-words N] [--transaction]";



    /// <summary>The largest buffer count the mlir-aie ABI is used with here; beyond it a typo is likelier than a kernel.</summary>
    private const int MaxBuffers = 64;
    private const int MaxInstructionWords = 1 << 20;

    internal static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? output = null, kernel = null, seed = null, instructions = null, manifestPath = null;
        int? buffers = null, words = null;
        bool transaction = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--transaction")
            {
                transaction = true;
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                if (output is not null) return Usage_(stderr, $"more than one OUT.xclbin ('{output}', '{a}')");
                output = a;
                continue;
            }
            if (a is not ("--buffers" or "--kernel" or "--uuid-seed" or "--instructions" or "--instruction-words" or "--manifest"))
                return Usage_(stderr, $"unknown option '{a}'");
            if (i + 1 >= args.Count) return Usage_(stderr, $"{a} needs a value");
            string value = args[++i];
            switch (a)
            {
                case "--buffers":
                    if (!TryCount(value, 0, MaxBuffers, out int b)) return Usage_(stderr, $"--buffers '{value}' is not a whole number from 0 to {MaxBuffers}");
                    buffers = b;
                    break;
                case "--instruction-words":
                    if (!TryCount(value, 1, MaxInstructionWords, out int w)) return Usage_(stderr, $"--instruction-words '{value}' is not a whole number from 1 to {MaxInstructionWords}");
                    words = w;
                    break;
                case "--kernel":
                    if (value.Length == 0 || value.Any(char.IsWhiteSpace)) return Usage_(stderr, $"--kernel '{value}' is not a kernel name (non-empty, no spaces)");
                    kernel = value;
                    break;
                case "--uuid-seed":
                    seed = value;
                    break;
                case "--manifest":
                    manifestPath = value;
                    break;
                default:
                    if (!IsInstructionFile(value)) return Usage_(stderr, $"--instructions '{value}' must end in .insts.txt (hex text) or .insts.bin (little-endian words)");
                    instructions = value;
                    break;
            }
        }
        if (output is null) return Usage_(stderr, "OUT.xclbin is missing");
        if (!output.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase)) return Usage_(stderr, $"'{output}' does not end in .xclbin");
        if (buffers is null && manifestPath is null) return Usage_(stderr, "--buffers is missing (the kernel's data buffer arguments bo0..bo{N-1}), and no --manifest says them");

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
                stderr.WriteLine($"npu: error: cannot read '{manifestPath}': {ex.Message.Replace("\n", " ")}");
                return NpuCommandLine.BadFile;
            }
            catch (KernelManifestException ex)
            {
                stderr.WriteLine("npu: error: " + ex.Message);
                return NpuCommandLine.BadFile;
            }
            if (EmulationXclbin.Spec(manifest, buffers, kernel, seed) is not { } fromManifest)
                return Usage_(stderr, $"--buffers {buffers} is fewer than the manifest's buffer arguments");
            spec = fromManifest;
            buffers = spec.Arguments.Count(a => a.AddressQualifier == AddressQualifier.Global) - 1;
        }
        else spec = XclbinSpec.MlirAie(buffers!.Value, kernel ?? "MLIR_AIE", seed ?? Path.GetFileName(stem));
        instructions ??= stem + ".insts.txt";
        try
        {
            WriteIfChanged(output, XclbinWriter.Write(spec));
            int count = words ?? EmulationXclbin.StandInWords;
            WriteIfChanged(instructions, transaction ? TransactionBytes(count) : InstructionBytes(count, binary: instructions.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)));
            if (manifestText is not null) WriteIfChanged(stem + ".kernel.json", Encoding.UTF8.GetBytes(manifestText));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"npu: error: cannot write '{output}' or '{instructions}': {ex.Message.Replace("\n", " ")}");
            return NpuCommandLine.BadFile;
        }
        stdout.WriteLine($"{output}: kernel {spec.KernelName} with {buffers} data buffer(s), uuid {XclbinWriter.DeriveUuid(spec)}");
        stdout.WriteLine($"{instructions}: {words ?? EmulationXclbin.StandInWords} instruction word(s)");
        return NpuCommandLine.Ok;
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
        if (words < 4) words = 4;
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

    private static int Usage_(TextWriter stderr, string message)
    {
        stderr.WriteLine("npu emulation-xclbin: " + message);
        stderr.WriteLine("usage: " + Usage);
        return NpuCommandLine.UsageError;
    }
}
