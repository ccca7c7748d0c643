using NpuSdk.Backends;

namespace NpuSdk.Emulation;

/// <summary>One allocation: the host's copy and the device's copy, joined only by syncs.</summary>
internal sealed class BoStorage
{
    public BoStorage(EmulatorDevice device, int size, BoFlags flags, int group)
    {
        Device = device;
        Host = new byte[size];
        DeviceView = new byte[size];
        Flags = flags;
        Group = group;
        Address = device.ReserveAddress((ulong)size);
    }

    public EmulatorDevice Device { get; }
    public byte[] Host { get; }
    public byte[] DeviceView { get; }
    public BoFlags Flags { get; }
    public int Group { get; }
    public ulong Address { get; }
}

/// <summary>A buffer object or sub-buffer: a window [offset, offset+size) on a storage.</summary>
internal sealed class EmulatorBo(BoStorage storage, int offset, int size) : IBoHandle
{
    private bool _disposed;

    public BoStorage Storage { get; } = storage;
    public int Offset { get; } = offset;
    public int Length { get; } = size;

    public ulong Size => (ulong)Length;
    public ulong Address => Storage.Address + (ulong)Offset;

    public Span<byte> Map()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Storage.Host.AsSpan(Offset, Length);
    }

    public Span<byte> DeviceSpan() => Storage.DeviceView.AsSpan(Offset, Length);

    public void Sync(SyncDirection direction, ulong size, ulong offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset > Size || size > Size - offset)
            throw new NpuException($"Sync of {size} bytes at offset {offset} is outside the buffer of {Size} bytes.");
        int start = Offset + (int)offset;
        int count = (int)size;
        if (direction == SyncDirection.ToDevice)
            Storage.Host.AsSpan(start, count).CopyTo(Storage.DeviceView.AsSpan(start, count));
        else
            Storage.DeviceView.AsSpan(start, count).CopyTo(Storage.Host.AsSpan(start, count));
        Storage.Device.Timeline?.Sync(size, direction);
    }

    public IBoHandle CreateSubBuffer(ulong size, ulong offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offset > Size || size > Size - offset)
            throw new NpuException($"A sub-buffer of {size} bytes at offset {offset} does not fit in its parent of {Size} bytes.");
        return new EmulatorBo(Storage, Offset + (int)offset, (int)size);
    }

    public void Dispose() => _disposed = true;
}
