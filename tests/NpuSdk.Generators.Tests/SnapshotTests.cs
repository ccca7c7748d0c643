using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Tests;

/// <summary>The generated code for each kind of method, checked against verified snapshots and compiled with every warning on.</summary>
public sealed class SnapshotTests
{
    private const string Usings = "using System;\nusing NpuSdk;\n\n";

    [Fact]
    public void MatMul16x16Int8()
    {
        var h = new GeneratorHarness(nameof(MatMul16x16Int8)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2);
        var (run, output) = h.Run(Usings + """
            namespace Demo;

            public static partial class EncoderOps
            {
                [NpuKernel("matmul_16x16_int8.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """);
        AssertCompilesClean(output);
        Snapshot.Verify(run, nameof(SnapshotTests));
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
            .AddText("matmul_bf16.kernel.json", """
                { "name": "matmul_bf16", "kernel": "MLIR_AIE", "pattern": "tile-matmul",
                  "tile": { "m": 32, "k": 32, "n": 32 },
                  "numeric": { "accumulator": "float", "hostAccumulator": "float" } }
                """);
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

    internal const string Int8Manifest = """
        { "name": "matmul_16x16_int8", "kernel": "MLIR_AIE",
          "pattern": "tile-matmul",
          "tile": { "m": 16, "k": 16, "n": 16 },
          "buffers": [ { "arg": "bo0", "role": "input", "elementType": "int8",
                         "parts": [ { "operand": "a", "shape": ["m","k"] }, { "operand": "b", "shape": ["k","n"] } ] },
                       { "arg": "bo1", "role": "output", "elementType": "int8", "parts": [ { "operand": "c", "shape": ["m","n"] } ] } ],
          "numeric": { "accumulator": "int32", "shift": 7, "rounding": "floor", "saturate": "int8", "hostAccumulator": "int32" } }
        """;

    [Fact]
    public void KernelLibraryManifest()
    {
        var h = new GeneratorHarness(nameof(KernelLibraryManifest)).AddMlirAieKernel("matmul_16x16_int8.xclbin", buffers: 2)
            .AddText("matmul_16x16_int8.kernel.json", Int8Manifest);
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
            .AddText("matmul_kstrip_64x64_int8.kernel.json", """
                { "name": "matmul_kstrip_64x64_int8", "kernel": "MLIR_AIE", "pattern": "kstrip-matmul",
                  "tile": { "m": 64, "n": 64, "kMax": 2048, "kMultiple": 64 },
                  "buffers": [ { "arg": "bo0", "role": "input", "elementType": "int8", "parts": [ { "operand": "a", "shape": ["m", "K"] } ] },
                               { "arg": "bo1", "role": "input", "elementType": "int8", "parts": [ { "operand": "b", "shape": ["K", "n"] } ] },
                               { "arg": "bo2", "role": "output", "elementType": "int32", "parts": [ { "operand": "c", "shape": ["m", "n"] } ] } ] }
                """);
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
            .AddText("layernorm_bf16.kernel.json", """
                { "name": "layernorm_bf16", "kernel": "MLIR_AIE", "pattern": "rowwise", "tile": { "rows": 64, "cols": 512 },
                  "buffers": [ { "arg": "bo0", "role": "input", "elementType": "bf16", "parts": [ { "operand": "x", "shape": ["rows", "cols"] } ] },
                               { "arg": "bo1", "role": "input", "elementType": "bf16", "parts": [ { "operand": "gamma", "shape": ["cols"] } ] },
                               { "arg": "bo2", "role": "input", "elementType": "bf16", "parts": [ { "operand": "beta", "shape": ["cols"] } ] },
                               { "arg": "bo3", "role": "output", "elementType": "bf16", "parts": [ { "operand": "y", "shape": ["rows", "cols"] } ] } ] }
                """);
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

    /// <summary>Generated code must compile with nullable on and every warning wave, warnings counted as errors.</summary>
    internal static void AssertCompilesClean(Compilation output)
    {
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(output.SyntaxTrees, t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal));
    }
}
