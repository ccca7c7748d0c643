using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// Designs that differ only in shape share one xclbin, each with its instruction stream and a manifest beside that stream;
/// and an xclbin marked as an emulation stand-in is said to be one in the generated code.
/// </summary>
public sealed class SharedXclbinTests
{
    private const string Manifest = """
        { "name": "NAME", "summary": "An elementwise add.", "kernel": "MLIR_AIE", "operation": "add", "pattern": "elementwise",
          "tile": { "elements": TILE },
          "buffers": [ { "arg": "bo0", "role": "input", "elementType": "int32", "parts": [ { "operand": "x", "shape": ["elements"] } ] },
                       { "arg": "bo1", "role": "input", "elementType": "int32", "parts": [ { "operand": "y", "shape": ["elements"] } ] },
                       { "arg": "bo2", "role": "output", "elementType": "int32", "parts": [ { "operand": "z", "shape": ["elements"] } ] } ],
          "numeric": { "accumulator": "int32" } }
        """;

    private static string Design(string name, int tile) => Manifest.Replace("NAME", name).Replace("TILE", tile.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Each_method_takes_the_manifest_beside_the_instruction_stream_it_names()
    {
        var spec = XclbinSpec.MlirAie(3, uuidSeed: "add");
        spec.EmulationStandIn = "it mirrors a design nobody built";
        var h = new GeneratorHarness(nameof(Each_method_takes_the_manifest_beside_the_instruction_stream_it_names))
            .AddBinary("add.xclbin", XclbinWriter.Write(spec))
            .AddText("add_small.insts.txt", "0x00000001\n").AddText("add_small.kernel.json", Design("add_small", 256))
            .AddText("add_large.insts.txt", "0x00000002\n").AddText("add_large.kernel.json", Design("add_large", 4096));
        var (run, output) = h.Run("""
            using System;
            using NpuSdk;
            public static partial class Ops
            {
                [NpuKernel("add.xclbin", Instructions = "add_small.insts.txt")]
                public static partial void Small(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> z);
                [NpuKernel("add.xclbin", Instructions = "add_large.insts.txt")]
                public static partial void Large(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> z);
            }
            """);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(GeneratorHarness.GeneratorErrors(run, output));
        string small = run.Results.Single().GeneratedSources.Single(s => s.HintName.Contains("Small", StringComparison.Ordinal)).SourceText.ToString();
        string large = run.Results.Single().GeneratedSources.Single(s => s.HintName.Contains("Large", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("new(\"elements\", 256)", small);
        Assert.Contains("new(\"elements\", 4096)", large);
        Assert.Contains("\"add_large.insts.txt\"", large);
        Assert.Contains("an emulation stand-in: the emulator runs it, an NPU refuses it (it mirrors a design nobody built)", small);
    }
}
