namespace NpuSdk;

/// <summary>
/// A read-only row-major matrix view over memory, for asynchronous kernel calls: the counterpart of
/// <see cref="ReadOnlySpan2D{T}"/> that can be held across an <c>await</c>. <see cref="Rows"/> rows of
/// <see cref="Cols"/> elements, row starts <see cref="Stride"/> elements apart.
/// </summary>
public readonly struct ReadOnlyMemory2D<T>
{
    /// <summary>A dense view: rows of <paramref name="cols"/> elements, one after the other.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative (ParamName <c>rows</c> or <c>cols</c>) or the memory is too short (ParamName <c>memory</c>).</exception>
    public ReadOnlyMemory2D(ReadOnlyMemory<T> memory, int rows, int cols) : this(memory, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the stride is below the width (ParamName <c>rows</c>, <c>cols</c> or <c>stride</c>), or the memory is too short (ParamName <c>memory</c>); the message gives the shape and the memory's length.</exception>
    public ReadOnlyMemory2D(ReadOnlyMemory<T> memory, int rows, int cols, int stride)
    {
        Span2DShape.Check(memory.Length, rows, cols, stride, nameof(memory));
        Memory = memory;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    /// <summary>The memory under the view, from the first row's start.</summary>
    public ReadOnlyMemory<T> Memory { get; }
    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Elements per row.</summary>
    public int Cols { get; }
    /// <summary>Elements from one row start to the next.</summary>
    public int Stride { get; }

    /// <summary>The view as a span view, for synchronous code.</summary>
    public ReadOnlySpan2D<T> Span => new(Memory.Span, Rows, Cols, Stride);

    /// <summary>The shape as text, e.g. <c>500x512</c>, for messages.</summary>
    public override string ToString() => $"{Rows}x{Cols}";
}

/// <summary>A writable row-major matrix view over memory, for asynchronous kernel calls; see <see cref="ReadOnlyMemory2D{T}"/>.</summary>
public readonly struct Memory2D<T>
{
    /// <summary>A dense view: rows of <paramref name="cols"/> elements, one after the other.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative (ParamName <c>rows</c> or <c>cols</c>) or the memory is too short (ParamName <c>memory</c>).</exception>
    public Memory2D(Memory<T> memory, int rows, int cols) : this(memory, rows, cols, cols) { }

    /// <summary>A strided view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the stride is below the width (ParamName <c>rows</c>, <c>cols</c> or <c>stride</c>), or the memory is too short (ParamName <c>memory</c>); the message gives the shape and the memory's length.</exception>
    public Memory2D(Memory<T> memory, int rows, int cols, int stride)
    {
        Span2DShape.Check(memory.Length, rows, cols, stride, nameof(memory));
        Memory = memory;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    /// <summary>The memory under the view, from the first row's start.</summary>
    public Memory<T> Memory { get; }
    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Elements per row.</summary>
    public int Cols { get; }
    /// <summary>Elements from one row start to the next.</summary>
    public int Stride { get; }

    /// <summary>The view as a span view, for synchronous code.</summary>
    public Span2D<T> Span => new(Memory.Span, Rows, Cols, Stride);

    /// <summary>The view, read-only.</summary>
    public static implicit operator ReadOnlyMemory2D<T>(Memory2D<T> m) => new(m.Memory, m.Rows, m.Cols, m.Stride);

    /// <summary>The shape as text, e.g. <c>500x512</c>, for messages.</summary>
    public override string ToString() => $"{Rows}x{Cols}";
}
