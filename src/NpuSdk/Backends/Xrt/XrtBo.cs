namespace NpuSdk.Backends.Xrt;

/// <summary>A buffer object or sub-buffer (<c>xrt::bo</c>).</summary>
internal sealed class XrtBo : IBoHandle
{
    private nint _hostView;

    /// <summary>Wraps a buffer of <paramref name="size"/> bytes as XRT reports it.</summary>
    internal XrtBo(XrtBoSafeHandle handle, ulong size)
    {
        Handle = handle;
        Size = size;
    }

    internal XrtBoSafeHandle Handle { get; }

    public ulong Size { get; }

    public ulong Address
    {
        get
        {
            XrtErrors.Check(XrtShim.BoAddress(Handle, out ulong address), "read a buffer's device address");
            return address;
        }
    }

    public unsafe Span<byte> Map()
    {
        ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
        if (Size > int.MaxValue)
            throw new NpuException($"A buffer of {Size} bytes cannot be viewed as one span (at most {int.MaxValue} bytes); use sub-buffers.");
        if (_hostView == 0)
        {
            // XRT maps a buffer once and keeps the mapping for its lifetime, so the pointer is cached.
            XrtErrors.Check(XrtShim.BoMap(Handle, out nint view), "map a {0}-byte buffer", Size);
            _hostView = view;
        }
        return new Span<byte>((void*)_hostView, (int)Size);
    }

    public void Sync(SyncDirection direction, ulong size, ulong offset) =>
        XrtErrors.Check(XrtShim.BoSync(Handle, (int)direction, size, offset), "sync {0} bytes at offset {1} {2}", size, offset, direction);

    public IBoHandle CreateSubBuffer(ulong size, ulong offset)
    {
        // A plan makes one sub-buffer per slot, tens of thousands for a fine tiling: the message is formatted on failure only.
        XrtErrors.Check(XrtShim.BoAllocSub(Handle, size, offset, out var sub),
            "create a sub-buffer of {0} bytes at offset {1} in a buffer of {2} bytes", size, offset, Size);
        return new XrtBo(sub, size);
    }

    public void Dispose() => Handle.Dispose();
}
