using System.Runtime.InteropServices;
using NpuSdk.Backends;

namespace NpuSdk.Xrt;

/// <summary>
/// A buffer object (<c>xrt::bo</c>): device-reachable memory with a host view. Host writes reach the
/// device only after <see cref="Sync(SyncDirection)"/> to the device; kernel results reach the host only
/// after a sync from the device. A sub-buffer is a window on its parent's storage.
/// </summary>
public sealed class Bo : IDisposable
{
    private IBoHandle? _handle;

    /// <summary>Allocates <paramref name="size"/> bytes with <paramref name="flags"/> in memory group <paramref name="group"/>.</summary>
    public Bo(Device device, ulong size, BoFlags flags, int group)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (size == 0) throw new ArgumentOutOfRangeException(nameof(size), "A buffer object needs at least one byte.");
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        Device = device;
        Flags = flags;
        Group = group;
        var span = Tracing.TraceSpan.Begin(device);
        _handle = device.Handle.AllocateBo(size, flags, group);
        span.End("allocate buffer", "buffer", "bytes", (long)size, "group", group);
        device.Counters.AddBuffer(subBuffer: false);
        device.Own(this);
    }

    /// <summary>Creates a sub-buffer of <paramref name="size"/> bytes at <paramref name="offset"/> inside <paramref name="parent"/>.</summary>
    public Bo(Bo parent, ulong size, ulong offset)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (size == 0) throw new ArgumentOutOfRangeException(nameof(size), "A sub-buffer needs at least one byte.");
        if (offset > parent.Size || size > parent.Size - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"A sub-buffer of {size} bytes at offset {offset} does not fit in its parent of {parent.Size} bytes.");
        Device = parent.Device;
        Parent = parent;
        Flags = parent.Flags;
        Group = parent.Group;
        Offset = offset;
        _handle = parent.Handle.CreateSubBuffer(size, offset);
        Device.Counters.AddBuffer(subBuffer: true);
        Device.Own(this);
    }

    /// <summary>The device.</summary>
    public Device Device { get; }
    /// <summary>The parent buffer, for a sub-buffer.</summary>
    public Bo? Parent { get; }
    /// <summary>True for a sub-buffer.</summary>
    public bool IsSubBuffer => Parent is not null;
    /// <summary>Offset in the parent (0 for a top-level buffer).</summary>
    public ulong Offset { get; }
    /// <summary>The allocation flags.</summary>
    public BoFlags Flags { get; }
    /// <summary>The memory group.</summary>
    public int Group { get; }
    /// <summary>Size in bytes.</summary>
    public ulong Size => Handle.Size;
    /// <summary>Device address.</summary>
    public ulong Address => Handle.Address;

    internal IBoHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(Bo));

    /// <summary>The host view as bytes; valid while the buffer lives.</summary>
    public Span<byte> Map() => Handle.Map();

    /// <summary>The host view as elements of <typeparamref name="T"/> (trailing bytes that do not fill an element are left out).</summary>
    public Span<T> Map<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Handle.Map());

    /// <summary>Syncs the whole buffer in one direction.</summary>
    public void Sync(SyncDirection direction) => Sync(direction, Size, 0);

    /// <summary>Syncs <paramref name="size"/> bytes at <paramref name="offset"/> in one direction.</summary>
    public void Sync(SyncDirection direction, ulong size, ulong offset)
    {
        var h = Handle;
        if (offset > h.Size || size > h.Size - offset)
            throw new ArgumentOutOfRangeException(nameof(size), $"Sync of {size} bytes at offset {offset} is outside the buffer of {h.Size} bytes.");
        var span = Tracing.TraceSpan.Begin(Device);
        h.Sync(direction, size, offset);
        span.End(direction == SyncDirection.ToDevice ? "sync to device" : "sync from device", "sync", "bytes", (long)size);
        Device.Counters.AddSync(direction, size);
    }

    /// <summary>Copies <paramref name="source"/> into the host view at <paramref name="offset"/> (<c>bo.write</c>).</summary>
    public void Write(ReadOnlySpan<byte> source, ulong offset = 0)
    {
        var view = Handle.Map();
        if (offset > (ulong)view.Length || (ulong)source.Length > (ulong)view.Length - offset)
            throw new ArgumentOutOfRangeException(nameof(source), $"Writing {source.Length} bytes at offset {offset} overruns the buffer of {view.Length} bytes.");
        source.CopyTo(view[(int)offset..]);
    }

    /// <summary>Copies from the host view at <paramref name="offset"/> into <paramref name="destination"/> (<c>bo.read</c>).</summary>
    public void Read(Span<byte> destination, ulong offset = 0)
    {
        var view = Handle.Map();
        if (offset > (ulong)view.Length || (ulong)destination.Length > (ulong)view.Length - offset)
            throw new ArgumentOutOfRangeException(nameof(destination), $"Reading {destination.Length} bytes at offset {offset} overruns the buffer of {view.Length} bytes.");
        view.Slice((int)offset, destination.Length).CopyTo(destination);
    }

    /// <summary>Releases the buffer. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        Device.Counters.RemoveBuffer();
        h.Dispose();
    }
}
