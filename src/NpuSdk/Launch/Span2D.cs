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
    public ReadOnlySpan2D(ReadOnlySpan<T> span, int rows, int cols) : this(span, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, the stride is below the width, or the span is too short.</exception>
    public ReadOnlySpan2D(ReadOnlySpan<T> span, int rows, int cols, int stride)
    {
        Span2DShape.Check(span.Length, rows, cols, stride);
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
    public Span2D(Span<T> span, int rows, int cols) : this(span, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, the stride is below the width, or the span is too short.</exception>
    public Span2D(Span<T> span, int rows, int cols, int stride)
    {
        Span2DShape.Check(span.Length, rows, cols, stride);
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

internal static class Span2DShape
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int length, int rows, int cols, int stride)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"Rows must not be negative (got {rows}).");
        if (cols < 0) throw new ArgumentOutOfRangeException(nameof(cols), $"Columns must not be negative (got {cols}).");
        if (stride < cols) throw new ArgumentOutOfRangeException(nameof(stride), $"The stride ({stride}) must be at least the width ({cols}).");
        long needed = rows == 0 ? 0 : (long)(rows - 1) * stride + cols;
        if (needed > length)
            throw new ArgumentOutOfRangeException(nameof(length), $"A {rows}x{cols} view with stride {stride} needs {needed} elements; the span has {length}.");
    }
}
