using NpuSdk.Xclbin;

namespace NpuSdk.Backends.Xrt;

/// <summary>An open XRT device (<c>xrt::device</c>).</summary>
internal sealed class XrtDevice(XrtBackend backend, XrtDeviceSafeHandle handle) : IDeviceHandle
{
    internal XrtBackend Backend { get; } = backend;
    internal XrtDeviceSafeHandle Handle { get; } = handle;

    public unsafe void RegisterXclbin(XclbinFile xclbin)
    {
        ArgumentNullException.ThrowIfNull(xclbin);
        byte[] image = xclbin.GetBytes();
        Span<byte> uuid = stackalloc byte[16];
        fixed (byte* data = image)
        fixed (byte* id = uuid)
        {
            XrtErrors.Check(XrtShim.DeviceRegisterXclbinData(Handle, data, (nuint)image.Length, id),
                $"register xclbin {xclbin.SourceName ?? xclbin.Uuid.ToString()}");
        }
        var registered = new XclbinUuid(uuid.ToArray());
        if (!registered.Equals(xclbin.Uuid))
            throw new NpuException($"XRT registered xclbin {xclbin.SourceName ?? "(in memory)"} as uuid {registered}, but its header says {xclbin.Uuid}.");
    }

    /// <summary>Lets XRT read and register the file itself; returns the uuid XRT reports.</summary>
    public unsafe XclbinUuid RegisterXclbinFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> uuid = stackalloc byte[16];
        fixed (byte* id = uuid)
        {
            XrtErrors.Check(XrtShim.DeviceRegisterXclbinFile(Handle, path, id), $"register xclbin file '{path}'");
        }
        return new XclbinUuid(uuid.ToArray());
    }

    public unsafe IContextHandle CreateHwContext(XclbinUuid uuid)
    {
        byte[] id = uuid.ToByteArray();
        fixed (byte* p = id)
        {
            XrtErrors.Check(XrtShim.ContextCreate(Handle, p, out var context), ContextRefusal.Operation(uuid));
            return new XrtContext(this, context);
        }
    }

    public IBoHandle AllocateBo(ulong size, BoFlags flags, int group)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        XrtErrors.Check(XrtShim.BoAlloc(Handle, size, (uint)flags, (uint)group, out var bo),
            $"allocate a {size}-byte buffer ({flags}) in memory group {group}");
        return new XrtBo(bo);
    }

    public void Dispose() => Handle.Dispose();
}
