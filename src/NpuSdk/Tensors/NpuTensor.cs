using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NpuSdk;

/// <summary>
/// What every <see cref="NpuTensor{T}"/> shares, whatever its element type: its shape, its session and its device
/// buffer. Kernel methods take the typed tensor; this type only lets the runtime hold tensors of different types.
/// </summary>
public abstract class NpuTensor : IDisposable
{
    /// <summary>Rows a 2-D tensor's buffer has room for, rounded up to this multiple, so that the zero-padded last
    /// block of a design of up to 512 rows per block lies inside it without growing it.</summary>
    internal const int RowAlignment = 512;
    /// <summary>The same for a 1-D tensor, in elements.</summary>
    internal const int LengthAlignment = 4096;

    private readonly List<(int BlockBytes, Bo[] Regions)> _regions = new(1);
    // Buffers replaced by a bigger one, kept until the tensor is disposed: a call in flight may still be bound to them.
    private readonly List<Bo> _retired = new();
    private readonly int _memoryGroup;
    private Bo? _buffer;

    private protected NpuTensor(NpuSession session, int rows, int cols, bool isVector, int elementSize, int memoryGroup)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
        Rows = rows;
        Cols = cols;
        IsVector = isVector;
        ElementSize = elementSize;
        // Named as NpuSession.CreateTensor names them: a vector's one dimension is its length.
        string colsName = isVector ? "length" : nameof(cols);
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"A {Shape} tensor: the rows must be positive.");
        if (cols <= 0) throw new ArgumentOutOfRangeException(colsName, cols, $"A {Shape} tensor: the {(isVector ? "length" : "columns")} must be positive.");
        long capacityElements = isVector
            ? RoundUp(cols, LengthAlignment)
            : RoundUp(rows, RowAlignment) * (long)cols;
        // Compared without multiplying: capacity times a large element size could pass long's range.
        if (capacityElements > int.MaxValue / elementSize)
            throw new ArgumentOutOfRangeException(isVector || cols > rows ? colsName : nameof(rows),
                $"A {Shape} tensor of {elementSize}-byte elements needs {(Int128)capacityElements * elementSize} bytes with its padding; one tensor is limited to {int.MaxValue}.");
        int bytes = (int)capacityElements * elementSize;
        CapacityBytes = bytes;
        _memoryGroup = memoryGroup;
        _buffer = new Bo(session.Device, (ulong)bytes, BoFlags.HostOnly, memoryGroup);
    }

    private static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The session the tensor belongs to; kernels of that session's device read and write it.</summary>
    public NpuSession Session { get; }

    /// <summary>Rows (1 for a vector).</summary>
    public int Rows { get; }

    /// <summary>Elements per row (the length of a vector).</summary>
    public int Cols { get; }

    /// <summary>Elements in the tensor.</summary>
    public int Length => Rows * Cols;

    /// <summary>True for a 1-D tensor.</summary>
    public bool IsVector { get; }

    /// <summary>
    /// The device buffer, for binding to runs of your own. Read and write it from the host only through
    /// <see cref="NpuTensor{T}.CopyFrom(ReadOnlySpan{T})"/>, <see cref="NpuTensor{T}.CopyTo(Span{T})"/> or the mapped
    /// views, which make the syncs: mapping it yourself skips them (analyzer NPU2006).
    /// </summary>
    public Bo Buffer => _buffer ?? throw new ObjectDisposedException(GetType().Name);

    /// <summary>The shape as text: <c>1500x512</c>, or <c>[2048]</c> for a vector.</summary>
    public string Shape => IsVector ? $"[{Cols}]" : $"{Rows}x{Cols}";

    internal int ElementSize { get; }
    internal int CapacityBytes { get; private set; }
    internal int Bytes => Length * ElementSize;

    /// <summary>
    /// Makes room for <paramref name="bytes"/> (a design whose padded blocks reach past the buffer): a bigger buffer
    /// takes the data, once, and the old one is kept until the tensor is disposed.
    /// </summary>
    internal void EnsureCapacity(long bytes)
    {
        lock (_regions)
        {
            if (bytes <= CapacityBytes) return;
            if (bytes > int.MaxValue)
                throw new ArgumentException($"A kernel needs {bytes} bytes of tensor {Shape} with its padded blocks; one tensor is limited to {int.MaxValue}.");
            var old = Buffer;
            var grown = new Bo(Session.Device, (ulong)bytes, BoFlags.HostOnly, _memoryGroup);
            old.Sync(SyncDirection.FromDevice, (ulong)Bytes, 0);
            old.Map().Slice(0, Bytes).CopyTo(grown.Map());
            grown.Sync(SyncDirection.ToDevice, (ulong)Bytes, 0);
            _retired.Add(old);
            foreach (var (_, regions) in _regions) _retired.AddRange(regions);
            _regions.Clear();
            _buffer = grown;
            CapacityBytes = (int)bytes;
        }
    }

    /// <summary>
    /// The buffer cut into consecutive regions of <paramref name="blockBytes"/> (the blocks of one plan), as many as
    /// fit, made once per block size and kept for later calls (until the buffer grows).
    /// </summary>
    internal Bo[] Regions(int blockBytes)
    {
        lock (_regions)
        {
            foreach (var (size, regions) in _regions)
                if (size == blockBytes) return regions;
            var buffer = Buffer;
            int fit = CapacityBytes / blockBytes;
            var made = new Bo[fit];
            try
            {
                for (int i = 0; i < fit; i++) made[i] = new Bo(buffer, (ulong)blockBytes, (ulong)i * (ulong)blockBytes);
            }
            catch
            {
                foreach (var r in made) r?.Dispose();
                throw;
            }
            _regions.Add((blockBytes, made));
            return made;
        }
    }

    /// <summary>Releases the device buffer. Kernel calls that use the tensor afterwards throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_regions)
        {
            foreach (var (_, regions) in _regions)
                foreach (var r in regions) r.Dispose();
            _regions.Clear();
            foreach (var bo in _retired) bo.Dispose();
            _retired.Clear();
            _buffer?.Dispose();
            _buffer = null;
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The shape and type, e.g. <c>NpuTensor&lt;BFloat16&gt; 1500x512</c>.</summary>
    public override string ToString() => $"{GetType().Name.Split('`')[0]}<{GetType().GetGenericArguments().FirstOrDefault()?.Name}> {Shape}";
}

/// <summary>
/// A matrix or vector that lives in device memory, owned by a session: a kernel call that takes tensors binds their
/// buffers directly, so one call's output tensor is the next call's input with no host copy and no sync, and weights
/// uploaded once stay resident. The host reaches the data only through <see cref="CopyFrom(ReadOnlySpan{T})"/>,
/// <see cref="CopyTo(Span{T})"/> and the mapped views, each of which makes the sync it needs.
/// </summary>
/// <remarks>
/// A kernel method accepts a tensor where every block of the operand is a run of whole rows of it (a design that takes
/// the operand's full width, such as IRON's whole-array GEMM on a matrix as wide as the design, a row-wise kernel or an
/// elementwise one, which takes any tensor whole, row-major). The buffer has room for the zero-padded last block of
/// a design of up to 512 rows (4,096 elements for a vector) and grows once, copying its data, for a design whose
/// padded blocks reach further; the padding holds whatever the last kernel wrote there and is never read back.
/// </remarks>
/// <typeparam name="T">The element type: the kernel's buffer type (sbyte, short, int, float, BFloat16, ...).</typeparam>
public sealed class NpuTensor<T> : NpuTensor where T : unmanaged
{
    internal NpuTensor(NpuSession session, int rows, int cols, bool isVector, int memoryGroup)
        : base(session, rows, cols, isVector, Unsafe.SizeOf<T>(), memoryGroup) { }

    /// <summary>Writes every element from <paramref name="source"/> (row-major, <see cref="NpuTensor.Length"/> long) and syncs them to the device.</summary>
    /// <exception cref="ArgumentException">The source length differs from the tensor's.</exception>
    public void CopyFrom(ReadOnlySpan<T> source)
    {
        if (source.Length != Length)
            throw new ArgumentException($"The tensor is {Shape} ({Length} elements); the source has {source.Length}.", nameof(source));
        source.CopyTo(Host());
        Buffer.Sync(SyncDirection.ToDevice, (ulong)Bytes, 0);
    }

    /// <summary>Writes every element from a matrix of the tensor's shape and syncs them to the device.</summary>
    /// <exception cref="ArgumentException">The source's shape differs from the tensor's.</exception>
    public void CopyFrom(ReadOnlySpan2D<T> source)
    {
        if (source.Rows != Rows || source.Cols != Cols)
            throw new ArgumentException($"The tensor is {Shape}; the source is {source.Rows}x{source.Cols}.", nameof(source));
        var host = Host();
        for (int r = 0; r < Rows; r++) source.GetRow(r).CopyTo(host.Slice(r * Cols, Cols));
        Buffer.Sync(SyncDirection.ToDevice, (ulong)Bytes, 0);
    }

    /// <summary>Syncs the tensor from the device and reads every element into <paramref name="destination"/> (row-major).</summary>
    /// <exception cref="ArgumentException">The destination length differs from the tensor's.</exception>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentException($"The tensor is {Shape} ({Length} elements); the destination has {destination.Length}.", nameof(destination));
        Buffer.Sync(SyncDirection.FromDevice, (ulong)Bytes, 0);
        Host().CopyTo(destination);
    }

    /// <summary>Syncs the tensor from the device and reads it into a matrix of its shape.</summary>
    /// <exception cref="ArgumentException">The destination's shape differs from the tensor's.</exception>
    public void CopyTo(Span2D<T> destination)
    {
        if (destination.Rows != Rows || destination.Cols != Cols)
            throw new ArgumentException($"The tensor is {Shape}; the destination is {destination.Rows}x{destination.Cols}.", nameof(destination));
        Buffer.Sync(SyncDirection.FromDevice, (ulong)Bytes, 0);
        var host = Host();
        for (int r = 0; r < Rows; r++) host.Slice(r * Cols, Cols).CopyTo(destination.GetRow(r));
    }

    /// <summary>Syncs the tensor from the device and maps it for reading on the host.</summary>
    public NpuTensorReadView<T> MapForRead()
    {
        Buffer.Sync(SyncDirection.FromDevice, (ulong)Bytes, 0);
        return new NpuTensorReadView<T>(Host(), Rows, Cols);
    }

    /// <summary>
    /// Maps the tensor for writing on the host; disposing the view syncs what was written to the device. The view
    /// starts with what the host last saw, not what kernels wrote since: use <see cref="MapForRead"/> to read.
    /// </summary>
    public NpuTensorWriteView<T> MapForWrite() => new(this, Host());

    internal Span<T> Host() => MemoryMarshal.Cast<byte, T>(Buffer.Map()).Slice(0, Length);
}

/// <summary>A tensor's data mapped for reading, after a sync from the device.</summary>
public readonly ref struct NpuTensorReadView<T> where T : unmanaged
{
    private readonly ReadOnlySpan<T> _data;
    private readonly int _rows, _cols;

    internal NpuTensorReadView(ReadOnlySpan<T> data, int rows, int cols)
    {
        _data = data;
        _rows = rows;
        _cols = cols;
    }

    /// <summary>The elements, row-major.</summary>
    public ReadOnlySpan<T> Span => _data;

    /// <summary>The elements as a matrix.</summary>
    public ReadOnlySpan2D<T> Matrix => new(_data, _rows, _cols);

    /// <summary>Nothing to release: present so the view reads the same as a write view in a <c>using</c>.</summary>
    public void Dispose() { }
}

/// <summary>A tensor's data mapped for writing; disposing the view syncs it to the device.</summary>
public ref struct NpuTensorWriteView<T> where T : unmanaged
{
    private NpuTensor<T>? _tensor;
    private readonly Span<T> _data;

    internal NpuTensorWriteView(NpuTensor<T> tensor, Span<T> data)
    {
        _tensor = tensor;
        _data = data;
    }

    /// <summary>The elements, row-major.</summary>
    public readonly Span<T> Span => _data;

    /// <summary>The elements as a matrix.</summary>
    public readonly Span2D<T> Matrix => _tensor is { } t ? new(_data, t.Rows, t.Cols) : default;

    /// <summary>Syncs what was written to the device (once).</summary>
    public void Dispose()
    {
        var t = _tensor;
        _tensor = null;
        t?.Buffer.Sync(SyncDirection.ToDevice, (ulong)t.Bytes, 0);
    }
}
