using Microsoft.CodeAnalysis;
namespace NpuSdk.Generators.Tests;

/// <summary>Every NPU1xxx diagnostic, each from the smallest method that provokes it; the generator never throws.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System;\nusing NpuSdk;\n\n";
    private const string MatMul = "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c";

    private static void Check(GeneratorHarness h, string source, string expectedId, string testName)
    {
        var (run, _) = h.Run(Usings + source);
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        Assert.Contains(run.Diagnostics, d => d.Id == expectedId);
        Snapshot.Verify(run, nameof(DiagnosticTests), testName);
    }

    private static GeneratorHarness Kernel(string test, int buffers = 2) => new GeneratorHarness(test).AddMlirAieKernel("k.xclbin", buffers);

    [Fact]
    public void NPU1001_MethodNotPartial() => Check(Kernel(nameof(NPU1001_MethodNotPartial)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static void MatMul({{MatMul}}) { }
        }
        """, "NPU1001", nameof(NPU1001_MethodNotPartial));

    /// <summary>A project of seven designs: seven distinct xclbins, one method each.</summary>
    private static (GeneratorHarness Harness, string Source) SevenDesigns(string test)
    {
        var h = new GeneratorHarness(test);
        var methods = new System.Text.StringBuilder();
        for (int i = 1; i <= 7; i++)
        {
            h.AddMlirAieKernel($"design{i}.xclbin", 3);
            methods.Append($$"""
                    [NpuKernel("design{{i}}.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                    public static partial void MatMul{{i}}({{MatMul}});

                """);
        }
        return (h, $"public static partial class Ops\n{{\n{methods}}}\n");
    }

    [Fact]
    public void NPU1017_SevenDesignsUnderNpu1()
    {
        var (h, source) = SevenDesigns(nameof(NPU1017_SevenDesignsUnderNpu1));
        var (run, _) = h.Run(Usings + source);
        Snapshot.VerifyDiagnostics(run, nameof(DiagnosticTests));
        var warning = Assert.Single(run.Diagnostics, d => d.Id == "NPU1017");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        // On the first method of the seventh xclbin, listing all seven.
        int attribute = Array.FindIndex((Usings + source).Split('\n'), l => l.Contains("MatMul7(", StringComparison.Ordinal)) - 1;
        Assert.Equal(attribute, warning.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("design1.xclbin, design2.xclbin", warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(7, run.Results.Single().GeneratedSources.Length);   // a warning: every method still gets its body
    }

    [Theory]
    [InlineData("npu4")]
    [InlineData("NPU5")]
    public void NPU1017_NoneUnderNpu4(string profile)
    {
        var (h, source) = SevenDesigns(nameof(NPU1017_NoneUnderNpu4));
        var (run, _) = h.WithProperty("NpuSdkDeviceProfile", profile).Run(Usings + source);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "NPU1017" or "NPU1018");
    }

    [Fact]
    public void NPU1017_SixDesignsFitNpu1AndMethodsSharingAnXclbinCountOnce()
    {
        var h = Kernel(nameof(NPU1017_SixDesignsFitNpu1AndMethodsSharingAnXclbinCountOnce), buffers: 3);
        var (run, _) = h.Run(Usings + $$"""
            public static partial class Ops
            {
                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void A({{MatMul}});
                [NpuKernel("k.xclbin", Tile = 32, Pattern = NpuPattern.TileMatMul)]
                public static partial void B({{MatMul}});
            }
            """);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "NPU1017");
    }

    [Fact]
    public void NPU1018_DeviceProfileUnknown()
    {
        var h = Kernel(nameof(NPU1018_DeviceProfileUnknown)).WithProperty("NpuSdkDeviceProfile", "phoenix");
        var (run, _) = h.Run(Usings + $$"""
            public static partial class Ops
            {
                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul({{MatMul}});
            }
            """);
        Assert.Contains(run.Diagnostics, d => d.Id == "NPU1018");
        Snapshot.VerifyDiagnostics(run, nameof(DiagnosticTests));
    }

    [Fact]
    public void NPU1016_TimeoutNotPositive() => Check(Kernel(nameof(NPU1016_TimeoutNotPositive)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul, TimeoutMilliseconds = 0)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1016", nameof(NPU1016_TimeoutNotPositive));

    [Fact]
    public void NPU1011_LocalFunction() => Check(Kernel(nameof(NPU1011_LocalFunction)), $$"""
        public static partial class Ops
        {
            public static void Encode()
            {
                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                static void MatMul({{MatMul}}) { }
            }
        }
        """, "NPU1011", nameof(NPU1011_LocalFunction));

    [Fact]
    public void NPU1011_Lambda() => Check(Kernel(nameof(NPU1011_Lambda)), """
        public static partial class Ops
        {
            public static void Encode()
            {
                var add = [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.Elementwise)] static (int x) => { };
            }
        }
        """, "NPU1011", nameof(NPU1011_Lambda));

    [Fact]
    public void NPU1006_AttentionTakesQueriesKeysValuesAndOutput() => Check(Kernel(nameof(NPU1006_AttentionTakesQueriesKeysValuesAndOutput), buffers: 4)
        .AddText("k.kernel.json", TestManifests.Manifest("attention", "attention", """{ "queries": 64, "keys": 100, "dim": 64 }""",
            string.Join(", ", TestManifests.Buffer("bo0", "input", "bf16", "q:queries,dim"), TestManifests.Buffer("bo1", "input", "bf16", "k:keys,dim"),
                TestManifests.Buffer("bo2", "input", "bf16", "v:keys,dim"), TestManifests.Buffer("bo3", "output", "bf16", "o:queries,dim")),
            """{ "accumulator": "float32" }""", operation: "attention")), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void Attend(ReadOnlySpan2D<BFloat16> q, ReadOnlySpan2D<BFloat16> k, ReadOnlySpan<BFloat16> v, Span2D<BFloat16> o);
        }
        """, "NPU1006", nameof(NPU1006_AttentionTakesQueriesKeysValuesAndOutput));

    [Fact]
    public void NPU1002_TypeNotPartial() => Check(Kernel(nameof(NPU1002_TypeNotPartial)), $$"""
        public static class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1002", nameof(NPU1002_TypeNotPartial));

    [Fact]
    public void NPU1003_XclbinNotInAdditionalFiles() => Check(new GeneratorHarness(nameof(NPU1003_XclbinNotInAdditionalFiles)), $$"""
        public static partial class Ops
        {
            [NpuKernel("missing.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1003", nameof(NPU1003_XclbinNotInAdditionalFiles));

    [Fact]
    public void NPU1004_XclbinUnreadable() => Check(
        new GeneratorHarness(nameof(NPU1004_XclbinUnreadable)).AddBinary("k.xclbin", "xclbin2\0 but cut short"u8.ToArray()).AddText("k.insts.txt", "1\n"), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1004", nameof(NPU1004_XclbinUnreadable));

    [Fact]
    public void NPU1005_KernelNotFound() => Check(Kernel(nameof(NPU1005_KernelNotFound)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Kernel = "matmul", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1005", nameof(NPU1005_KernelNotFound));

    [Fact]
    public void NPU1006_BufferCountMismatch() => Check(Kernel(nameof(NPU1006_BufferCountMismatch), buffers: 1), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1006", nameof(NPU1006_BufferCountMismatch));

    [Fact]
    public void NPU1006_BufferDirectionMismatch() => Check(Kernel(nameof(NPU1006_BufferDirectionMismatch), buffers: 3), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 256, Pattern = NpuPattern.Elementwise)]
            public static partial void Scale(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> factor);
        }
        """, "NPU1006", nameof(NPU1006_BufferDirectionMismatch));

    [Fact]
    public void NPU1007_UnsupportedElementType() => Check(Kernel(nameof(NPU1007_UnsupportedElementType)), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul(ReadOnlySpan2D<double> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
        }
        """, "NPU1007", nameof(NPU1007_UnsupportedElementType));

    [Fact]
    public void NPU1020_IntegerKernelIntoFloatOutput() => Check(Kernel(nameof(NPU1020_IntegerKernelIntoFloatOutput)).AddText("k.kernel.json", TestManifests.TileMatMulInt8()), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<float> c);
        }
        """, "NPU1020", nameof(NPU1020_IntegerKernelIntoFloatOutput));

    [Fact]
    public void NPU1008_TileNotPositive() => Check(Kernel(nameof(NPU1008_TileNotPositive)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 0, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1008", nameof(NPU1008_TileNotPositive));

    [Fact]
    public void NPU1008_TileConflictsWithManifest() => Check(
        Kernel(nameof(NPU1008_TileConflictsWithManifest)).AddText("k.kernel.json", TestManifests.TileMatMulInt8()), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 64)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1008", nameof(NPU1008_TileConflictsWithManifest));

    [Fact]
    public void NPU1009_NoPattern() => Check(Kernel(nameof(NPU1009_NoPattern)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1009", nameof(NPU1009_NoPattern));

    [Fact]
    public void NPU1010_InstructionsNotFound() => Check(
        new GeneratorHarness(nameof(NPU1010_InstructionsNotFound)).AddMlirAieKernel("k.xclbin", 2, instructions: false), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1010", nameof(NPU1010_InstructionsNotFound));

    [Fact]
    public void NPU1006_ManifestNamesAnArgumentTheKernelLacks() => Check(
        Kernel(nameof(NPU1006_ManifestNamesAnArgumentTheKernelLacks)).AddText("k.kernel.json", TestManifests.TileMatMulInt8().Replace("\"bo1\"", "\"bo7\"")), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1006", nameof(NPU1006_ManifestNamesAnArgumentTheKernelLacks));

    [Fact]
    public void NPU1006_AScalarArgumentNobodyBinds() => Check(
        new GeneratorHarness(nameof(NPU1006_AScalarArgumentNobodyBinds))
            .AddBinary("k.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(SnapshotTests.WithScalar(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "k"), "rtp")))
            .AddText("k.insts.txt", "0x1\n").AddText("k.kernel.json", TestManifests.TileMatMulInt8()), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1006", nameof(NPU1006_AScalarArgumentNobodyBinds));

    [Fact]
    public void NPU1013_ManifestInconsistentWithItsPattern() => Check(
        Kernel(nameof(NPU1013_ManifestInconsistentWithItsPattern)).AddText("k.kernel.json", TestManifests.TileMatMulInt8().Replace("\"role\": \"output\"", "\"role\": \"input\"")), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1013", nameof(NPU1013_ManifestInconsistentWithItsPattern));

    [Fact]
    public void NPU1013_ManifestSyntaxErrorNamesLineAndColumn() => Check(
        Kernel(nameof(NPU1013_ManifestSyntaxErrorNamesLineAndColumn)).AddText("k.kernel.json", TestManifests.TileMatMulInt8().Replace("\"tile-matmul\",", "\"tile-matmul\",,")), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1013", nameof(NPU1013_ManifestSyntaxErrorNamesLineAndColumn));

    [Fact]
    public void NPU1012_LanguageVersionTooOld()
    {
        var h = Kernel(nameof(NPU1012_LanguageVersionTooOld));
        var options = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp8);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Old",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Usings + $$"""
                public static partial class Ops
                {
                    [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                    public static partial void MatMul({{MatMul}});
                }
                """, options, path: "Test0.cs")],
            GeneratorHarness.Compile().References, GeneratorHarness.CompilationOptions);
        var run = h.CreateDriver(parseOptions: options).RunGenerators(compilation).GetRunResult();
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        Assert.Contains(run.Diagnostics, d => d.Id == "NPU1012");
        Assert.Empty(run.GeneratedTrees);
        Snapshot.Verify(run, nameof(DiagnosticTests));
    }

    [Fact]
    public void NPU1014_AmbiguousFileName() => Check(
        new GeneratorHarness(nameof(NPU1014_AmbiguousFileName))
            .AddBinary("phoenix/k.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "p")), outputPath: "phoenix/k.xclbin")
            .AddBinary("strix/k.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "s")), outputPath: "strix/k.xclbin"), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1014", nameof(NPU1014_AmbiguousFileName));

    [Fact]
    public void NPU1014_TwoFilesCopiedToOnePlace() => Check(
        new GeneratorHarness(nameof(NPU1014_TwoFilesCopiedToOnePlace))
            .AddBinary("phoenix/k.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "p")))
            .AddBinary("strix/k.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "s"))), $$"""
        public static partial class Ops
        {
            [NpuKernel("phoenix/k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1014", nameof(NPU1014_TwoFilesCopiedToOnePlace));

    [Fact]
    public void NPU1009_AttentionNeedsItsManifest() => Check(Kernel(nameof(NPU1009_AttentionNeedsItsManifest), buffers: 4), """
        public sealed partial class Decoder
        {
            [NpuKernel("k.xclbin", Tile = 32, Pattern = NpuPattern.Attention)]
            public partial void Attend(NpuSession session, ReadOnlySpan2D<float> q, ReadOnlySpan2D<float> k, ReadOnlySpan2D<float> v, Span2D<float> o);
        }
        """, "NPU1009", nameof(NPU1009_AttentionNeedsItsManifest));

    [Fact]
    public void NPU1020_ManifestElementTypeDiffers() => Check(
        Kernel(nameof(NPU1020_ManifestElementTypeDiffers)).AddText("k.kernel.json", TestManifests.TileMatMulInt8()), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul(ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);
        }
        """, "NPU1020", nameof(NPU1020_ManifestElementTypeDiffers));

    [Fact]
    public void NPU1019_ReturnsAValue() => Check(Kernel(nameof(NPU1019_ReturnsAValue)), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial int MatMul({{MatMul}});
        }
        """, "NPU1019", nameof(NPU1019_ReturnsAValue));

    [Fact]
    public void NPU1021_ScalarTypeDiffers() => Check(
        new GeneratorHarness(nameof(NPU1021_ScalarTypeDiffers))
            .AddBinary("gemv.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(SnapshotTests.WithScalar(NpuSdk.Xclbin.XclbinSpec.MlirAie(5, uuidSeed: "gemv"), "shift")))
            .AddText("gemv.insts.txt", "0x1\n").AddText("gemv.kernel.json", TestManifests.GemvInt16WithAScalar()), """
        public static partial class Ops
        {
            [NpuKernel("gemv.xclbin")]
            public static partial void Gemv(ReadOnlySpan2D<short> a, ReadOnlySpan<short> b, Span<int> c, float shift);
        }
        """, "NPU1021", nameof(NPU1021_ScalarTypeDiffers));

    [Fact]
    public void NPU1022_PatternContradictsManifest() => Check(
        Kernel(nameof(NPU1022_PatternContradictsManifest)).AddText("k.kernel.json", TestManifests.TileMatMulInt8()), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Pattern = NpuPattern.KStripMatMul)]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1022", nameof(NPU1022_PatternContradictsManifest));

    [Fact]
    public void NPU1006_ManifestListsBuffersOutOfArgumentOrder() => Check(
        Kernel(nameof(NPU1006_ManifestListsBuffersOutOfArgumentOrder), buffers: 3).AddText("k.kernel.json", TestManifests.TileMatMulInt8ThreeBuffersReversed()), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1006", nameof(NPU1006_ManifestListsBuffersOutOfArgumentOrder));
}
