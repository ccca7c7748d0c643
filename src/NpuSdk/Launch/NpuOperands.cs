using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// The operands of one call of a generated <see cref="NpuKernelAttribute"/> method, in parameter order: up to eight
/// matrices or vectors and four scalars, held as byte views on the caller's memory (nothing is copied or allocated).
/// Generated code builds it with <c>NpuOperands.Create().In(a, "a").In(b, "b").Out(c, "c")</c>, naming each parameter for errors.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public ref struct NpuOperands : ICallOperands
{
    internal const int MaxOperands = CallShapes.Capacity;

    private Span<byte> _d0, _d1, _d2, _d3, _d4, _d5, _d6, _d7;
    private OperandShape _s0, _s1, _s2, _s3, _s4, _s5, _s6, _s7;
    private ScalarSlots _scalars;
    private int _count;

    /// <summary>No operands yet.</summary>
    public static NpuOperands Create() => default;

    // Each form checks the operand's shape before it takes a byte view of it, which could not hold past 2 GiB.

    /// <summary>Adds an input matrix.</summary>
    /// <param name="matrix">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The matrix spans more than 2 GiB.</exception>
    public readonly NpuOperands In<T>(ReadOnlySpan2D<T> matrix, string? parameter = null) where T : unmanaged
    {
        var shape = OperandShape.Of<T>(matrix.Rows, matrix.Cols, matrix.Stride, vector: false, writable: false, parameter);
        return With(Writable(MemoryMarshal.AsBytes(matrix.Storage.Slice(0, shape.Extent))), shape);
    }

    /// <summary>Adds an input vector (one row).</summary>
    /// <param name="vector">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The vector spans more than 2 GiB.</exception>
    public readonly NpuOperands In<T>(ReadOnlySpan<T> vector, string? parameter = null) where T : unmanaged
    {
        var shape = OperandShape.Of<T>(1, vector.Length, vector.Length, vector: true, writable: false, parameter);
        return With(Writable(MemoryMarshal.AsBytes(vector)), shape);
    }

    /// <summary>Adds an output matrix.</summary>
    /// <param name="matrix">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The matrix spans more than 2 GiB.</exception>
    public readonly NpuOperands Out<T>(Span2D<T> matrix, string? parameter = null) where T : unmanaged
    {
        var shape = OperandShape.Of<T>(matrix.Rows, matrix.Cols, matrix.Stride, vector: false, writable: true, parameter);
        return With(MemoryMarshal.AsBytes(matrix.Storage.Slice(0, shape.Extent)), shape);
    }

    /// <summary>Adds an output vector (one row).</summary>
    /// <param name="vector">The operand.</param>
    /// <param name="parameter">The method's parameter it was passed as, which an error names.</param>
    /// <exception cref="ArgumentException">The vector spans more than 2 GiB.</exception>
    public readonly NpuOperands Out<T>(Span<T> vector, string? parameter = null) where T : unmanaged
    {
        var shape = OperandShape.Of<T>(1, vector.Length, vector.Length, vector: true, writable: true, parameter);
        return With(MemoryMarshal.AsBytes(vector), shape);
    }

    /// <summary>Adds an <c>int32</c> scalar.</summary>
    public readonly NpuOperands Scalar(int value) => WithScalar(unchecked((uint)value));
    /// <summary>Adds a <c>uint32</c> scalar.</summary>
    public readonly NpuOperands Scalar(uint value) => WithScalar(value);
    /// <summary>Adds an <c>int64</c> scalar.</summary>
    public readonly NpuOperands Scalar(long value) => WithScalar(unchecked((ulong)value));
    /// <summary>Adds a <c>uint64</c> scalar.</summary>
    public readonly NpuOperands Scalar(ulong value) => WithScalar(value);
    /// <summary>Adds a <c>float32</c> scalar.</summary>
    public readonly NpuOperands Scalar(float value) => WithScalar(BitConverter.SingleToUInt32Bits(value));

    internal readonly int Count => _count;
    internal readonly int ScalarCount => _scalars.Count;

    internal readonly OperandShape Shape(int i) => i switch
    {
        0 => _s0, 1 => _s1, 2 => _s2, 3 => _s3, 4 => _s4, 5 => _s5, 6 => _s6, 7 => _s7,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>The bytes under operand <paramref name="i"/>, from its first row's start.</summary>
    internal readonly Span<byte> Data(int i) => i switch
    {
        0 => _d0, 1 => _d1, 2 => _d2, 3 => _d3, 4 => _d4, 5 => _d5, 6 => _d6, 7 => _d7,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>Row <paramref name="row"/> of operand <paramref name="i"/>, as bytes.</summary>
    internal readonly Span<byte> Row(int i, int row)
    {
        var s = Shape(i);
        return Data(i).Slice(row * s.Stride * s.ElementSize, s.Cols * s.ElementSize);
    }

    readonly bool ICallOperands.OnDevice => false;

    readonly ScalarSlots ICallOperands.Scalars => _scalars;

    readonly CallShapes ICallOperands.Shapes(KernelBinding binding) => NpuLaunch.Shapes(binding, this);

    /// <summary>Packs each input into the plan's mapped buffers (each distinct block once) and syncs each input buffer once.</summary>
    readonly void ICallOperands.StageInputs(LaunchPlan plan)
    {
        var blocks = (BlockPlan)plan;
        var pack = Tracing.TraceSpan.Begin(blocks.Kernel.Device);
        blocks.Pack(this);
        pack.End("pack", "call");
        blocks.SyncInputs();
    }

    /// <summary>Syncs each output buffer once and unpacks the outputs (adding partials over K where the pattern splits it).</summary>
    readonly void ICallOperands.StageOutputs(LaunchPlan plan)
    {
        var blocks = (BlockPlan)plan;
        blocks.SyncOutputs();
        var unpack = Tracing.TraceSpan.Begin(blocks.Kernel.Device);
        blocks.Unpack(this);
        unpack.End("unpack", "call");
    }

    /// <summary>Adds an operand from raw bytes (the pinned memory of an asynchronous call).</summary>
    internal readonly NpuOperands WithRaw(Span<byte> data, OperandShape shape) => With(data, shape);

    /// <summary>Adds a scalar from its bits.</summary>
    internal readonly NpuOperands WithScalarBits(ulong bits) => WithScalar(bits);

    // One field type for inputs and outputs; the launch only ever reads an operand its shape marks as an input.
    private static Span<byte> Writable(ReadOnlySpan<byte> input) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(input), input.Length);

    private readonly NpuOperands With(Span<byte> data, OperandShape shape)
    {
        if (_count == MaxOperands) throw new ArgumentException($"A kernel call takes at most {MaxOperands} buffer operands.");
        var next = this;
        switch (_count)
        {
            case 0: next._d0 = data; next._s0 = shape; break;
            case 1: next._d1 = data; next._s1 = shape; break;
            case 2: next._d2 = data; next._s2 = shape; break;
            case 3: next._d3 = data; next._s3 = shape; break;
            case 4: next._d4 = data; next._s4 = shape; break;
            case 5: next._d5 = data; next._s5 = shape; break;
            case 6: next._d6 = data; next._s6 = shape; break;
            default: next._d7 = data; next._s7 = shape; break;
        }
        next._count++;
        return next;
    }

    private readonly NpuOperands WithScalar(ulong bits)
    {
        var next = this;
        next._scalars = _scalars.With(bits);
        return next;
    }
}

/// <summary>One operand's shape: rows, columns and stride in elements, the element size, and whether the method writes it.</summary>
internal readonly struct OperandShape(int rows, int cols, int stride, int elementSize, bool writable)
{
    public int Rows { get; } = rows;
    public int Cols { get; } = cols;
    public int Stride { get; } = stride;
    public int ElementSize { get; } = elementSize;
    public bool Writable { get; } = writable;

    /// <summary>Elements from the first row's start to the last row's end.</summary>
    public int Extent => Rows == 0 ? 0 : (Rows - 1) * Stride + Cols;

    /// <summary>An operand's shape (a vector is one row), once its bytes are known to fit the byte view the launch reads and writes.</summary>
    /// <exception cref="ArgumentException">It spans more than <see cref="int.MaxValue"/> bytes; ParamName is <paramref name="parameter"/>.</exception>
    public static OperandShape Of<T>(int rows, int cols, int stride, bool vector, bool writable, string? parameter) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        long extent = rows == 0 ? 0 : (long)(rows - 1) * stride + cols;
        // A span of bytes, which packing reads and unpacking writes, holds at most int.MaxValue of them.
        if (extent > int.MaxValue / size)
            throw new ArgumentException(
                $"{(parameter is null ? "An operand" : $"'{parameter}'")} is {(vector ? $"a vector of {cols}" : $"a {rows}x{cols} matrix with stride {stride}, {extent}")} " +
                $"{size}-byte elements: {(Int128)extent * size} bytes. One operand of a kernel call is limited to {int.MaxValue} bytes (2 GiB); split the call.", parameter);
        return new OperandShape(rows, cols, stride, size, writable);
    }
}
