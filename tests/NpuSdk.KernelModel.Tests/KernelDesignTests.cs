using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.KernelModel.Tests;

/// <summary>
/// The design a generated descriptor states: made from a manifest bound to a kernel's arguments, it gives back the same
/// manifest (what the runtime plans with, no JSON read), refuses what is inconsistent, and binds only the signature it
/// was made for.
/// </summary>
public sealed class KernelDesignTests
{
    private static KernelManifest WithScalars() => Designs.Parse("tile-matmul", """{ "m": 16, "k": 16, "n": 16 }""",
        Designs.Buffer("bo0", "input", "int8", "a:m,k", "b:k,n") + ", " + Designs.Buffer("bo1", "output", "int8", "c:m,n") + """, { "arg": "bo2", "role": "unused" }""",
        """{ "accumulator": "int32", "shift": 7, "rounding": "floor", "saturate": "int8", "hostAccumulator": "int32", "tolerance": { "relative": 0.5, "absolute": 2 } }""",
        """[ { "arg": "shift", "type": "int32", "meaning": "the shift", "value": 7 }, { "arg": "alpha", "type": "float32", "meaning": "a scale the method passes" } ]""",
        operation: "matmul");

    [Fact]
    public void A_design_gives_back_the_manifest_it_was_made_from()
    {
        var manifest = WithScalars();
        var design = KernelDesign.From(manifest, KernelAbi.Bind(Designs.IronSignature("shift", "alpha"), manifest));
        var built = design.ToManifest("the descriptor");

        Assert.Equal(manifest.Pattern, built.Pattern);
        Assert.Equal(manifest.Tile.OrderBy(t => t.Key), built.Tile.OrderBy(t => t.Key));
        Assert.Equal(Describe(manifest.UsedBuffers), Describe(built.UsedBuffers));
        Assert.Equal(manifest.Scalars.Select(s => (s.Arg, s.Type, s.Meaning, s.Value)), built.Scalars.Select(s => (s.Arg, s.Type, s.Meaning, s.Value)));
        Assert.Equal(manifest.Numeric.ToString(), built.Numeric.ToString());
        Assert.Contains("tolerance 0.5 relative, 2 absolute", built.Numeric.ToString());
        // Every argument of the signature has its use: opcode, instructions, their count, A and B packed in bo0, C, an
        // unused buffer (bo2, and bo3, bo4, which the manifest does not name), a fixed scalar and a passed one.
        Assert.Equal(new[] { ArgumentUse.Opcode, ArgumentUse.Instructions, ArgumentUse.InstructionCount, ArgumentUse.Buffer, ArgumentUse.Buffer,
            ArgumentUse.Unused, ArgumentUse.Unused, ArgumentUse.Unused, ArgumentUse.Scalar, ArgumentUse.Scalar }, design.Arguments.Select(a => a.Use));
        Assert.Equal(7.0, design.Arguments[8].Value);
        Assert.Null(design.Arguments[9].Value);
    }

    [Fact]
    public void Equal_designs_read_the_same_and_different_ones_do_not()
    {
        var manifest = Designs.TileMatMul();
        var signature = Designs.IronSignature();
        string one = KernelDesign.From(manifest, KernelAbi.Bind(signature, manifest)).ToString();
        string again = KernelDesign.From(Designs.TileMatMul(), KernelAbi.Bind(signature, manifest)).ToString();
        string other = KernelDesign.From(Designs.TileMatMul("""{ "accumulator": "int32", "hostAccumulator": "none" }"""), KernelAbi.Bind(signature, manifest)).ToString();

        Assert.Equal(one, again);
        Assert.NotEqual(one, other);
    }

    [Theory]
    [InlineData("pattern", "not a pattern a kernel has")]
    [InlineData("shape", "neither a key of the tile")]
    [InlineData("order", "not in index order")]
    [InlineData("operand", "needs an operand \"c\"")]
    [InlineData("accumulator", "but the kernel accumulates in float32")]
    public void An_inconsistent_design_is_refused_saying_why(string broken, string expected)
    {
        var tile = new[] { new DesignTile("m", 16), new DesignTile("k", 16), new DesignTile("n", 16) };
        var args = new List<DesignArgument>
        {
            DesignArgument.Opcode(0, "opcode"), DesignArgument.Instructions(1, "instr"), DesignArgument.InstructionCount(2, "ninstr"),
            DesignArgument.Input(3, "bo0", ElementType.Int8, new DesignPart("a", broken == "shape" ? "q" : "m", "k")),
            DesignArgument.Input(4, "bo1", ElementType.Int8, new DesignPart("b", "k", "n")),
        };
        if (broken != "operand") args.Add(DesignArgument.Output(5, "bo2", ElementType.Int32, new DesignPart("c", "m", "n")));
        if (broken == "order") args.Reverse();
        var numeric = new NumericRule(broken == "accumulator" ? ElementType.Float32 : ElementType.Int32, hostAccumulator: broken == "accumulator" ? null : ElementType.Int32);
        var design = new KernelDesign("d", "MLIR_AIE", "matmul", broken == "pattern" ? NpuPattern.FromManifest : NpuPattern.TileMatMul, 1, tile, args.ToArray(), numeric);

        var e = Assert.Throws<KernelManifestException>(() => design.ToManifest("the design of Ops.MatMul"));
        Assert.Contains(expected, e.Reason);
        Assert.Equal("the design of Ops.MatMul", e.Path);
    }

    [Fact]
    public void A_design_binds_only_the_signature_it_was_made_for()
    {
        var manifest = Designs.TileMatMul();
        var design = KernelDesign.From(manifest, KernelAbi.Bind(Designs.IronSignature(), manifest));
        var built = design.ToManifest("the descriptor");
        Assert.Equal(8, design.Bind(Designs.IronSignature(), built).Count);

        var renamed = Designs.IronSignature().Select(a => a.Index == 4 ? new KernelArgumentInfo(4, "in1", true, 8) : a).ToList();
        var e = Assert.Throws<KernelManifestException>(() => design.Bind(renamed, built));
        Assert.Contains("differ at index 4", e.Reason);
        var longer = Assert.Throws<KernelManifestException>(() => design.Bind(Designs.IronSignature("rtp"), built));
        Assert.Contains("has 9 arguments", longer.Reason);
    }

    [Fact]
    public void A_manifest_listing_buffers_out_of_argument_order_is_refused()
    {
        var manifest = Designs.Parse("tile-matmul", """{ "m": 16, "k": 16, "n": 16 }""",
            Designs.Buffer("bo1", "input", "int8", "b:k,n") + ", " + Designs.Buffer("bo0", "input", "int8", "a:m,k") + ", " + Designs.Buffer("bo2", "output", "int32", "c:m,n"),
            Designs.IntRule, operation: "matmul");

        var e = Assert.Throws<KernelManifestException>(() => KernelAbi.Bind(Designs.IronSignature(), manifest));
        Assert.Contains("lists buffers \"bo1\" before \"bo0\"", e.Reason);
    }

    [Fact]
    public void Each_pattern_says_in_words_what_a_call_does()
    {
        string Explain(KernelManifest m, params ElementType[] types)
        {
            var strategy = PatternStrategy.For(m.Pattern);
            var operands = strategy.Operands(m);
            return strategy.Explain(m, operands.Select(o => o.Name).ToArray(), types.Length > 0 ? types : operands.Select(o => o.KernelType).ToArray());
        }

        Assert.Equal("a in 16x16 blocks and b in 16x16 blocks, each block packed once; one run per 16x16 block of c and 16-long slice of K, the last padded " +
            "with zeros; partial blocks of c added over K on the host in int32; c written as sbyte (saturated from the kernel's int32)",
            Explain(Designs.TileMatMul(), ElementType.Int8, ElementType.Int8, ElementType.Int8));
        Assert.StartsWith("a (64x64) times b (64x64) is one run", Explain(Designs.WholeArray()));
        Assert.Contains("summed over K on the device", Explain(Designs.KStrip()));
        Assert.Contains("K padded with zeros to a multiple of 16 (at most 64)", Explain(Designs.KStrip()));
        Assert.Contains("partial results of c added over K on the host in int32", Explain(Designs.Gemv()));
        Assert.Equal("256-element chunks of x and y, one run per chunk, the last padded with zeros; z written as int", Explain(Designs.Elementwise()));
        Assert.Equal("4-row blocks of x (8 columns wide), one run per block, the last padded with zero rows; gamma and beta packed once for every run; " +
            "y written as float (rounded from the kernel's bf16)", Explain(Designs.Rowwise(), ElementType.BFloat16, ElementType.BFloat16, ElementType.BFloat16, ElementType.Float32));
        Assert.Contains("k and v (6 keys, 8 wide) packed once for every run", Explain(Designs.Attention()));
    }

    private static IEnumerable<string> Describe(IEnumerable<ManifestBuffer> buffers) =>
        buffers.Select(b => $"{b.Arg} {b.Role} {b.ElementType}: " + string.Join("; ", b.Parts.Select(p => p.Operand + "[" + string.Join(",", p.Shape.Select(d => d + "=" + d.Value)) + "]")));
}
