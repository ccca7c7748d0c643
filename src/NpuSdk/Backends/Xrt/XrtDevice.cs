using NpuSdk.Xclbin;

namespace NpuSdk.Backends.Xrt;

/// <summary>An open XRT device (<c>xrt::device</c>).</summary>
internal sealed class XrtDevice(XrtBackend backend, XrtDeviceSafeHandle handle) : IDeviceHandle
{
    internal XrtBackend Backend { get; } = backend;
    internal XrtDeviceSafeHandle Handle { get; } = handle;

    /// <summary>The name XRT reports for the device (<c>xrt::info::device::name</c>), or null when XRT does not say.</summary>
    public unsafe string? DeviceName
    {
        get
        {
            if (XrtShim.DeviceName(Handle, null, 0, out nuint length) != XrtStatus.Ok) return null;
            var bytes = new byte[(int)length + 1];
            fixed (byte* p = bytes)
            {
                if (XrtShim.DeviceName(Handle, p, (nuint)bytes.Length, out _) != XrtStatus.Ok) return null;
            }
            return System.Text.Encoding.UTF8.GetString(bytes, 0, (int)length);
        }
    }

    /// <summary>The driver's live context budget (<c>npu_task_max</c>), where the shim can ask the driver; else null.</summary>
    public int? ContextLimit => XrtShim.DeviceContextBudget(Handle, out uint limit, out _) == XrtStatus.Ok && limit > 0 ? (int)limit : null;

    /// <summary>The contexts alive on the device, every process's (<c>npu_task_curr</c>), where the shim can ask the driver; else null.</summary>
    public int? ContextsInUse => XrtShim.DeviceContextBudget(Handle, out _, out uint inUse) == XrtStatus.Ok ? (int)inUse : null;

    public unsafe void RegisterXclbin(XclbinFile xclbin)
    {
        ArgumentNullException.ThrowIfNull(xclbin);
        RefuseStandIn(xclbin, XrtShim.EmulationMode());
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

    /// <summary>
    /// Refuses an NpuSdk emulation stand-in (no device program) on an NPU, at once and saying what to build instead. XRT's
    /// emulated devices (<c>XCL_EMULATION_MODE</c> set: the no-op device runs nothing) take it, for testing the XRT path.
    /// </summary>
    /// <exception cref="NpuException">The file is a stand-in and XRT drives a real device.</exception>
    internal static void RefuseStandIn(XclbinFile xclbin, string? xrtEmulationMode)
    {
        if (xclbin.EmulationStandIn is not { } note || !string.IsNullOrEmpty(xrtEmulationMode)) return;
        string name = xclbin.SourceName ?? xclbin.Uuid.ToString();
        string mirrors = note.Length > 0 ? $" To run it on the NPU, build the real design ({note}) and put its xclbin and instruction file in place of these"
            : " To run it on the NPU, build the design with mlir-aie and put its xclbin and instruction file in place of these";
        throw new NpuException($"'{name}' is an NpuSdk emulation stand-in (written by `npu emulation-xclbin`: the kernel ABI of an mlir-aie build, but no device program and a stand-in instruction stream), which only the emulator runs; it was not handed to the NPU.{mirrors} (docs/kernels.md), or run on the emulator with {NpuBackends.EnvironmentVariable}=emulator.");
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
            "allocate a {0}-byte buffer ({1}) in memory group {2}", size, flags, group);
        XrtErrors.Check(XrtShim.BoSize(bo, out ulong allocated), "read a buffer's size");
        return new XrtBo(bo, allocated);
    }

    public void Dispose() => Handle.Dispose();
}
