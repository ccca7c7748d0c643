using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Tests;

/// <summary>Odd declarations give diagnostics or code, never a generator exception or a hint-name clash.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public void OddDeclarationsNeverThrow()
    {
        var h = new GeneratorHarness(nameof(OddDeclarationsNeverThrow)).AddMlirAieKernel("k.xclbin", 2);
        var (run, output) = h.Run("""
            using System;
            using NpuSdk;

            public partial class Odd<T>
            {
                [NpuKernel(null!, Tile = 16)]
                public partial void NullPath(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = (NpuPattern)42)]
                public partial void UnknownPattern(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public partial int ReturnsValue(ReadOnlySpan2D<sbyte> a);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public partial void Generic<U>(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public partial void ByRef(ref int x, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public partial void Overload(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public partial void Overload(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
            }

            public partial record struct Pair
            {
                [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """);

        var result = Assert.Single(run.Results);
        Assert.Null(result.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id.StartsWith("CS", StringComparison.Ordinal));
        var ids = run.Diagnostics.Select(d => d.Id).ToList();
        Assert.Contains("NPU1003", ids);                                  // null path
        Assert.Contains("NPU1009", ids);                                  // unknown pattern
        Assert.Equal(2, ids.Count(id => id == "NPU1019"));                // return value, generic
        Assert.Equal(1, ids.Count(id => id == "NPU1007"));                // by-ref
        var hints = result.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(hints.Count, hints.Distinct().Count());
        Assert.Equal(3, hints.Count);                                     // two overloads and the record struct's method
        // What was generated compiles: the generic type's overloads and the record struct's method are implemented, and
        // only the methods the generator reported stay unimplemented.
        Assert.Empty(GeneratorHarness.GeneratorErrors(run, output));
        Assert.Equal(5, output.GetDiagnostics().Count(d => d.Id == "CS8795"));
    }
}
