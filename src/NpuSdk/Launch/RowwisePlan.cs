namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of a rowwise kernel: invocation i reads rows [i·Tile, (i+1)·Tile) of every matrix input
/// (the last block padded with zero rows) plus every per-column vector input whole, and writes the same rows
/// of every matrix output. Matrix parents hold the rows back to back, so packing is one copy per row.
/// </summary>
public sealed class RowwisePlan<T> : LaunchPlan where T : unmanaged
{
    private readonly int _rowsPerInvocation, _cols, _inputs;

    internal RowwisePlan(LoadedKernel kernel, int rows, int rowsPerInvocation, int cols, ReadOnlySpan<bool> isMatrix, int inputs)
        : base(kernel, checked((rows + rowsPerInvocation - 1) / rowsPerInvocation), SlotBytes(rowsPerInvocation, cols, isMatrix), inputs)
    {
        Rows = rows;
        _rowsPerInvocation = rowsPerInvocation;
        _cols = cols;
        _inputs = inputs;
    }

    /// <summary>Rows of the matrix operands.</summary>
    public int Rows { get; }

    private static ReadOnlySpan<int> SlotBytes(int rowsPerInvocation, int cols, ReadOnlySpan<bool> isMatrix)
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var bytes = new int[isMatrix.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = checked((isMatrix[i] ? rowsPerInvocation * cols : cols) * size);
        return bytes;
    }

    /// <summary>Copies the rows of matrix input <paramref name="input"/> into its parent and zeroes the padding rows.</summary>
    public void Pack(int input, ReadOnlySpan2D<T> source)
    {
        var parent = Parent<T>(input);
        for (int r = 0; r < Rows; r++) source.GetRow(r).CopyTo(parent.Slice(r * _cols, _cols));
        parent[(Rows * _cols)..].Clear();
    }

    /// <summary>Copies vector input <paramref name="input"/> into every invocation's slot.</summary>
    public void Pack(int input, ReadOnlySpan<T> vector)
    {
        var parent = Parent<T>(input);
        for (int i = 0; i < Invocations; i++) vector.CopyTo(parent.Slice(i * _cols, _cols));
    }

    /// <summary>Copies the rows of matrix output <paramref name="output"/> out of its parent.</summary>
    public void Unpack(int output, Span2D<T> destination)
    {
        var parent = Parent<T>(_inputs + output);
        for (int r = 0; r < Rows; r++) parent.Slice(r * _cols, _cols).CopyTo(destination.GetRow(r));
    }
}
