using System.Runtime.CompilerServices;

namespace NpuSdk;

/// <summary>
/// A read-only row-major matrix view over a span: <see cref="Rows"/> rows of <see cref="Cols"/> elements,
/// row starts <see cref="Stride"/> elements apart (a stride larger than the width views a sub-matrix).
/// </summary>
public readonly ref struct ReadOnlySpan2D<T>
{
    private readonly ReadOnlySpan<T> _span;

    /// <summary>A dense view: rows of <paramref name="cols"/> elements, one after the other.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative (ParamName <c>rows</c> or <c>cols</c>) or the span is too short (ParamName <c>span</c>).</exception>
    public ReadOnlySpan2D(ReadOnlySpan<T> span, int rows, int cols) : this(span, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the stride is below the width (ParamName <c>rows</c>, <c>cols</c> or <c>stride</c>), or the span is too short (ParamName <c>span</c>); the message gives the shape and the span's length.</exception>
    public ReadOnlySpan2D(ReadOnlySpan<T> span, int rows, int cols, int stride)
    {
        Span2DShape.Check(span.Length, rows, cols, stride, nameof(span));
        _span = span;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Elements per row.</summary>
    public int Cols { get; }
    /// <summary>Elements from one row start to the next.</summary>
    public int Stride { get; }

    /// <summary>One row.</summary>
    public ReadOnlySpan<T> GetRow(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return _span.Slice(row * Stride, Cols);
    }

    /// <summary>One element.</summary>
    public T this[int row, int col]
    {
        get
        {
            if ((uint)col >= (uint)Cols) throw new ArgumentOutOfRangeException(nameof(col), $"Column {col} is outside 0..{Cols - 1}.");
            return GetRow(row)[col];
        }
    }

    /// <summary>The shape as text, e.g. <c>500x512</c>, for messages.</summary>
    public override string ToString() => $"{Rows}x{Cols}";

    /// <summary>The span under the view, from the first row's start.</summary>
    internal ReadOnlySpan<T> Storage => _span;
}

/// <summary>A writable row-major matrix view over a span; see <see cref="ReadOnlySpan2D{T}"/>.</summary>
public readonly ref struct Span2D<T>
{
    private readonly Span<T> _span;

    /// <summary>A dense view: rows of <paramref name="cols"/> elements, one after the other.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative (ParamName <c>rows</c> or <c>cols</c>) or the span is too short (ParamName <c>span</c>).</exception>
    public Span2D(Span<T> span, int rows, int cols) : this(span, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the stride is below the width (ParamName <c>rows</c>, <c>cols</c> or <c>stride</c>), or the span is too short (ParamName <c>span</c>); the message gives the shape and the span's length.</exception>
    public Span2D(Span<T> span, int rows, int cols, int stride)
    {
        Span2DShape.Check(span.Length, rows, cols, stride, nameof(span));
        _span = span;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Elements per row.</summary>
    public int Cols { get; }
    /// <summary>Elements from one row start to the next.</summary>
    public int Stride { get; }

    /// <summary>One row.</summary>
    public Span<T> GetRow(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside 0..{Rows - 1}.");
        return _span.Slice(row * Stride, Cols);
    }

    /// <summary>One element.</summary>
    public ref T this[int row, int col]
    {
        get
        {
            if ((uint)col >= (uint)Cols) throw new ArgumentOutOfRangeException(nameof(col), $"Column {col} is outside 0..{Cols - 1}.");
            return ref GetRow(row)[col];
        }
    }

    /// <summary>The span under the view, from the first row's start.</summary>
    internal Span<T> Storage => _span;

    /// <summary>The same memory, read-only.</summary>
    public static implicit operator ReadOnlySpan2D<T>(Span2D<T> view) => new(view._span, view.Rows, view.Cols, view.Stride);

    /// <summary>The shape as text, e.g. <c>500x512</c>, for messages.</summary>
    public override string ToString() => $"{Rows}x{Cols}";
}

/// <summary>The one shape check of every 2-D view's constructor, so each names the same things the same way.</summary>
internal static class Span2DShape
{
    /// <summary>Checks a view of <paramref name="rows"/> x <paramref name="cols"/> with <paramref name="stride"/> over <paramref name="length"/> elements.</summary>
    /// <param name="length">The length of what the view is made over.</param>
    /// <param name="rows">The rows asked for.</param>
    /// <param name="cols">The columns asked for.</param>
    /// <param name="stride">The stride asked for (the columns for a dense view).</param>
    /// <param name="source">The constructor's parameter for what the view is made over (<c>span</c>, <c>memory</c>), which a too-short source's error names.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int length, int rows, int cols, int stride, string source)
    {
        if (rows < 0) throw Fail(nameof(rows), "the rows must not be negative", length, rows, cols, stride, source);
        if (cols < 0) throw Fail(nameof(cols), "the columns must not be negative", length, rows, cols, stride, source);
        if (stride < cols) throw Fail(nameof(stride), "the stride must be at least the width", length, rows, cols, stride, source);
        // In long: rows and stride near int.MaxValue multiply past int but never past long.
        long needed = rows == 0 ? 0 : (long)(rows - 1) * stride + cols;
        if (needed > length) throw Fail(source, $"it needs {needed} elements", length, rows, cols, stride, source);
    }

    // Kept out of the inlined check: the message is built only on failure.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException Fail(string parameter, string why, int length, int rows, int cols, int stride, string source) =>
        new(parameter, $"A {rows}x{cols} view with stride {stride} over a {source} of {length} elements: {why}.");
}
