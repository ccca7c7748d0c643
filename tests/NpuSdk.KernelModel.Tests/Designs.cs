using NpuSdk.KernelModel;

namespace NpuSdk.KernelModel.Tests;

/// <summary>Small manifests of every pattern, written as a user would, for the tests of this project.</summary>
internal static class Designs
{
    public static KernelManifest Parse(string pattern, string tile, string buffers, string numeric, string scalars = "[]", string operation = "custom") =>
        KernelManifestParser.Parse($$"""
            {
              "name": "test_{{pattern.Replace('-', '_')}}",
              "summary": "A test design.",
              "kernel": "MLIR_AIE",
              "operation": "{{operation}}",
              "pattern": "{{pattern}}",
              "tile": {{tile}},
              "buffers": [ {{buffers}} ],
              "scalars": {{scalars}},
              "numeric": {{numeric}}
            }
            """, "test.kernel.json");

    public static string Buffer(string arg, string role, string type, params string[] parts) =>
        $$"""{ "arg": "{{arg}}", "role": "{{role}}", "elementType": "{{type}}", "parts": [ {{string.Join(", ", parts.Select(Part))}} ] }""";

    private static string Part(string spec)
    {
        var (operand, dims) = (spec[..spec.IndexOf(':')], spec[(spec.IndexOf(':') + 1)..].Split(','));
        return $$"""{ "operand": "{{operand}}", "shape": [{{string.Join(", ", dims.Select(d => int.TryParse(d, out _) ? d : "\"" + d + "\""))}}] }""";
    }

    public const string IntRule = """{ "accumulator": "int32", "hostAccumulator": "int32" }""";

    /// <summary>A 16x16x16 int8 tile matmul, A, B and C each in a buffer of its own; C int32.</summary>
    public static KernelManifest TileMatMul(string numeric = IntRule) => Parse("tile-matmul", """{ "m": 16, "k": 16, "n": 16 }""",
        Buffer("bo0", "input", "int8", "a:m,k") + ", " + Buffer("bo1", "input", "int8", "b:k,n") + ", " + Buffer("bo2", "output", "int32", "c:m,n"), numeric, operation: "matmul");

    public static KernelManifest WholeArray() => Parse("whole-array", """{ "m": 64, "k": 64, "n": 64 }""",
        Buffer("bo0", "input", "int16", "a:m,k") + ", " + Buffer("bo1", "input", "int16", "b:k,n") + ", " + Buffer("bo2", "output", "int32", "c:m,n") +
        """, { "arg": "bo3", "role": "unused" }""", """{ "accumulator": "int64", "saturate": "int32", "hostAccumulator": "int32" }""", operation: "matmul");

    public static KernelManifest KStrip() => Parse("kstrip-matmul", """{ "m": 16, "n": 16, "kMultiple": 16, "kMax": 64 }""",
        Buffer("bo0", "input", "int8", "a:m,K") + ", " + Buffer("bo1", "input", "int8", "b:K,n") + ", " + Buffer("bo2", "output", "int32", "c:m,n"),
        """{ "accumulator": "int32", "hostAccumulator": "none" }""", operation: "matmul");

    public static KernelManifest Gemv() => Parse("gemv", """{ "m": 8, "k": 8 }""",
        Buffer("bo0", "input", "int16", "a:m,k") + ", " + Buffer("bo1", "input", "int16", "b:k") + ", " + Buffer("bo2", "output", "int32", "c:m"),
        """{ "accumulator": "int64", "saturate": "int32", "hostAccumulator": "int32" }""", operation: "gemv");

    public static KernelManifest Elementwise() => Parse("elementwise", """{ "elements": 256 }""",
        Buffer("bo0", "input", "int32", "x:elements") + ", " + Buffer("bo1", "input", "int32", "y:elements") + ", " + Buffer("bo2", "output", "int32", "z:elements"),
        """{ "accumulator": "int32" }""", operation: "add");

    public static KernelManifest Rowwise() => Parse("rowwise", """{ "rows": 4, "cols": 8 }""",
        Buffer("bo0", "input", "bf16", "x:rows,cols") + ", " + Buffer("bo1", "input", "bf16", "gamma:cols", "beta:cols") + ", " + Buffer("bo2", "output", "bf16", "y:rows,cols"),
        """{ "accumulator": "float32", "epsilon": 0.00001 }""", operation: "layernorm");

    public static KernelManifest Attention() => Parse("attention", """{ "queries": 4, "keys": 6, "dim": 8 }""",
        Buffer("bo0", "input", "bf16", "q:queries,dim") + ", " + Buffer("bo1", "input", "bf16", "k:keys,dim") + ", " + Buffer("bo2", "input", "bf16", "v:keys,dim") + ", " +
        Buffer("bo3", "output", "bf16", "o:queries,dim"), """{ "accumulator": "float32", "scale": 0.125 }""", operation: "attention");

    /// <summary>An IRON-shaped kernel signature: opcode, instr, ninstr, bo0..bo4, then the given scalars (4 bytes each).</summary>
    public static IReadOnlyList<KernelArgumentInfo> IronSignature(params string[] scalars)
    {
        var args = new List<KernelArgumentInfo>
        {
            new(0, "opcode", false, 8), new(1, "instr", true, 8), new(2, "ninstr", false, 4),
        };
        for (int i = 0; i < 5; i++) args.Add(new KernelArgumentInfo(3 + i, $"bo{i}", true, 8));
        foreach (var s in scalars) args.Add(new KernelArgumentInfo(args.Count, s, false, 4));
        return args;
    }
}
