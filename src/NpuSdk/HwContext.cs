using NpuSdk.Backends;
using NpuSdk.Xclbin;

namespace NpuSdk;

/// <summary>A hardware context on a registered xclbin (<c>xrt::hw_context</c>).</summary>
public sealed class HwContext : IDisposable
{
    private IContextHandle? _handle;

    /// <summary>Creates a context on an xclbin already registered with <paramref name="device"/>.</summary>
    public HwContext(Device device, XclbinUuid uuid)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        Xclbin = device.GetXclbin(uuid);
        _handle = device.Handle.CreateHwContext(uuid);
        device.Counters.AddContext();
        device.Own(this);
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The xclbin this context runs.</summary>
    public XclbinFile Xclbin { get; }

    internal IContextHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(HwContext));

    /// <summary>Releases the context. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        h.Dispose();
    }
}
