using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NpuSdk.Launch;

/// <summary>
/// The operands of one asynchronous call of a generated method, in parameter order: up to eight matrices or vectors
/// over memory, pinned while the call is in flight, and four scalars. Generated code builds it with
/// <c>NpuMemoryOperands.Create().In(a).In(b).Out(c)</c> and hands it to <see cref="NpuLaunch.InvokeAsync(NpuSession, NpuKernelDescriptor, NpuMemoryOperands, CancellationToken)"/>,
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
    public readonly NpuMemoryOperands In<T>(ReadOnlyMemory2D<T> matrix) where T : unmanaged =>
        With(matrix.Memory.Pin(), new OperandShape(matrix.Rows, matrix.Cols, matrix.Stride, Unsafe.SizeOf<T>(), writable: false), Extent(matrix.Rows, matrix.Cols, matrix.Stride) * Unsafe.SizeOf<T>());

    /// <summary>Adds an input vector.</summary>
    public readonly NpuMemoryOperands In<T>(ReadOnlyMemory<T> vector) where T : unmanaged =>
        With(vector.Pin(), new OperandShape(1, vector.Length, vector.Length, Unsafe.SizeOf<T>(), writable: false), vector.Length * Unsafe.SizeOf<T>());

    /// <summary>Adds an output matrix.</summary>
    public readonly NpuMemoryOperands Out<T>(Memory2D<T> matrix) where T : unmanaged =>
        With(matrix.Memory.Pin(), new OperandShape(matrix.Rows, matrix.Cols, matrix.Stride, Unsafe.SizeOf<T>(), writable: true), Extent(matrix.Rows, matrix.Cols, matrix.Stride) * Unsafe.SizeOf<T>());

    /// <summary>Adds an output vector.</summary>
    public readonly NpuMemoryOperands Out<T>(Memory<T> vector) where T : unmanaged =>
        With(vector.Pin(), new OperandShape(1, vector.Length, vector.Length, Unsafe.SizeOf<T>(), writable: true), vector.Length * Unsafe.SizeOf<T>());

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

    private static int Extent(int rows, int cols, int stride) => rows == 0 ? 0 : (rows - 1) * stride + cols;

    /// <summary>The pinned memory as the span operands the packer and unpacker read and write.</summary>
    internal readonly unsafe NpuOperands View()
    {
        var ops = NpuOperands.Create();
        for (int i = 0; i < _count; i++)
        {
            var (handle, shape, bytes) = Slot(i);
            ops = ops.WithRaw(new Span<byte>(handle.Pointer, bytes), shape);
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

    private readonly (MemoryHandle Handle, OperandShape Shape, int Bytes) Slot(int i) => _slots[i];

    private readonly NpuMemoryOperands With(MemoryHandle handle, OperandShape shape, int bytes)
    {
        if (_count == NpuOperands.MaxOperands)
        {
            handle.Dispose();
            throw new ArgumentException($"A kernel call takes at most {NpuOperands.MaxOperands} buffer operands.");
        }
        var next = this;
        next._slots[_count] = (handle, shape, bytes);
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
        private (MemoryHandle Handle, OperandShape Shape, int Bytes) _first;
    }
}
