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
    public void NPU1006_BufferCountMismatch() => Check(Kernel(nameof(NPU1006_BufferCountMismatch), buffers: 5), $$"""
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
    public void NPU1007_NoNumericRule() => Check(Kernel(nameof(NPU1007_NoNumericRule)), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul(ReadOnlySpan2D<short> a, ReadOnlySpan2D<short> b, Span2D<short> c);
        }
        """, "NPU1007", nameof(NPU1007_NoNumericRule));

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
        Kernel(nameof(NPU1008_TileConflictsWithManifest)).AddText("k.kernel.json", """{ "pattern": "tile-matmul", "tile": { "m": 16, "k": 16, "n": 16 } }"""), $$"""
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
    public void NPU1006_ManifestDeclaresOtherBuffers() => Check(
        Kernel(nameof(NPU1006_ManifestDeclaresOtherBuffers)).AddText("k.kernel.json",
            SnapshotTests.Int8Manifest.Replace("\"role\": \"output\"", "\"role\": \"input\"")), $$"""
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1006", nameof(NPU1006_ManifestDeclaresOtherBuffers));

    [Fact]
    public void NPU1007_ManifestElementTypeDiffers() => Check(
        Kernel(nameof(NPU1007_ManifestElementTypeDiffers)).AddText("k.kernel.json", SnapshotTests.Int8Manifest), """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin")]
            public static partial void MatMul(ReadOnlySpan2D<BFloat16> a, ReadOnlySpan2D<BFloat16> b, Span2D<float> c);
        }
        """, "NPU1007", nameof(NPU1007_ManifestElementTypeDiffers));
}
