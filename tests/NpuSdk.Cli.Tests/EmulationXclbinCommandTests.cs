using NpuSdk.Cli;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli.Tests;

public sealed class EmulationXclbinCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npu-emulation-xclbin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void WritesTheMlirAieAbiAndATextStreamByDefault(int buffers)
    {
        string xclbin = Path.Combine(_dir, "add.xclbin");
        var (exit, stdout, stderr) = Npu("emulation-xclbin", xclbin, "--buffers", buffers.ToString());
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);

        var file = XclbinFile.ReadFile(xclbin);
        var kernel = Assert.Single(file.Kernels);
        Assert.Equal("MLIR_AIE", kernel.Name);
        Assert.Equal(new[] { "opcode", "instr", "ninstr" }.Concat(Enumerable.Range(0, buffers).Select(i => "bo" + i)), kernel.Arguments.Select(a => a.Name));
        // The uuid is the writer's, seeded with the file's stem by default, and the tool reports it.
        Assert.Equal(XclbinWriter.DeriveUuid(XclbinSpec.MlirAie(buffers, uuidSeed: "add")), file.Uuid);
        Assert.Contains(file.Uuid.ToString(), stdout);

        var stream = InstructionStream.LoadFile(Path.Combine(_dir, "add.insts.txt"));
        Assert.Equal(75, stream.ToArray().Length);
        Assert.Equal(0x4E50_0000u + 74, stream.ToArray()[^1]);
    }

    [Fact]
    public void NamedKernelSeedAndBinaryStream()
    {
        string a = Path.Combine(_dir, "a.xclbin"), b = Path.Combine(_dir, "sub", "b.xclbin"), insts = Path.Combine(_dir, "sub", "b.insts.bin");
        Assert.Equal(0, Npu("emulation-xclbin", a, "--buffers", "2", "--uuid-seed", "one").Exit);
        Assert.Equal(0, Npu("emulation-xclbin", b, "--buffers", "2", "--uuid-seed", "two", "--kernel", "edge_detect", "--instructions", insts, "--instruction-words", "16").Exit);

        var first = XclbinFile.ReadFile(a);
        var second = XclbinFile.ReadFile(b);
        Assert.Equal("edge_detect", Assert.Single(second.Kernels).Name);
        Assert.NotEqual(first.Uuid, second.Uuid);   // the emulator tells kernels apart by uuid
        Assert.Equal(16 * 4, new FileInfo(insts).Length);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => 0x4E50_0000u | (uint)i), InstructionStream.LoadFile(insts).ToArray());
    }

    [Fact]
    public void UnchangedFilesKeepTheirTimestamps()
    {
        string xclbin = Path.Combine(_dir, "k.xclbin"), insts = Path.Combine(_dir, "k.insts.txt");
        Assert.Equal(0, Npu("emulation-xclbin", xclbin, "--buffers", "3").Exit);
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(xclbin, old);
        File.SetLastWriteTimeUtc(insts, old);

        Assert.Equal(0, Npu("emulation-xclbin", xclbin, "--buffers", "3").Exit);
        Assert.Equal(old, File.GetLastWriteTimeUtc(xclbin));
        Assert.Equal(old, File.GetLastWriteTimeUtc(insts));

        Assert.Equal(0, Npu("emulation-xclbin", xclbin, "--buffers", "4").Exit);
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(xclbin));
        Assert.Equal(old, File.GetLastWriteTimeUtc(insts));
    }

    [Theory]
    [InlineData("k.xclbin", "--buffers is missing")]
    [InlineData("--buffers 3", "OUT is missing")]
    [InlineData("k.bin --buffers 3", "k.bin' does not end in .xclbin")]
    [InlineData("k.xclbin --buffers three", "--buffers 'three' is not a whole number")]
    [InlineData("k.xclbin --buffers 65", "--buffers '65' is not a whole number from 0 to 64")]
    [InlineData("k.xclbin --buffers 3 --instruction-words 0", "--instruction-words '0'")]
    [InlineData("k.xclbin --buffers 3 --instructions k.txt", "--instructions 'k.txt' must end in .insts.txt")]
    [InlineData("k.xclbin --buffers 3 --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("k.xclbin --buffers", "--buffers needs a value")]
    [InlineData("k.xclbin --buffers 3 --buffers 4", "--buffers is given more than once")]
    [InlineData("k.xclbin --buffers 3 --kernel", "--kernel needs a value")]
    [InlineData("--frobnicate k.xclbin --buffers 3", "unknown option '--frobnicate'")]
    [InlineData("k.xclbin j.xclbin --buffers 3", "more than one OUT")]
    public void BadOptionsAreUsageErrorsThatNameTheOption(string commandLine, string expected)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.EndsWith("bin", StringComparison.Ordinal) ? Path.Combine(_dir, a) : a);
        var (exit, stdout, stderr) = Npu(["emulation-xclbin", .. args]);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        string line = InspectCommandTests.SingleLine(stderr);
        Assert.StartsWith("npu emulation-xclbin: ", line);
        Assert.Contains(expected, line);
        Assert.Contains("usage: npu emulation-xclbin OUT.xclbin (--buffers N | --manifest FILE.json)", line);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void AFolderTakesManyDesignsAndDesignsThatShareAnXclbinGetOneXclbinAndAStreamEach()
    {
        string Manifest(string name, int tile, string xclbin = "add_shared") => Write($"{name}.json", $$"""
            { "name": "{{name}}", "xclbin": "{{xclbin}}", "realDesign": "an add at {{tile}}", "summary": "An add.", "kernel": "MLIR_AIE", "operation": "add", "pattern": "elementwise",
              "tile": { "elements": {{tile}} },
              "buffers": [ { "arg": "bo0", "role": "input", "elementType": "int32", "parts": [ { "operand": "x", "shape": ["elements"] } ] },
                           { "arg": "bo1", "role": "output", "elementType": "int32", "parts": [ { "operand": "y", "shape": ["elements"] } ] } ],
              "numeric": { "accumulator": "int32" } }
            """);
        string outFolder = Path.Combine(_dir, "out") + "/";
        var (exit, stdout, stderr) = Npu("emulation-xclbin", outFolder, "--manifest", Manifest("add_small", 256), "--manifest", Manifest("add_large", 4096));
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("add_shared.xclbin: kernel MLIR_AIE, 2 designs: add_small, add_large", stdout);
        Assert.Equal(["add_large.insts.txt", "add_large.kernel.json", "add_shared.xclbin", "add_small.insts.txt", "add_small.kernel.json"],
            Directory.GetFiles(outFolder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        // One xclbin, two streams that tell the designs apart, and a marker naming both real designs.
        Assert.NotEqual(File.ReadAllLines(outFolder + "add_small.insts.txt")[0], File.ReadAllLines(outFolder + "add_large.insts.txt")[0]);
        var xclbin = XclbinFile.ReadFile(outFolder + "add_shared.xclbin");
        Assert.Equal("add_small mirrors an add at 256; add_large mirrors an add at 4096", xclbin.EmulationStandIn);

        // Designs whose kernels differ cannot share an xclbin.
        string odd = Write("odd.json", File.ReadAllText(Path.Combine(_dir, "add_small.json")).Replace("\"name\": \"add_small\"", "\"name\": \"odd\"").Replace("MLIR_AIE", "OTHER"));
        var (bad, _, error) = Npu("emulation-xclbin", outFolder, "--manifest", Path.Combine(_dir, "add_small.json"), "--manifest", odd);
        Assert.Equal(2, bad);
        Assert.Contains("'odd' and 'add_small' share the xclbin 'add_shared' but their kernels differ", error);

        var (single, _, singleError) = Npu("emulation-xclbin", Path.Combine(_dir, "k.xclbin"), "--manifest", odd, "--manifest", odd);
        Assert.Equal(1, single);
        Assert.Contains("--manifest is given 2 times; write many designs into a folder", singleError);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void HelpDescribesEveryOption()
    {
        var (exit, stdout, stderr) = Npu("emulation-xclbin", "--help");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        foreach (var option in new[] { "<OUT>", "--buffers", "--kernel", "--uuid-seed", "--instructions", "--instruction-words", "--manifest", "--transaction" })
            Assert.Contains(option, stdout);
    }

    private static (int Exit, string Stdout, string Stderr) Npu(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = NpuCommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
