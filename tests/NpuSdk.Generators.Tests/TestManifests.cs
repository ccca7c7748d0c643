namespace NpuSdk.Generators.Tests;

/// <summary>Complete kernel manifests for the generator's tests, written as a user would (the parser is strict).</summary>
internal static class TestManifests
{
    public static string Manifest(string name, string pattern, string tile, string buffers, string numeric, string operation = "matmul", string scalars = "[]", string extra = "") => $$"""
        {
          "name": "{{name}}",
          "summary": "A test design.",
          "kernel": "MLIR_AIE",
          "operation": "{{operation}}",
          "pattern": "{{pattern}}",
          "tile": {{tile}},{{extra}}
          "buffers": [
            {{buffers}}
          ],
          "scalars": {{scalars}},
          "numeric": {{numeric}}
        }
        """;

    /// <summary>A buffer holding one or more operands; each part is <c>operand:dim,dim</c>.</summary>
    public static string Buffer(string arg, string role, string type, params string[] parts) =>
        $$"""{ "arg": "{{arg}}", "role": "{{role}}", "elementType": "{{type}}", "parts": [ {{string.Join(", ", parts.Select(Part))}} ] }""";

    public static string Unused(string arg) => $$"""{ "arg": "{{arg}}", "role": "unused" }""";

    private static string Part(string spec)
    {
        var (operand, dims) = (spec[..spec.IndexOf(':')], spec[(spec.IndexOf(':') + 1)..].Split(','));
        return $$"""{ "operand": "{{operand}}", "shape": [{{string.Join(", ", dims.Select(d => int.TryParse(d, out _) ? d : "\"" + d + "\""))}}] }""";
    }

    public const string Int8Rule = """{ "accumulator": "int32", "shift": 7, "rounding": "floor", "saturate": "int8", "hostAccumulator": "int32" }""";

    /// <summary>The original port's kernel: A and B packed in bo0, C in bo1.</summary>
    public static string TileMatMulInt8(int tile = 16) => Manifest("matmul_int8", "tile-matmul", $$"""{ "m": {{tile}}, "k": {{tile}}, "n": {{tile}} }""",
        Buffer("bo0", "input", "int8", "a:m,k", "b:k,n") + ",\n    " + Buffer("bo1", "output", "int8", "c:m,n"), Int8Rule);

    /// <summary>IRON's whole-array int16 GEMM: 512x512x512 on 4x4 cores, bo0..bo2 used, bo3 and bo4 unused.</summary>
    public static string WholeArrayInt16(int m = 512, int k = 512, int n = 512) => Manifest("whole_array_int16", "whole-array", $$"""{ "m": {{m}}, "k": {{k}}, "n": {{n}} }""",
        string.Join(",\n    ", Buffer("bo0", "input", "int16", "a:m,k"), Buffer("bo1", "input", "int16", "b:k,n"), Buffer("bo2", "output", "int32", "c:m,n"), Unused("bo3"), Unused("bo4")),
        """{ "accumulator": "int64", "saturate": "int32", "hostAccumulator": "int32" }""", extra: "\n  \"cores\": 16,");

    /// <summary>IRON's matrix-vector int16 design with a scalar the method passes (<c>shift</c>, int32).</summary>
    public static string GemvInt16WithAScalar() => Manifest("gemv", "gemv", """{ "m": 288, "k": 288 }""",
        Buffer("bo0", "input", "int16", "a:m,k") + ", " + Buffer("bo1", "input", "int16", "b:k") + ", " + Buffer("bo2", "output", "int32", "c:m"),
        """{ "accumulator": "int64", "saturate": "int32", "hostAccumulator": "int32" }""", operation: "gemv",
        scalars: """[ { "arg": "shift", "type": "int32", "meaning": "unused by the test" } ]""");

    /// <summary>A tile matmul whose manifest lists its buffers in another order than the kernel's arguments (bo1 before bo0).</summary>
    public static string TileMatMulInt8ThreeBuffersReversed() => Manifest("matmul_int8", "tile-matmul", """{ "m": 16, "k": 16, "n": 16 }""",
        string.Join(",\n    ", Buffer("bo1", "input", "int8", "b:k,n"), Buffer("bo0", "input", "int8", "a:m,k"), Buffer("bo2", "output", "int8", "c:m,n")), Int8Rule);
}
