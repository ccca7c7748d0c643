using NpuSdk;

namespace WhisperEncoder;

/// <summary>A dense row-major matrix on the host: what the span-based operators read and write.</summary>
internal sealed class Matrix<T>(int rows, int cols) where T : unmanaged
{
    public int Rows { get; } = rows;
    public int Cols { get; } = cols;
    public T[] Data { get; } = new T[rows * cols];

    public ReadOnlySpan2D<T> Read => new(Data, Rows, Cols);
    public Span2D<T> Write => new(Data, Rows, Cols);

    /// <summary>Columns [<paramref name="first"/>, first + <paramref name="count"/>) of every row, as a strided view.</summary>
    public ReadOnlySpan2D<T> Columns(int first, int count) => new(Data.AsSpan(first), Rows, count, Cols);
}
