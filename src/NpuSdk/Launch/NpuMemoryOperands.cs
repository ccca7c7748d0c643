using System.Buffers;
using System.ComponentModel;

namespace NpuSdk.Launch;

/// <summary>
/// The operands of one asynchronous call of a generated method, in parameter order: up to eight matrices or vectors
/// over memory, pinned while the call is in flight, and four scalars. Generated code builds it with
/// <c>NpuMemoryOperands.Create().In(a, "a").In(b, "b").Out(c, "c")</c> and hands it to <see cref="NpuLaunch.InvokeAsync(NpuSession, NpuKernelDescriptor, NpuMemoryOperands, CancellationToken)"/>,
/// which releases the pins.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct NpuMemoryOperands
{
    private Slots _slots;
    private ScalarSlots _scalars;
    private int _count;

    /// <summary>No operands yet.</summary>
    public static NpuMemoryOperands Create() => default;

    /// <summary>Adds an input matrix.</summary>
    /// <param name="matrix">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The matrix spans more than 2 GiB.</exception>
    public readonly NpuMemoryOperands In<T>(ReadOnlyMemory2D<T> matrix, string? parameter = null) where T : unmanaged =>
        With(matrix.Memory, matrix.Rows, matrix.Cols, matrix.Stride, vector: false, writable: false, parameter);

    /// <summary>Adds an input vector.</summary>
    /// <param name="vector">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The vector spans more than 2 GiB.</exception>
    public readonly NpuMemoryOperands In<T>(ReadOnlyMemory<T> vector, string? parameter = null) where T : unmanaged =>
        With(vector, 1, vector.Length, vector.Length, vector: true, writable: false, parameter);

    /// <summary>Adds an output matrix.</summary>
    /// <param name="matrix">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The matrix spans more than 2 GiB.</exception>
    public readonly NpuMemoryOperands Out<T>(Memory2D<T> matrix, string? parameter = null) where T : unmanaged =>
        With<T>(matrix.Memory, matrix.Rows, matrix.Cols, matrix.Stride, vector: false, writable: true, parameter);

    /// <summary>Adds an output vector.</summary>
    /// <param name="vector">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The vector spans more than 2 GiB.</exception>
    public readonly NpuMemoryOperands Out<T>(Memory<T> vector, string? parameter = null) where T : unmanaged =>
        With<T>(vector, 1, vector.Length, vector.Length, vector: true, writable: true, parameter);

    /// <summary>Adds an <c>int32</c> scalar.</summary>
    public readonly NpuMemoryOperands Scalar(int value) => WithScalar(unchecked((uint)value));
    /// <summary>Adds a <c>uint32</c> scalar.</summary>
    public readonly NpuMemoryOperands Scalar(uint value) => WithScalar(value);
    /// <summary>Adds an <c>int64</c> scalar.</summary>
    public readonly NpuMemoryOperands Scalar(long value) => WithScalar(unchecked((ulong)value));
    /// <summary>Adds a <c>uint64</c> scalar.</summary>
    public readonly NpuMemoryOperands Scalar(ulong value) => WithScalar(value);
    /// <summary>Adds a <c>float32</c> scalar.</summary>
    public readonly NpuMemoryOperands Scalar(float value) => WithScalar(BitConverter.SingleToUInt32Bits(value));

    /// <summary>The pinned memory as the span operands the packer and unpacker read and write.</summary>
    internal readonly unsafe NpuOperands View()
    {
        var ops = NpuOperands.Create();
        for (int i = 0; i < _count; i++)
        {
            var (handle, shape) = _slots[i];
            ops = ops.WithRaw(new Span<byte>(handle.Pointer, shape.Extent * shape.ElementSize), shape);
        }
        for (int i = 0; i < _scalars.Count; i++) ops = ops.WithScalarBits(_scalars[i]);
        return ops;
    }

    /// <summary>Releases every pin. Safe to call twice.</summary>
    internal void Release()
    {
        for (int i = 0; i < _count; i++) _slots[i].Handle.Dispose();
        _count = 0;
    }

    private readonly NpuMemoryOperands With<T>(ReadOnlyMemory<T> memory, int rows, int cols, int stride, bool vector, bool writable, string? parameter) where T : unmanaged
    {
        OperandShape shape;
        try
        {
            if (_count == NpuOperands.MaxOperands) throw new ArgumentException($"A kernel call takes at most {NpuOperands.MaxOperands} buffer operands.");
            shape = OperandShape.Of<T>(rows, cols, stride, vector, writable, parameter);
        }
        catch (ArgumentException)
        {
            // A refused operand ends the call before it reaches InvokeAsync, which would release the pins taken so far.
            var held = this;
            held.Release();
            throw;
        }
        var next = this;
        next._slots[_count] = (memory.Pin(), shape);
        next._count++;
        return next;
    }

    private readonly NpuMemoryOperands WithScalar(ulong bits)
    {
        var next = this;
        next._scalars = _scalars.With(bits);
        return next;
    }

    [System.Runtime.CompilerServices.InlineArray(NpuOperands.MaxOperands)]
    private struct Slots
    {
        private (MemoryHandle Handle, OperandShape Shape) _first;
    }
}
