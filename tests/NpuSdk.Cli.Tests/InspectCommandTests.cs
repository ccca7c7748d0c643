using System.Text;
using System.Text.Json;
using NpuSdk.Cli;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli.Tests;

public class InspectCommandTests
{
    public static TheoryData<XclbinSpec> Specs() => new()
    {
        XclbinSpec.MlirAie(2, uuidSeed: "cli-2"),
        XclbinSpec.MlirAie(4, uuidSeed: "cli-4"),
        XclbinSpec.Riallto("edge_detect", uuidSeed: "cli-r"),
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void JsonCarriesTheReadersValues(XclbinSpec spec)
    {
        var bytes = XclbinWriter.Write(spec);
        using var temp = new TempFile(bytes, ".xclbin");
        var (exit, stdout, stderr) = Npu("inspect", temp.Path, "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);

        var file = XclbinFile.Read(bytes);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(file.Uuid.ToString(), root.GetProperty("uuid").GetString());
        Assert.Equal(file.Sections.Select(s => s.KindName), root.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(file.Sections.Select(s => s.Size), root.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("size").GetUInt64()));
        Assert.Equal(file.MemoryBanks.Select(b => b.Tag), root.GetProperty("memoryBanks").EnumerateArray().Select(b => b.GetProperty("tag").GetString()));

        var kernel = Assert.Single(root.GetProperty("kernels").EnumerateArray().ToList());
        Assert.Equal(spec.KernelName, kernel.GetProperty("name").GetString());
        var args = kernel.GetProperty("args").EnumerateArray().ToList();
        var expected = file.Kernels[0].Arguments;
        Assert.Equal(expected.Count, args.Count);
        for (int i = 0; i < args.Count; i++)
        {
            Assert.Equal(expected[i].Index, args[i].GetProperty("index").GetInt32());
            Assert.Equal(expected[i].Name, args[i].GetProperty("name").GetString());
            Assert.Equal(expected[i].HostType, args[i].GetProperty("type").GetString());
            Assert.Equal(expected[i].Offset, args[i].GetProperty("offset").GetUInt64());
            Assert.Equal(expected[i].Size, args[i].GetProperty("size").GetUInt64());
            var group = args[i].GetProperty("group");
            Assert.Equal(expected[i].MemoryGroup, group.ValueKind == JsonValueKind.Null ? null : group.GetInt32());
        }
    }

    [XrtTheory]
    [MemberData(nameof(Specs))]
    public void JsonAgreesWithXrtsParser(XclbinSpec spec)
    {
        using var temp = new TempFile(XclbinWriter.Write(spec), ".xclbin");
        var (exit, stdout, _) = Npu("inspect", temp.Path, "--json");
        Assert.Equal(0, exit);
        using var ours = JsonDocument.Parse(stdout);
        using var xrt = XrtXclbinDump.Dump(temp.Path);

        Assert.Equal(xrt.RootElement.GetProperty("uuid").GetString(), ours.RootElement.GetProperty("uuid").GetString());
        var xrtKernels = xrt.RootElement.GetProperty("kernels").EnumerateArray().ToList();
        var ourKernels = ours.RootElement.GetProperty("kernels").EnumerateArray().ToList();
        Assert.Equal(xrtKernels.Count, ourKernels.Count);
        for (int k = 0; k < xrtKernels.Count; k++)
        {
            Assert.Equal(xrtKernels[k].GetProperty("name").GetString(), ourKernels[k].GetProperty("name").GetString());
            var xrtArgs = xrtKernels[k].GetProperty("args").EnumerateArray().ToList();
            var ourArgs = ourKernels[k].GetProperty("args").EnumerateArray().ToList();
            Assert.Equal(xrtArgs.Count, ourArgs.Count);
            for (int i = 0; i < xrtArgs.Count; i++)
            {
                foreach (var field in new[] { "name", "type" })
                    Assert.Equal(xrtArgs[i].GetProperty(field).GetString(), ourArgs[i].GetProperty(field).GetString());
                foreach (var field in new[] { "index", "offset", "size" })
                    Assert.Equal(xrtArgs[i].GetProperty(field).GetUInt64(), ourArgs[i].GetProperty(field).GetUInt64());
                Assert.Equal(xrtArgs[i].GetProperty("groups").EnumerateArray().Select(g => g.GetInt32()).Order(),
                    ourArgs[i].GetProperty("groups").EnumerateArray().Select(g => g.GetInt32()));
            }
        }
    }

    [Fact]
    public void TheSummaryNamesUuidSectionsBanksAndArgumentGroups()
    {
        var bytes = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "summary"));
        using var temp = new TempFile(bytes, ".xclbin");
        var (exit, stdout, _) = Npu("inspect", temp.Path);
        Assert.Equal(0, exit);
        var file = XclbinFile.Read(bytes);
        Assert.Contains(file.Uuid.ToString(), stdout);
        foreach (var s in file.Sections) Assert.Contains(s.KindName, stdout);
        Assert.Contains("HOST", stdout);
        Assert.Contains("SRAM", stdout);
        var instrLine = stdout.Split('\n').Single(l => l.Contains(" instr "));
        Assert.Contains("group 1 (SRAM)", instrLine);
        Assert.Contains("char *", instrLine);
    }

    [Fact]
    public void TheAiePartitionIsShownInTextAndJson()
    {
        var bytes = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "partition"));
        var file = XclbinFile.Read(bytes);
        using var temp = new TempFile(bytes, ".xclbin");

        var (exit, stdout, _) = Npu("inspect", temp.Path);
        Assert.Equal(0, exit);
        string text = stdout[stdout.IndexOf("AIE partition:", StringComparison.Ordinal)..stdout.IndexOf("Kernels:", StringComparison.Ordinal)];
        Assert.Contains("4 column(s) wide, starting at column 1", text);
        Assert.Contains("name 'QoS', 2048 operations per cycle", text);
        Assert.Contains($"PDI {file.Uuid}", text);

        (exit, stdout, _) = Npu("inspect", temp.Path, "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        var partition = json.RootElement.GetProperty("aiePartition");
        Assert.Equal(4, partition.GetProperty("columnWidth").GetInt32());
        Assert.Equal([1], partition.GetProperty("startColumns").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal("QoS", partition.GetProperty("name").GetString());
        Assert.Equal(2048, partition.GetProperty("operationsPerCycle").GetInt32());
        Assert.Equal([file.Uuid.ToString()], partition.GetProperty("pdis").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void WithoutAPartitionTheReportsSaySoAndAMalformedOneIsExitCodeTwo()
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "no-partition")));
        var partition = builder.Sections[builder.IndexOf(XclbinSectionKind.AiePartition)].Data;
        builder.Sections.RemoveAt(builder.IndexOf(XclbinSectionKind.AiePartition));
        using (var temp = new TempFile(builder.Build(), ".xclbin"))
        {
            var (_, stdout, _) = Npu("inspect", temp.Path);
            Assert.Contains("AIE partition:\n  <none>", stdout);
            (_, stdout, _) = Npu("inspect", temp.Path, "--json");
            using var json = JsonDocument.Parse(stdout);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("aiePartition").ValueKind);
        }

        builder.Sections.Add(((uint)XclbinSectionKind.AiePartition, "", partition[..64]));
        using var bad = new TempFile(builder.Build(), ".xclbin");
        var (exit, output, stderr) = Npu("inspect", bad.Path, "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("AIE_PARTITION at byte offset", SingleLine(stderr));
    }

    [Fact]
    public void ATextFileHoldingBinaryTransactionDataIsCalledThat()
    {
        var data = InstructionStreams.Transaction(deviceGeneration: 4, rows: 6, columns: 5, memTileRows: 1, operations: 7, payloadWords: 2);
        using var file = new TempFile(data, ".insts.txt");
        var (exit, stdout, _) = Npu("inspect", file.Path);
        Assert.Equal(0, exit);
        Assert.Contains("Format:          text file holding binary transaction data, not hex words", stdout);
        Assert.Contains("7 operations", stdout);

        (exit, stdout, _) = Npu("inspect", file.Path, "--json");
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal("text", json.RootElement.GetProperty("format").GetString());
            Assert.Equal("binary", json.RootElement.GetProperty("encoding").GetString());
        }

        using var hex = new TempFile("06030100\n00000105\n", ".insts.txt");
        (_, stdout, _) = Npu("inspect", hex.Path, "--json");
        using (var json = JsonDocument.Parse(stdout)) Assert.Equal("hex-text", json.RootElement.GetProperty("encoding").GetString());
    }

    [Fact]
    public void AMissingFileIsExitCodeTwoAndOneLine()
    {
        var (exit, stdout, stderr) = Npu("inspect", "/nonexistent/dir/k.xclbin", "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("/nonexistent/dir/k.xclbin", SingleLine(stderr));
    }

    [Fact]
    public void ADirectoryIsExitCodeTwoAndOneLine()
    {
        var (exit, _, stderr) = Npu("inspect", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Contains("is a directory", SingleLine(stderr));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("xml")]
    [InlineData("magic")]
    public void ACorruptFileIsExitCodeTwoAndOneLineNamingTheProblem(string corruption)
    {
        var bytes = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "corrupt"));
        string expected;
        switch (corruption)
        {
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; expected = "truncated"; break;
            case "magic": bytes[3] = (byte)'?'; expected = "magic"; break;
            default:
                var builder = new AxlfBuilder(bytes);
                // An unterminated element spanning lines: the XML error message must still come out as one line.
                builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes("<project>\n<platform>\n<device>\n"));
                bytes = builder.Build();
                expected = "EMBEDDED_METADATA";
                break;
        }
        using var temp = new TempFile(bytes, ".xclbin");
        var (exit, stdout, stderr) = Npu("inspect", temp.Path, "--json");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, SingleLine(stderr));
    }

    [Theory]
    [InlineData("", "npu: a command is missing", "npu --help")]
    [InlineData("frobnicate x.xclbin", "npu: unknown command 'frobnicate'", "npu --help")]
    [InlineData("inspect", "npu inspect: FILE is missing", "usage: npu inspect FILE [--json]")]
    [InlineData("inspect --yaml x.xclbin", "npu inspect: unknown option '--yaml'", "usage: npu inspect FILE [--json]")]
    [InlineData("inspect x.xclbin --json --yaml", "npu inspect: unknown option '--yaml'", "usage: npu inspect FILE [--json]")]
    [InlineData("inspect a.xclbin b.xclbin", "npu inspect: more than one FILE ('a.xclbin', 'b.xclbin')", "usage: npu inspect FILE [--json]")]
    public void UsageErrorsAreExitCodeOneAndOneLineWithTheUsage(string commandLine, string problem, string usage)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (exit, stdout, stderr) = Npu(args);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        string line = SingleLine(stderr);
        Assert.StartsWith(problem, line);
        Assert.Contains(usage, line);
    }

    [Fact]
    public void AFileNamedLikeAnOptionIsReadAfterADoubleDash()
    {
        var (exit, _, stderr) = Npu("inspect", "--", "-no-such.xclbin");
        Assert.Equal(2, exit);
        Assert.Contains("-no-such.xclbin: no such file", SingleLine(stderr));
    }

    [Fact]
    public void InstructionFilesAreInspectedToo()
    {
        using var text = new TempFile("06030100\n00000105\n0x3\n", ".insts.txt");
        var (exit, stdout, _) = Npu("inspect", text.Path, "--json");
        Assert.Equal(0, exit);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal(3, json.RootElement.GetProperty("words").GetInt32());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("transaction").ValueKind);
        }

        var data = InstructionStreams.Transaction(deviceGeneration: 4, rows: 6, columns: 5, memTileRows: 1, operations: 7, payloadWords: 2);
        using var binary = new TempFile(data, ".insts.bin");
        (exit, stdout, _) = Npu("inspect", binary.Path, "--json");
        Assert.Equal(0, exit);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal(data.Length / 4, json.RootElement.GetProperty("words").GetInt32());
            Assert.Equal(7, json.RootElement.GetProperty("transaction").GetProperty("operations").GetInt32());
        }

        using var bad = new TempFile("06030100\nnot hex\n", ".insts.txt");
        (exit, _, var stderr) = Npu("inspect", bad.Path);
        Assert.Equal(2, exit);
        Assert.Contains("line 2", SingleLine(stderr));
    }

    internal static string SingleLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }

    internal static (int Exit, string Stdout, string Stderr) Npu(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = NpuCommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
