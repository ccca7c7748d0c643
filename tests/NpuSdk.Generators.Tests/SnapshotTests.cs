using System.Reflection;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Tests;

/// <summary>The generated code for each kind of method, checked against verified snapshots and compiled with every warning on.</summary>
public sealed class SnapshotTests
{
    private const string Usings = "using System;\nusing NpuSdk;\n\n";

    private const string MatMul16x16Source = Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """;

    [Fact]
    public void MatMul16x16Int8()
    {
        var h = new GeneratorHarness(nameof(MatMul16x16Int8)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2);
        var (run, output) = h.Run(MatMul16x16Source);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void Generated_members_state_the_packages_version_which_snapshots_scrub()
    {
        var h = new GeneratorHarness(nameof(Generated_members_state_the_packages_version_which_snapshots_scrub)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2);
        var (run, output) = h.Run(MatMul16x16Source);
        AssertCompilesClean(output);
        string source = run.Results.Single().GeneratedSources.Single(s => s.HintName.Contains("MatMul")).SourceText.ToString();
        // The runtime and the generator ship in one package under one version.
        string runtime = typeof(NpuSdk.NpuSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!
            .InformationalVersion.Split('+')[0];
        Assert.Equal(runtime, Snapshot.PackageVersion());
        int members = source.Split("GeneratedCode(").Length - 1;
        Assert.True(members >= 2, source);   // the span form and its asynchronous form at least
        Assert.Equal(members, source.Split($"GeneratedCode(\"NpuSdk.Generators\", \"{runtime}\")").Length - 1);
    }

    [Fact]
    public void MatMul64x64Tile64()
    {
        var h = new GeneratorHarness(nameof(MatMul64x64Tile64)).AddMlirAieKernel("matmul_64x64.xclbin", buffers: 3);
        var (run, output) = h.Run(Usings + """
            namespace Demo.Encoder;

            internal static partial class Layers
            {
                [NpuKernel("matmul_64x64.xclbin", Tile = 64, Pattern = NpuPattern.TileMatMul, TimeoutMilliseconds = 2000)]
                internal static partial void Project(ReadOnlySpan2D<sbyte> x, ReadOnlySpan2D<sbyte> weights, Span2D<int> y);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void InstanceMethod()
    {
        var h = new GeneratorHarness(nameof(InstanceMethod)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2);
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public partial class Encoder
            {
                public partial class Block
                {
                    [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                    private partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
                }
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void ExplicitSession()
    {
        var h = new GeneratorHarness(nameof(ExplicitSession)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2);
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Ops
            {
                [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMulOn(Device device, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void Elementwise1D()
    {
        var h = new GeneratorHarness(nameof(Elementwise1D)).AddMlirAieKernel("add_bf16.xclbin", buffers: 3);
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Vectors
            {
                [NpuKernel("add_bf16.xclbin", Tile = 1024, Pattern = NpuPattern.Elementwise)]
                public static partial void Add(ReadOnlySpan<BFloat16> x, ReadOnlySpan<BFloat16> y, Span<BFloat16> sum);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void PatternAndTileFromManifest()
    {
        var h = new GeneratorHarness(nameof(PatternAndTileFromManifest)).AddMlirAieKernel("matmul_bf16.xclbin", buffers: 3)
            .AddText("matmul_bf16.kernel.json", TestManifests.Manifest("matmul_bf16", "tile-matmul", """{ "m": 32, "k": 32, "n": 32 }""",
                TestManifests.Buffer("bo0", "input", "bf16", "a:m,k") + ", " + TestManifests.Buffer("bo1", "input", "bf16", "b:k,n") + ", " +
                TestManifests.Buffer("bo2", "output", "float32", "c:m,n"),
                """{ "accumulator": "float32", "multiplyAdd": "fused", "hostAccumulator": "float32" }"""));
        var (run, output) = h.Run(Usings + """
            public static partial class Ops
            {
                [NpuKernel("matmul_bf16.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void KernelLibraryManifest()
    {
        var h = new GeneratorHarness(nameof(KernelLibraryManifest)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2)
            .AddText("matmul_16x16_int8.kernel.json", TestManifests.TileMatMulInt8());
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("matmul_16x16_int8.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void KStripMatMulFromManifest()
    {
        var h = new GeneratorHarness(nameof(KStripMatMulFromManifest)).AddMlirAieKernel("matmul_kstrip_64x64_int8.xclbin", buffers: 3)
            .AddText("matmul_kstrip_64x64_int8.kernel.json", TestManifests.Manifest("matmul_kstrip_64x64_int8", "kstrip-matmul",
                """{ "m": 64, "n": 64, "kMax": 2048, "kMultiple": 64 }""",
                TestManifests.Buffer("bo0", "input", "int8", "a:m,K") + ", " + TestManifests.Buffer("bo1", "input", "int8", "b:K,n") + ", " +
                TestManifests.Buffer("bo2", "output", "int32", "c:m,n"),
                """{ "accumulator": "int32", "hostAccumulator": "none" }"""));
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("matmul_kstrip_64x64_int8.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void RowwiseLayerNormFromManifest()
    {
        var h = new GeneratorHarness(nameof(RowwiseLayerNormFromManifest)).AddMlirAieKernel("layernorm_bf16.xclbin", buffers: 4)
            .AddText("layernorm_bf16.kernel.json", TestManifests.Manifest("layernorm_bf16", "rowwise", """{ "rows": 64, "cols": 512 }""",
                string.Join(", ", TestManifests.Buffer("bo0", "input", "bf16", "x:rows,cols"), TestManifests.Buffer("bo1", "input", "bf16", "gamma:cols"),
                    TestManifests.Buffer("bo2", "input", "bf16", "beta:cols"), TestManifests.Buffer("bo3", "output", "bf16", "y:rows,cols")),
                """{ "accumulator": "float32", "epsilon": 1e-5 }""", operation: "layernorm"));
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("layernorm_bf16.xclbin")]
                public static partial void LayerNorm(ReadOnlySpan2D<BFloat16> x, ReadOnlySpan<BFloat16> gamma, ReadOnlySpan<BFloat16> beta, Span2D<BFloat16> y);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void AttentionFromManifest()
    {
        var h = new GeneratorHarness(nameof(AttentionFromManifest)).AddMlirAieKernel("attention_bf16.xclbin", buffers: 4)
            .AddText("attention_bf16.kernel.json", TestManifests.Manifest("attention_bf16", "attention", """{ "queries": 64, "keys": 1500, "dim": 512, "heads": 8, "headDim": 64 }""",
                string.Join(", ", TestManifests.Buffer("bo0", "input", "bf16", "q:queries,dim"), TestManifests.Buffer("bo1", "input", "bf16", "k:keys,dim"),
                    TestManifests.Buffer("bo2", "input", "bf16", "v:keys,dim"), TestManifests.Buffer("bo3", "output", "bf16", "o:queries,dim")),
                """{ "accumulator": "float32", "scale": 0.125 }""", operation: "attention"));
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("attention_bf16.xclbin")]
                public static partial void Attention(ReadOnlySpan2D<BFloat16> q, ReadOnlySpan2D<BFloat16> k, ReadOnlySpan2D<BFloat16> v, Span2D<BFloat16> o);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void WholeArrayInt16GemmInIronShape()
    {
        // A real IRON build: opcode, instr, ninstr, bo0..bo4 with bo3 and bo4 unused, and the instruction stream as
        // binary transaction data in a .txt file.
        var h = new GeneratorHarness(nameof(WholeArrayInt16GemmInIronShape)).AddMlirAieKernel("final.xclbin", buffers: 5, instructions: false)
            .AddTransactionInstructions("final.insts.txt").AddText("final.kernel.json", TestManifests.WholeArrayInt16());
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Gemm
            {
                [NpuKernel("final.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<int> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void GemvWithAScalarFromAParameter()
    {
        // The xclbin has a scalar argument the manifest declares; the method passes it after its buffers.
        var h = new GeneratorHarness(nameof(GemvWithAScalarFromAParameter))
            .AddBinary("gemv.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(WithScalar(NpuSdk.Xclbin.XclbinSpec.MlirAie(5, uuidSeed: "gemv"), "shift")))
            .AddText("gemv.insts.txt", "0x1\n");
        h.AddText("gemv.kernel.json", TestManifests.Manifest("gemv", "gemv", """{ "m": 288, "k": 288 }""",
            TestManifests.Buffer("bo0", "input", "int16", "a:m,k") + ", " + TestManifests.Buffer("bo1", "input", "int16", "b:k") + ", " +
            TestManifests.Buffer("bo2", "output", "int32", "c:m"),
            """{ "accumulator": "int64", "saturate": "int32", "hostAccumulator": "int32" }""", operation: "gemv",
            scalars: """[ { "arg": "shift", "type": "int32", "meaning": "unused by the test" } ]"""));
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Vectors
            {
                [NpuKernel("gemv.xclbin")]
                public static partial void Gemv(ReadOnlySpan2D<short> a, ReadOnlySpan<short> b, Span<int> c, int shift);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void KernelFilesKeepTheirFoldersSoSameNamedDesignsStayApart()
    {
        var h = new GeneratorHarness(nameof(KernelFilesKeepTheirFoldersSoSameNamedDesignsStayApart));
        foreach (var device in new[] { "phoenix", "strix" })
        {
            h.AddBinary($"{device}/matmul.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: device)), outputPath: $"{device}/matmul.xclbin");
            h.AddText($"{device}/matmul.insts.txt", "0x1\n", outputPath: $"{device}/matmul.insts.txt");
            h.AddText($"{device}/matmul.kernel.json", TestManifests.TileMatMulInt8(device == "phoenix" ? 16 : 32), outputPath: $"{device}/matmul.kernel.json");
        }
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Devices
            {
                [NpuKernel("phoenix/matmul.xclbin")]
                public static partial void OnPhoenix(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("strix/matmul.xclbin")]
                public static partial void OnStrix(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """);
        AssertCompilesClean(output);
        var texts = run.Results.Single().GeneratedSources.Select(s => s.SourceText.ToString()).ToList();
        Assert.Contains(texts, t => t.Contains("\"phoenix/matmul.xclbin\"") && t.Contains("\"phoenix/matmul.insts.txt\"") && t.Contains("new(\"m\", 16)"));
        Assert.Contains(texts, t => t.Contains("\"strix/matmul.xclbin\"") && t.Contains("\"strix/matmul.insts.txt\"") && t.Contains("new(\"m\", 32)"));
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    [Fact]
    public void RialltoLayoutWithAScratchBuffer()
    {
        // An older Riallto build: no opcode, instr, ninstr (64-bit), then in, tmp, out.
        var h = new GeneratorHarness(nameof(RialltoLayoutWithAScratchBuffer))
            .AddBinary("riallto.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.Riallto("invert", uuidSeed: "riallto")))
            .AddText("riallto.insts.txt", "0x1\n")
            .AddText("riallto.kernel.json", TestManifests.Manifest("riallto", "elementwise", """{ "elements": 4096 }""",
                string.Join(", ", TestManifests.Buffer("in", "input", "uint8", "x:elements"), TestManifests.Buffer("tmp", "scratch", "uint8", "work:4096"),
                    TestManifests.Buffer("out", "output", "uint8", "y:elements")),
                """{ "accumulator": "int32" }""", operation: "invert").Replace("\"MLIR_AIE\"", "\"invert\""));
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class Images
            {
                [NpuKernel("riallto.xclbin")]
                public static partial void Invert(ReadOnlySpan<byte> x, Span<byte> y);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
    }

    /// <summary>Adds a 4-byte scalar argument after the buffers, as a design with a runtime parameter has.</summary>
    internal static NpuSdk.Xclbin.XclbinSpec WithScalar(NpuSdk.Xclbin.XclbinSpec spec, string name)
    {
        spec.Arguments.Add(new NpuSdk.Xclbin.XclbinArgSpec(name, NpuSdk.Xclbin.AddressQualifier.Scalar, "int32_t", 4));
        return spec;
    }

    /// <summary>Generated code must compile with nullable on and every warning wave, warnings counted as errors.</summary>
    internal static void AssertCompilesClean(Compilation output)
    {
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(output.SyntaxTrees, t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }
}
