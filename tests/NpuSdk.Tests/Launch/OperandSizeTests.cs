using NpuSdk.Launch;
using NpuSdk.Testing;

namespace NpuSdk.Tests.Launch;

/// <summary>
/// The operands generated code builds (<c>NpuOperands</c> for spans, <c>NpuMemoryOperands</c> for memory) refuse one
/// past 2 GiB, whose element count fits an int but whose bytes do not, with an ArgumentException naming the parameter
/// it was passed as and its shape; the views are over <see cref="PhantomMemory{T}"/>, so nothing of that size exists.
/// </summary>
public sealed class OperandSizeTests
{
    // 20,000 x 15,000 longs: 300 million elements, 2.4 GB.
    private const int Rows = 20_000, Cols = 15_000;

    [Fact]
    public void An_input_matrix_past_2_GiB_names_its_parameter()
    {
        using var memory = new PhantomMemory<long>(Rows * Cols);
        var e = Assert.Throws<ArgumentException>(() => NpuOperands.Create().In(new ReadOnlySpan2D<long>(memory.Span, Rows, Cols), "a"));
        Assert.Equal("a", e.ParamName);
        Assert.Contains($"'a' is a {Rows}x{Cols} matrix with stride {Cols}, 300000000 8-byte elements: 2400000000 bytes", e.Message);
    }

    [Fact]
    public void An_output_matrix_past_2_GiB_names_its_parameter()
    {
        using var memory = new PhantomMemory<long>(Rows * Cols);
        var e = Assert.Throws<ArgumentException>(() => NpuOperands.Create().Out(new Span2D<long>(memory.Span, Rows, Cols), "c"));
        Assert.Equal("c", e.ParamName);
        Assert.Contains($"a {Rows}x{Cols} matrix", e.Message);
    }

    [Fact]
    public void A_strided_view_is_measured_by_its_extent_not_its_rows_times_columns()
    {
        // 269 rows of 1 element, 8,000,000 apart: 2,144,000,001 elements from the first to the last, 8.6 GB of int.
        using var memory = new PhantomMemory<int>(int.MaxValue);
        var e = Assert.Throws<ArgumentException>(() => NpuOperands.Create().In(new ReadOnlySpan2D<int>(memory.Span, 269, 1, 8_000_000), "a"));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("a 269x1 matrix with stride 8000000", e.Message);
    }

    [Fact]
    public void Vectors_past_2_GiB_name_their_parameters()
    {
        using var memory = new PhantomMemory<int>(600_000_000);
        var input = Assert.Throws<ArgumentException>(() => NpuOperands.Create().In((ReadOnlySpan<int>)memory.Span, "x"));
        Assert.Equal("x", input.ParamName);
        Assert.Contains("'x' is a vector of 600000000 4-byte elements: 2400000000 bytes", input.Message);
        var output = Assert.Throws<ArgumentException>(() => NpuOperands.Create().Out(memory.Span, "sum"));
        Assert.Equal("sum", output.ParamName);
    }

    [Fact]
    public void A_small_view_over_a_span_past_2_GiB_is_taken_as_its_own_extent()
    {
        // The span's bytes would overflow a byte view; the operand's 2 x 3 elements do not.
        using var memory = new PhantomMemory<long>(Rows * Cols);
        var operands = NpuOperands.Create().In(new ReadOnlySpan2D<long>(memory.Span, 2, 3), "a");
        Assert.Equal(48, operands.Data(0).Length);
    }

    [Fact]
    public void Memory_operands_past_2_GiB_name_their_parameters_and_release_the_pins_already_taken()
    {
        using var small = new PhantomMemory<long>(6);
        using var huge = new PhantomMemory<long>(Rows * Cols);
        var first = NpuMemoryOperands.Create().In(new ReadOnlyMemory2D<long>(small.Memory, 2, 3), "a");
        Assert.Equal(1, small.Pinned);

        var matrix = Assert.Throws<ArgumentException>(() => first.In(new ReadOnlyMemory2D<long>(huge.Memory, Rows, Cols), "b"));
        Assert.Equal("b", matrix.ParamName);
        Assert.Contains($"'b' is a {Rows}x{Cols} matrix", matrix.Message);
        Assert.Equal(0, small.Pinned);   // the call never reaches the launch, which would have released it
        Assert.Equal(0, huge.Pinned);

        var vector = Assert.Throws<ArgumentException>(() => NpuMemoryOperands.Create().Out(huge.Memory, "y"));
        Assert.Equal("y", vector.ParamName);
        Assert.Contains("'y' is a vector of 300000000 8-byte elements", vector.Message);
        Assert.Equal(0, huge.Pinned);
    }
}
