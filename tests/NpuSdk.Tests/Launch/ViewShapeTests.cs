namespace NpuSdk.Tests.Launch;

/// <summary>
/// Every constructor of the 2-D views refuses a shape it cannot hold with an ArgumentOutOfRangeException whose ParamName
/// is a parameter of that constructor and whose message gives the shape, the stride and the length under the view.
/// </summary>
public sealed class ViewShapeTests
{
    public enum View { ReadOnlySpan2D, Span2D, ReadOnlyMemory2D, Memory2D }

    /// <summary>Each view with each bad shape: rows, columns, stride (null: the dense constructor), the length under it, and the parameter at fault.</summary>
    public static TheoryData<View, int, int, int?, int, string> BadShapes()
    {
        var data = new TheoryData<View, int, int, int?, int, string>();
        foreach (var view in Enum.GetValues<View>())
        {
            string source = view is View.ReadOnlySpan2D or View.Span2D ? "span" : "memory";
            foreach (int? stride in new int?[] { null, 4 })
            {
                data.Add(view, -1, 4, stride, 16, "rows");                              // negative rows
                data.Add(view, 3, -4, stride is null ? null : -4, 16, "cols");           // negative columns
                data.Add(view, 3, 4, stride, 11, source);                                // one element short
                data.Add(view, 1, 17, stride is null ? null : 17, 16, source);           // one row wider than the data
                data.Add(view, int.MaxValue, int.MaxValue, stride is null ? null : int.MaxValue, 16, source);   // huge: (rows - 1) x stride passes int
            }
            data.Add(view, 3, 4, 2, 16, "stride");                                       // rows overlap
            data.Add(view, 3, 4, -1, 16, "stride");                                      // negative stride
            data.Add(view, 65_536, 1, 65_536, 100, source);                              // rows x stride is 2^32: wraps to a small int
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void A_shape_the_data_cannot_hold_names_the_constructors_parameter_and_the_shape(View view, int rows, int cols, int? stride, int length, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(view, new int[length], rows, cols, stride));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"A {rows}x{cols} view with stride {stride ?? cols} over a {(view is View.ReadOnlySpan2D or View.Span2D ? "span" : "memory")} of {length} elements", e.Message);
    }

    [Fact]
    public void A_view_past_its_span_says_how_many_elements_it_needs()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ReadOnlySpan2D<int>(new int[100], 65_536, 1, 65_536));
        Assert.Contains("it needs 4294901761 elements", e.Message);   // 65,535 strides and one column, counted in long
    }

    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 5, 5, 0)]
    [InlineData(3, 0, 0, 0)]
    [InlineData(3, 4, 4, 12)]
    [InlineData(3, 4, 6, 16)]
    public void Empty_and_exactly_fitting_shapes_are_views(int rows, int cols, int stride, int length)
    {
        foreach (var view in Enum.GetValues<View>())
        {
            var (r, c) = Make(view, new int[length], rows, cols, stride);
            Assert.Equal((rows, cols), (r, c));
        }
    }

    private static (int Rows, int Cols) Make(View view, int[] data, int rows, int cols, int? stride) => view switch
    {
        View.ReadOnlySpan2D => Shape(stride is int s ? new ReadOnlySpan2D<int>(data, rows, cols, s) : new ReadOnlySpan2D<int>(data, rows, cols)),
        View.Span2D => Shape(stride is int s ? new Span2D<int>(data, rows, cols, s) : new Span2D<int>(data, rows, cols)),
        View.ReadOnlyMemory2D => Shape(stride is int s ? new ReadOnlyMemory2D<int>(data, rows, cols, s) : new ReadOnlyMemory2D<int>(data, rows, cols)),
        _ => Shape(stride is int s ? new Memory2D<int>(data, rows, cols, s) : new Memory2D<int>(data, rows, cols)),
    };

    private static (int, int) Shape(ReadOnlySpan2D<int> view) => (view.Rows, view.Cols);

    private static (int, int) Shape(ReadOnlyMemory2D<int> view) => (view.Rows, view.Cols);
}
