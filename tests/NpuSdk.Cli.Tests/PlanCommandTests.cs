using System.Text.RegularExpressions;
using NpuSdk.Cli;
using NpuSdk.Cli.Plans;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Kernels;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

namespace NpuSdk.Cli.Tests;

public sealed class PlanCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npu-plan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_original_ports_product_on_the_16x16_kernel_is_one_submission_two_syncs_and_names_the_whole_array_design()
    {
        var (exit, stdout, stderr) = Npu("plan", "matmul_16x16_int8", "--shape", "512x512x512");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("512x512x512: 32,768 invocations", stdout);
        Assert.Contains("1 submission (1,366 chain commands of up to 24 runs), 1 wait, 2 syncs (1 to the device, 1 from), 24.0 MiB (16.0 MiB to, 8.0 MiB from)", stdout);
        Assert.Contains("65,536 sub-buffers", stdout);
        var advice = Line(stdout, "advice");
        Assert.Contains("32,768 runs take at least", advice);
        Assert.Contains("matmul_whole_array_int8", advice);
        Assert.Contains("in 1 run", advice);
    }

    [Fact]
    public void The_device_option_projects_on_the_profiles_model_and_prices_a_reopened_context()
    {
        var (exit, npu1, _) = Npu("plan", "gelu_bf16", "--shape", "65536");
        Assert.Equal(0, exit);
        var (exit4, npu4, _) = Npu("plan", "gelu_bf16", "--shape", "65536", "--device", "npu4");
        Assert.Equal(0, exit4);
        Assert.Contains("LatencyModel.Phoenix (npu1: Phoenix, Hawk Point;", npu1);
        Assert.Contains("LatencyModel.Strix (npu4: Strix, Strix Halo, Krackan;", npu4);
        Assert.Contains("1 of the 6 npu1 allows at once, opened by the first call (95.0 ms)", Line(npu1, "context"));
        Assert.Contains("1 of the 16 npu4 allows at once, opened by the first call (35.0 ms)", Line(npu4, "context"));

        var plan = CallPlan.Make(KernelLibrary.Manifest("gelu_bf16"), [65536], LatencyModel.Strix, EmulationXclbin.StandInWords);
        Assert.Equal(plan.CallSeconds + LatencyModel.Strix.PerContextOpen.TotalSeconds, plan.ReopenedCallSeconds, 1e-9);
        Assert.Contains($"{plan.ReopenedCallSeconds * 1e3:N1} ms per call", Line(npu4, "context"));

        var (bad, _, stderr) = Npu("plan", "gelu_bf16", "--shape", "100", "--device", "npu9");
        Assert.NotEqual(0, bad);
        Assert.Contains("--device 'npu9' is not npu1 or npu4", stderr);
    }

    [Fact]
    public void Every_shape_given_is_planned_and_a_design_already_at_one_run_gets_no_advice()
    {
        var (exit, stdout, _) = Npu("plan", "matmul_whole_array_int8", "--shape", "512x512x512", "--shape", "1500x512x2048");
        Assert.Equal(0, exit);
        Assert.Contains("512x512x512: 1 invocation\n", stdout);
        Assert.Contains("1500x512x2048: 12 invocations", stdout);   // 3 row blocks (1500 padded to 1536) x 4 column blocks
        Assert.Contains("one run: nothing to cut", stdout);
        Assert.Contains("no library design of this operation and input type does it in fewer runs", stdout);
    }

    [Theory]
    [InlineData("matmul_16x16_int8", 512, 512, 512)]
    [InlineData("matmul_kstrip_64x64_int8", 128, 192, 100)]
    [InlineData("matmul_whole_array_int8", 600, 512, 512)]
    public void The_plan_projects_what_the_emulator_projects_for_the_generated_call(string name, int m, int k, int n)
    {
        var manifest = KernelLibrary.Manifest(name);
        var plan = CallPlan.Make(manifest, [m, k, n], LatencyModel.Phoenix, EmulationXclbin.StandInWords);

        var outputType = manifest.BufferOf("c")!.ElementType!.Value;
        var descriptor = NpuKernelDescriptor.For(name, NpuSdk.Xclbin.XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, name + ".xclbin")), name + ".xclbin", manifest, name + ".insts.txt",
            [ElementType.Int8, ElementType.Int8, outputType], 60_000);
        var a = new sbyte[m * k];
        var b = new sbyte[k * n];
        using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Latency = LatencyModel.Phoenix }));
        using var session = new NpuSession(device);
        void Call()
        {
            var operands = NpuOperands.Create().In(new ReadOnlySpan2D<sbyte>(a, m, k)).In(new ReadOnlySpan2D<sbyte>(b, k, n));
            if (outputType == ElementType.Int8) NpuLaunch.Invoke(session, descriptor, operands.Out(new Span2D<sbyte>(new sbyte[m * n], m, n)));
            else NpuLaunch.Invoke(session, descriptor, operands.Out(new Span2D<int>(new int[m * n], m, n)));
        }
        Call();
        double first = device.ProjectedTime!.Value.TotalSeconds;
        Call();
        double second = device.ProjectedTime!.Value.TotalSeconds - first;

        Assert.Equal(plan.Invocations, device.Counters.Runs / 2);
        Assert.Equal(plan.SyncsToDevice, (device.Counters.SyncsToDevice - 1) / 2);   // less the instructions' one sync
        Assert.Equal(plan.BytesFromDevice, device.Counters.BytesFromDevice / 2);
        Assert.Equal(plan.FirstCallSeconds, first, 2e-7);
        Assert.Equal(plan.CallSeconds, second, 2e-7);
    }

    [Fact]
    public void A_designs_xclbin_with_its_manifest_beside_it_is_planned_with_its_instruction_file()
    {
        string xclbin = Path.Combine(_dir, "final.xclbin");
        var manifest = KernelLibrary.Manifest("matmul_whole_array_int16");
        File.WriteAllBytes(xclbin, XclbinWriter.Write(EmulationXclbin.Spec(manifest)!));
        File.WriteAllText(Path.Combine(_dir, "final.kernel.json"), manifest.Text);
        File.WriteAllText(Path.Combine(_dir, "final.insts.txt"), string.Join("\n", Enumerable.Range(1, 300).Select(i => $"0x{i:x8}")));
        var (exit, stdout, stderr) = Npu("plan", xclbin, "--shape", "1024x512x512");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains($"matmul_whole_array_int16 ({xclbin}): whole-array", stdout);
        Assert.Contains("1024x512x512: 2 invocations", stdout);
        Assert.Contains("16 cores", stdout);
    }

    [Fact]
    public void An_xclbin_without_a_manifest_beside_it_is_one_line_saying_how_to_draft_one()
    {
        string xclbin = Path.Combine(_dir, "lonely.xclbin");
        File.WriteAllBytes(xclbin, XclbinWriter.Write(XclbinSpec.MlirAie(5)));
        var (exit, stdout, stderr) = Npu("plan", xclbin, "--shape", "512x512x512");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("no manifest beside it (lonely.kernel.json); draft one with npu manifest lonely.xclbin", InspectCommandTests.SingleLine(stderr));
    }

    [Fact]
    public void A_manifest_whose_arguments_the_xclbin_lacks_is_named()
    {
        string xclbin = Path.Combine(_dir, "two.xclbin");
        File.WriteAllBytes(xclbin, XclbinWriter.Write(XclbinSpec.MlirAie(2)));   // bo0, bo1 only
        File.WriteAllText(Path.Combine(_dir, "two.kernel.json"), KernelLibrary.Manifest("matmul_whole_array_int8").Text);
        var (exit, _, stderr) = Npu("plan", xclbin, "--shape", "512x512x512");
        Assert.Equal(2, exit);
        Assert.Contains("bo2", InspectCommandTests.SingleLine(stderr));
    }

    [Theory]
    [InlineData("nosuch_kernel", "512", 2, "'nosuch_kernel' is not a kernel of the library (it has ")]
    [InlineData("missing.json", "512", 2, "missing.json: no such file")]
    [InlineData("matmul_16x16_int8", "512x0x512", 1, "--shape '512x0x512' is not whole numbers")]
    [InlineData("matmul_16x16_int8", "512x512", 1, "512x512 does not fit matmul_16x16_int8: a tile-matmul kernel's shape is MxKxN")]
    [InlineData("attention_bf16", "64x1000x512", 1, "64x1000x512 does not fit attention_bf16: k is 1000x512, but the attention kernel attends over exactly 1500 keys")]
    [InlineData("matmul_kstrip_64x64_int8", "64x4096x64", 1, "more than the 2048 the K-strip kernel")]
    public void Bad_input_is_one_line_with_a_nonzero_exit(string kernel, string shape, int code, string expected)
    {
        var (exit, stdout, stderr) = Npu("plan", kernel, "--shape", shape);
        Assert.Equal(code, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, InspectCommandTests.SingleLine(stderr));
    }

    [Fact]
    public void Without_a_shape_it_is_a_usage_error()
    {
        var (exit, _, stderr) = Npu("plan", "matmul_16x16_int8");
        Assert.Equal(1, exit);
        Assert.Contains("--shape", InspectCommandTests.SingleLine(stderr));
        Assert.Contains("usage: npu plan KERNEL --shape DIMS", stderr);
    }

    [Fact]
    public void A_malformed_manifest_is_named_with_its_line()
    {
        string path = Path.Combine(_dir, "bad.kernel.json");
        File.WriteAllText(path, "{\n  \"name\": 3\n}");
        var (exit, _, stderr) = Npu("plan", path, "--shape", "64");
        Assert.Equal(2, exit);
        Assert.Matches(new Regex(@"bad\.kernel\.json\(\d+,\d+\)"), InspectCommandTests.SingleLine(stderr));
    }

    private static string Line(string text, string label) =>
        text.Split('\n').Single(l => l.TrimStart().StartsWith(label, StringComparison.Ordinal));

    private static (int Exit, string Stdout, string Stderr) Npu(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = NpuCommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
