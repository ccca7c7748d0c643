using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

/// <summary>GELU, softmax, layer norm and attention against their formulas in double, within each manifest's tolerance.</summary>
public class BFloat16KernelTests
{
    private static ManifestTolerance Tolerance(string name) =>
        KernelLibrary.Manifest(name).Numeric.Tolerance ?? throw new InvalidOperationException($"{name} has no tolerance");

    [Fact]
    public void Gelu_follows_the_tanh_approximation_including_specials()
    {
        var rng = new Random(11);
        int n = KernelLibrary.Manifest("gelu_bf16").Dimension("elements");
        var x = Inputs.BFloat16WithSpecials(rng, n, every: 50);
        var y = new ushort[n];
        Gelu.Compute(x, y);
        ToleranceAssert.Within(Tolerance("gelu_bf16"), Inputs.Doubles(x).Select(Scalar.GeluExact).ToArray(), y);

        var specials = new ushort[] { 0x7FC0, 0x7F80, 0xFF80, 0x8000, 0x0000, 0x0001, 0x8001 };
        var out7 = new ushort[specials.Length];
        Gelu.Compute(specials, out7);
        Assert.True(BFloat16.IsNaN(BFloat16.FromRaw(out7[0])));
        Assert.Equal(0x7F80, out7[1]);               // +inf
        Assert.Equal(0x8000, out7[2]);               // -inf gives -0, not NaN
        Assert.Equal(0x8000, out7[3]);               // -0 stays -0
        Assert.Equal(0x0000, out7[4]);
    }

    [Fact]
    public void Softmax_rows_match_the_formula_and_masking_and_NaN_rules()
    {
        var m = KernelLibrary.Manifest("softmax_bf16");
        int rows = m.Dimension("rows"), cols = m.Dimension("cols");
        var rng = new Random(12);
        var x = Inputs.BFloat16(rng, rows * cols, minExponent: -6, maxExponent: 3);
        for (int j = 0; j < cols; j += 3) x[1 * cols + j] = 0xFF80;      // row 1: masked with -inf
        x[2 * cols + 7] = 0x7FC0;                                         // row 2: a NaN
        x[3 * cols + 9] = 0x7F80;                                         // row 3: a +inf
        for (int j = 0; j < cols; j++) x[4 * cols + j] = 0xFF80;          // row 4: only -inf
        for (int j = 0; j < cols; j++) x[5 * cols + j] = 0x3F80;          // row 5: constant, 1/1500 each
        var y = new ushort[rows * cols];
        Softmax.Compute(x, y, rows, cols);

        var exact = new double[rows * cols];
        var xs = Inputs.Doubles(x);
        for (int r = 0; r < rows; r++) Scalar.SoftmaxExact(xs[(r * cols)..((r + 1) * cols)]).CopyTo(exact, r * cols);
        ToleranceAssert.Within(Tolerance("softmax_bf16"), exact, y);
        Assert.Equal(0, y[1 * cols]);                                     // a masked entry is exactly 0
        Assert.All(y.AsSpan(2 * cols, cols).ToArray(), v => Assert.True(BFloat16.IsNaN(BFloat16.FromRaw(v))));
    }

    [Fact]
    public void Layer_norm_rows_match_the_formula()
    {
        var m = KernelLibrary.Manifest("layernorm_bf16");
        int rows = m.Dimension("rows"), cols = m.Dimension("cols");
        double epsilon = m.Numeric.Epsilon!.Value;
        var rng = new Random(13);
        var x = Inputs.BFloat16(rng, rows * cols, minExponent: -4, maxExponent: 4);
        var gamma = Inputs.BFloat16(rng, cols, minExponent: -2, maxExponent: 1);
        var beta = Inputs.BFloat16(rng, cols, minExponent: -4, maxExponent: 0);
        x[3 * cols + 5] = 0x7FC0;                                          // row 3: NaN row
        x[4 * cols + 6] = 0xFF80;                                          // row 4: an infinity, NaN row
        for (int j = 0; j < cols; j++) x[5 * cols + j] = 0x4040;           // row 5: constant, y = beta
        var y = new ushort[rows * cols];
        LayerNorm.Compute(x, gamma, beta, y, rows, cols, (float)epsilon);

        var xs = Inputs.Doubles(x);
        var g = Inputs.Doubles(gamma);
        var b = Inputs.Doubles(beta);
        var exact = new double[rows * cols];
        for (int r = 0; r < rows; r++) Scalar.LayerNormExact(xs[(r * cols)..((r + 1) * cols)], g, b, epsilon).CopyTo(exact, r * cols);
        ToleranceAssert.Within(Tolerance("layernorm_bf16"), exact, y);
        Assert.Equal(beta, y.AsSpan(5 * cols, cols).ToArray());
    }

    [Fact]
    public void Attention_block_matches_the_formula_per_head()
    {
        var m = KernelLibrary.Manifest("attention_bf16");
        int queries = m.Dimension("queries"), keys = m.Dimension("keys"), heads = m.Dimension("heads"), headDim = m.Dimension("headDim");
        int dim = heads * headDim;
        double scale = m.Numeric.Scale!.Value;
        var rng = new Random(14);
        var q = Inputs.BFloat16(rng, queries * dim, minExponent: -4, maxExponent: 0);
        var k = Inputs.BFloat16(rng, keys * dim, minExponent: -4, maxExponent: 0);
        var v = Inputs.BFloat16(rng, keys * dim, minExponent: -4, maxExponent: 0);
        k[100 * dim + 3] = 0x7FC0;                                         // a NaN key in head 0: head 0 turns NaN, the others do not
        var o = new ushort[queries * dim];
        Attention.Compute(q, k, v, o, queries, keys, heads, headDim, (float)scale);

        var exact = Scalar.AttentionExact(Inputs.Doubles(q), Inputs.Doubles(k), Inputs.Doubles(v), queries, keys, heads, headDim, scale);
        ToleranceAssert.Within(Tolerance("attention_bf16"), exact, o);
        Assert.True(BFloat16.IsNaN(BFloat16.FromRaw(o[0])));
        Assert.False(BFloat16.IsNaN(BFloat16.FromRaw(o[headDim])));
    }

    [Fact]
    public void Short_buffers_are_rejected_naming_the_operand()
    {
        var e = Assert.Throws<ArgumentException>(() => LayerNorm.Compute(new ushort[512], new ushort[10], new ushort[512], new ushort[512], 1, 512, 1e-5f));
        Assert.Equal("gamma", e.ParamName);
        var s = Assert.Throws<ArgumentException>(() => Softmax.Compute(new ushort[100], new ushort[1500], 1, 1500));
        Assert.Contains("1x1500", s.Message);
    }
}
