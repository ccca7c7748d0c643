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
    private MemoryHandle _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;
    private OperandShape _s0, _s1, _s2, _s3, _s4, _s5, _s6, _s7;
    private int _b0, _b1, _b2, _b3, _b4, _b5, _b6, _b7;
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
        _h0.Dispose(); _h1.Dispose(); _h2.Dispose(); _h3.Dispose();
        _h4.Dispose(); _h5.Dispose(); _h6.Dispose(); _h7.Dispose();
        _count = 0;
    }

    private readonly (MemoryHandle, OperandShape, int) Slot(int i) => i switch
    {
        0 => (_h0, _s0, _b0), 1 => (_h1, _s1, _b1), 2 => (_h2, _s2, _b2), 3 => (_h3, _s3, _b3),
        4 => (_h4, _s4, _b4), 5 => (_h5, _s5, _b5), 6 => (_h6, _s6, _b6), 7 => (_h7, _s7, _b7),
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    private readonly NpuMemoryOperands With(MemoryHandle handle, OperandShape shape, int bytes)
    {
        if (_count == NpuOperands.MaxOperands)
        {
            handle.Dispose();
            throw new ArgumentException($"A kernel call takes at most {NpuOperands.MaxOperands} buffer operands.");
        }
        var next = this;
        switch (_count)
        {
            case 0: next._h0 = handle; next._s0 = shape; next._b0 = bytes; break;
            case 1: next._h1 = handle; next._s1 = shape; next._b1 = bytes; break;
            case 2: next._h2 = handle; next._s2 = shape; next._b2 = bytes; break;
            case 3: next._h3 = handle; next._s3 = shape; next._b3 = bytes; break;
            case 4: next._h4 = handle; next._s4 = shape; next._b4 = bytes; break;
            case 5: next._h5 = handle; next._s5 = shape; next._b5 = bytes; break;
            case 6: next._h6 = handle; next._s6 = shape; next._b6 = bytes; break;
            default: next._h7 = handle; next._s7 = shape; next._b7 = bytes; break;
        }
        next._count++;
        return next;
    }

    private readonly NpuMemoryOperands WithScalar(ulong bits)
    {
        var next = this;
        next._scalars = _scalars.With(bits);
        return next;
    }
}
