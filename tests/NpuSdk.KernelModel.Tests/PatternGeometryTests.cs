using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.KernelModel.Tests;

/// <summary>
/// Each pattern's strategy on its own: how a call's shapes are checked and measured into a plan key, and how that key
/// cuts the call into invocations and every operand into blocks (which block each invocation reads or writes).
/// </summary>
public sealed class PatternGeometryTests
{
    private static CallShapes Shapes(params (int Rows, int Cols)[] operands)
    {
        var shapes = new CallShapes();
        foreach (var (rows, cols) in operands) shapes.Add(rows, cols);
        return shapes;
    }

    private static (GridKey Key, LaunchGeometry Grid) Plan(KernelManifest m, params (int Rows, int Cols)[] operands)
    {
        var strategy = PatternStrategy.For(m.Pattern);
        var names = strategy.Operands(m).Select(o => o.Name).ToArray();
        var key = strategy.Measure(m, Shapes(operands), names);
        return (key, strategy.Geometry(m, key));
    }

    private static ArgumentException Refused(KernelManifest m, params (int Rows, int Cols)[] operands)
    {
        var strategy = PatternStrategy.For(m.Pattern);
        return Assert.ThrowsAny<ArgumentException>(() => strategy.Measure(m, Shapes(operands), strategy.Operands(m).Select(o => o.Name).ToArray()));
    }

    [Fact]
    public void Tile_matmul_cuts_M_N_and_K_into_tiles_with_K_fastest_and_pads_the_last_of_each()
    {
        // 40x33 · 33x20 on a 16x16x16 tile: 3 row blocks, 2 column blocks, 3 K blocks.
        var (key, grid) = Plan(Designs.TileMatMul(), (40, 33), (33, 20), (40, 20));

        Assert.Equal(new GridKey(3, 2, 3), key);
        Assert.Equal(18, grid.Invocations);
        var (a, b, c) = (grid.Operands[0], grid.Operands[1], grid.Operands[2]);
        Assert.Equal((16, 16, 9), (a.BlockRows, a.BlockCols, a.DistinctBlocks));   // A's 3x3 blocks: M by K
        Assert.Equal((16, 16, 6), (b.BlockRows, b.BlockCols, b.DistinctBlocks));   // B's 3x2 blocks: K by N
        Assert.Equal(6, c.DistinctBlocks);                                          // C's 3x2 blocks, each the sum of 3 partials
        // Invocation 5 is (row 0, column 1, K block 2): A block (0, 2), B block (2, 1), C block (0, 1).
        Assert.Equal((0, 1, 2), (grid.Coordinate(5, 0), grid.Coordinate(5, 1), grid.Coordinate(5, 2)));
        Assert.Equal(2, grid.BlockOf(a, 5));
        Assert.Equal(2 * 2 + 1, grid.BlockOf(b, 5));
        Assert.Equal(1, grid.BlockOf(c, 5));
        // The three partials of one C block are adjacent invocations.
        Assert.Equal(new[] { 1, 1, 1 }, new[] { 3, 4, 5 }.Select(i => grid.BlockOf(c, i)));
    }

    [Fact]
    public void Tile_matmul_refuses_a_K_longer_than_its_tile_when_the_rule_adds_no_partials_on_the_host_and_names_a()
    {
        var m = Designs.TileMatMul("""{ "accumulator": "int32", "hostAccumulator": "none" }""");
        Assert.Equal(new GridKey(1, 1, 1), Plan(m, (16, 16), (16, 16), (16, 16)).Key);

        var e = Refused(m, (16, 17), (17, 16), (16, 16));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("K = 17", e.Message);
    }

    [Fact]
    public void Matmul_shapes_that_do_not_multiply_name_the_parameter_at_fault()
    {
        var m = Designs.TileMatMul();
        Assert.Equal("b", Refused(m, (16, 16), (15, 16), (16, 16)).ParamName);
        Assert.Equal("c", Refused(m, (16, 16), (16, 16), (16, 15)).ParamName);
        Assert.Equal("a", Refused(m, (0, 16), (16, 16), (0, 16)).ParamName);
    }

    [Fact]
    public void Whole_array_is_one_run_at_its_shapes_and_one_more_per_block_past_them()
    {
        var m = Designs.WholeArray();
        Assert.Equal(1, Plan(m, (64, 64), (64, 64), (64, 64)).Grid.Invocations);

        var (key, grid) = Plan(m, (100, 64), (64, 64), (100, 64));
        Assert.Equal(new GridKey(2, 1, 1), key);
        Assert.Equal(2, grid.Invocations);
        Assert.Equal(1, grid.Operands[1].DistinctBlocks);   // B is packed once for both runs
    }

    [Fact]
    public void K_strip_pads_K_to_its_multiple_and_sums_it_on_the_device()
    {
        var (key, grid) = Plan(Designs.KStrip(), (20, 40), (40, 20), (20, 20));

        Assert.Equal(48, key.StripLength);                 // 40 padded to a multiple of 16
        Assert.Equal(4, grid.Invocations);                 // 2 row strips x 2 column strips, no K blocks
        var c = grid.Operands[2];
        Assert.Equal(grid.Invocations, c.DistinctBlocks);  // one invocation per C block: no partials
        Assert.Equal(48, grid.Operands[0].BlockCols);

        var e = Refused(Designs.KStrip(), (20, 65), (65, 20), (20, 20));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("more than the 64", e.Message);
    }

    [Fact]
    public void Gemv_cuts_A_into_m_by_k_blocks_and_b_into_k_pieces()
    {
        var (key, grid) = Plan(Designs.Gemv(), (20, 10), (1, 10), (1, 20));

        Assert.Equal(6, grid.Invocations);                 // 3 row blocks x 2 K blocks
        var (a, b, c) = (grid.Operands[0], grid.Operands[1], grid.Operands[2]);
        Assert.Equal(6, a.DistinctBlocks);
        Assert.Equal(2, b.DistinctBlocks);
        Assert.Equal(3, c.DistinctBlocks);                 // partials over K added on the host
        Assert.Equal("b", Refused(Designs.Gemv(), (20, 10), (1, 9), (1, 20)).ParamName);
        Assert.NotEqual(default, key);
    }

    [Fact]
    public void Elementwise_is_one_run_per_chunk_and_every_operand_must_be_as_long()
    {
        var (_, grid) = Plan(Designs.Elementwise(), (1, 1000), (1, 1000), (1, 1000));

        Assert.Equal(4, grid.Invocations);                 // 1000 elements in chunks of 256, the last padded
        Assert.All(grid.Operands, o => Assert.Equal(4, o.DistinctBlocks));
        Assert.Equal(3, grid.BlockOf(grid.Operands[2], 3));

        var e = Refused(Designs.Elementwise(), (1, 1000), (1, 999), (1, 1000));
        Assert.Equal("y", e.ParamName);
    }

    [Fact]
    public void Rowwise_cuts_rows_and_shares_its_vectors_with_every_run()
    {
        var (_, grid) = Plan(Designs.Rowwise(), (10, 8), (1, 8), (1, 8), (10, 8));

        Assert.Equal(3, grid.Invocations);                 // 10 rows in blocks of 4, the last padded
        Assert.Equal(3, grid.Operands[0].DistinctBlocks);
        Assert.Equal(1, grid.Operands[1].DistinctBlocks);  // gamma: one block every run reads
        Assert.Equal(0, grid.BlockOf(grid.Operands[2], 2));

        Assert.Equal("x", Refused(Designs.Rowwise(), (10, 9), (1, 8), (1, 8), (10, 9)).ParamName);
        Assert.Equal("gamma", Refused(Designs.Rowwise(), (10, 8), (1, 7), (1, 8), (10, 8)).ParamName);
    }

    [Fact]
    public void Attention_cuts_query_rows_and_reads_every_key_in_every_run()
    {
        var (_, grid) = Plan(Designs.Attention(), (10, 8), (6, 8), (6, 8), (10, 8));

        Assert.Equal(3, grid.Invocations);
        Assert.Equal(1, grid.Operands[1].DistinctBlocks);  // K whole, packed once
        Assert.Equal(1, grid.Operands[2].DistinctBlocks);  // V whole
        Assert.Equal(3, grid.Operands[3].DistinctBlocks);

        // Keys are never padded: another count is refused, naming k.
        Assert.Equal("k", Refused(Designs.Attention(), (10, 8), (7, 8), (7, 8), (10, 8)).ParamName);
    }

    [Fact]
    public void A_call_past_the_invocation_limit_is_refused_naming_the_operand_that_drives_the_grid()
    {
        int rows = (LaunchGeometry.MaxInvocations + 1) * 256;
        var e = Refused(Designs.Elementwise(), (1, rows), (1, rows), (1, rows));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("MaxInvocations", e.Message);
    }
}
