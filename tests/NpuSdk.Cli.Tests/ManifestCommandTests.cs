using NpuSdk.Cli;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli.Tests;

public sealed class ManifestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npu-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Xclbin(string name, XclbinSpec spec)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, XclbinWriter.Write(spec));
        return path;
    }

    [Fact]
    public void A_whole_array_draft_puts_A_B_C_in_bo0_to_bo2_leaves_bo3_bo4_unused_and_marks_the_rest_TODO()
    {
        string path = Xclbin("final.xclbin", XclbinSpec.MlirAie(5));
        File.WriteAllText(Path.Combine(_dir, "final.insts.txt"), "0x1\n0x2\n");
        var (exit, stdout, stderr) = Npu("manifest", path, "--pattern", "whole-array");
        Assert.Equal(0, exit);
        Assert.Contains("bo0 (buffer, group 0)", stderr);
        Assert.Contains("instr (buffer, group 1)", stderr);
        Assert.Contains("final.insts.txt (2 words)", stderr);

        // The draft parses once its TODOs are filled in: types, shapes and the rule are what only the author knows.
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(stdout, "final.kernel.json"));
        Assert.True(e.Line > 0);
        string filled = stdout.Replace("\"summary\": \"TODO: what one invocation computes, in words\"", "\"summary\": \"GEMM\"")
            .Replace("\"m\": \"TODO\"", "\"m\": 512").Replace("\"k\": \"TODO\"", "\"k\": 512").Replace("\"n\": \"TODO\"", "\"n\": 512")
            .Replace("\"elementType\": \"TODO\"", "\"elementType\": \"int16\"").Replace("\"accumulator\": \"TODO\"", "\"accumulator\": \"int64\"")
            .Replace("\"hostAccumulator\": \"TODO\"", "\"hostAccumulator\": \"int32\"");
        var manifest = KernelManifestParser.Parse(filled, "final.kernel.json");
        Assert.Equal(NpuPattern.WholeArray, manifest.Pattern);
        Assert.Equal(["a", "b", "c"], manifest.Operands.Select(o => o.Part.Operand).ToArray());
        Assert.Equal([BufferRole.Input, BufferRole.Input, BufferRole.Output, BufferRole.Unused, BufferRole.Unused], manifest.Buffers.Select(b => b.Role).ToArray());
        Assert.Equal(512, manifest.Dimension("k"));
    }

    [Fact]
    public void Without_a_pattern_every_buffer_and_scalar_is_listed_with_TODOs_and_the_draft_goes_to_a_file()
    {
        var spec = XclbinSpec.MlirAie(3, kernelName: "gemm");
        spec.Arguments.Add(new XclbinArgSpec("scale", AddressQualifier.Scalar, "int32_t", 4));
        string path = Xclbin("g.xclbin", spec);
        string output = Path.Combine(_dir, "g.kernel.json");
        var (exit, stdout, _) = Npu("manifest", path, "--output", output);
        Assert.Equal(0, exit);
        Assert.Contains("none beside it", stdout);
        string draft = File.ReadAllText(output);
        Assert.Contains("\"kernel\": \"gemm\"", draft);
        foreach (var arg in new[] { "bo0", "bo1", "bo2", "scale" }) Assert.Contains($"\"arg\": \"{arg}\"", draft);
        Assert.DoesNotContain("\"arg\": \"instr\"", draft);
    }

    [Fact]
    public void A_kernel_the_xclbin_lacks_is_one_line_naming_the_kernels_it_has()
    {
        string path = Xclbin("k.xclbin", XclbinSpec.MlirAie(2));
        var (exit, _, stderr) = Npu("manifest", path, "--kernel", "OTHER");
        Assert.Equal(2, exit);
        Assert.Contains("has no kernel 'OTHER' (it has MLIR_AIE)", InspectCommandTests.SingleLine(stderr));
    }

    [Fact]
    public void An_unknown_pattern_is_a_usage_error_naming_the_patterns()
    {
        string path = Xclbin("k.xclbin", XclbinSpec.MlirAie(3));
        var (exit, _, stderr) = Npu("manifest", path, "--pattern", "tiles");
        Assert.Equal(1, exit);
        Assert.Contains("--pattern 'tiles' is not one of tile-matmul, whole-array", InspectCommandTests.SingleLine(stderr));
    }

    [Fact]
    public void A_file_not_named_xclbin_is_one_line_naming_it()
    {
        // A real xclbin under another name: the draft and the instruction lookup go by FILE.xclbin's stem.
        string path = Xclbin("a.x", XclbinSpec.MlirAie(3));
        var (exit, stdout, stderr) = Npu("manifest", path);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        string line = InspectCommandTests.SingleLine(stderr);
        Assert.Contains(path, line);
        Assert.Contains("not an .xclbin", line);
    }

    private static (int Exit, string Stdout, string Stderr) Npu(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = NpuCommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
