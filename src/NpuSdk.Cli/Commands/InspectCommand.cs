using System.CommandLine;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli;

/// <summary>
/// <c>npu inspect FILE [--json]</c>: summarises an xclbin (sections, memory banks, IP layout, AIE partition, kernels and
/// their arguments with memory groups) or an instruction stream (format, words, transaction header).
/// </summary>
internal sealed class InspectCommand : INpuCommand
{
    public string Usage => "npu inspect FILE [--json]";

    public Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "An .xclbin, or an .insts.txt / .insts.bin instruction stream." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the summary." };
        var command = new Command("inspect", "Summarise an xclbin (like xclbinutil --info) or an NPU instruction stream.") { file, json };
        command.SetAction(r => Run(r.GetRequiredValue(file), r.GetValue(json), Cli.Out(r), Cli.Error(r)));
        return command;
    }

    private static int Run(string path, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (Directory.Exists(path)) return BadFile(stderr, $"{path}: is a directory, not a file");
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return BadFile(stderr, $"{path}: no such file");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return BadFile(stderr, $"{path}: cannot read: {ex.Message}");
        }

        string name = Path.GetFileName(path);
        try
        {
            if (IsInstructionFile(path, data))
            {
                var format = path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase) ? InstructionFileFormat.Binary : InstructionFileFormat.Text;
                var stream = InstructionStream.Parse(data, format, name);
                stdout.Write(json ? InstructionReport.Json(stream) : InstructionReport.Text(stream));
            }
            else
            {
                var xclbin = XclbinFile.Read(data, name);
                stdout.Write(json ? XclbinJsonReport.Write(xclbin) : XclbinTextReport.Write(xclbin));
            }
            return NpuCommandLine.Ok;
        }
        catch (XclbinFormatException ex)
        {
            return BadFile(stderr, ex.Message);
        }
    }

    /// <summary>An xclbin is recognised by its magic; other .txt/.bin files are instruction streams.</summary>
    private static bool IsInstructionFile(string path, byte[] data)
    {
        bool xclbinMagic = data.Length >= 7 && data.AsSpan(0, 7).SequenceEqual("xclbin2"u8);
        if (xclbinMagic) return false;
        string ext = Path.GetExtension(path);
        return ext.Equals(".txt", StringComparison.OrdinalIgnoreCase) || ext.Equals(".bin", StringComparison.OrdinalIgnoreCase);
    }

    private static int BadFile(TextWriter stderr, string message) => Cli.Fail(stderr, NpuCommandLine.BadFile, "npu: error: " + message);
}
