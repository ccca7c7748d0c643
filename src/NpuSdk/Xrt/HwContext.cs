using NpuSdk.Backends;
using NpuSdk.Xclbin;

namespace NpuSdk.Xrt;

/// <summary>
/// A hardware context on a registered xclbin (<c>xrt::hw_context</c>). The device allows only so many alive at once
/// (<see cref="Device.ContextBudget"/>, system-wide on hardware); one you open yourself counts against that budget until
/// you dispose it, and is never closed for you.
/// </summary>
public sealed class HwContext : IDisposable
{
    private IContextHandle? _handle;
    private readonly bool _handWritten;

    /// <summary>Creates a context on an xclbin already registered with <paramref name="device"/>.</summary>
    /// <exception cref="NpuContextBudgetException">
    /// The device's budget of contexts is used up by contexts that cannot be released now (yours, calls in flight, or
    /// other processes'); an idle context the SDK cached for generated methods is closed first to make room.
    /// </exception>
    public HwContext(Device device, XclbinUuid uuid) : this(device, uuid, null) { }

    /// <summary>A context the device's cache opens for generated methods, in a slot the cache reserved.</summary>
    internal HwContext(Device device, XclbinUuid uuid, ContextCache? cache)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        Xclbin = device.GetXclbin(uuid);
        _handWritten = cache is null;
        var span = Tracing.TraceSpan.Begin(device);
        _handle = device.Contexts.Create(this, uuid, _handWritten);
        span.End("open context", "context", text: Xclbin.SourceName ?? uuid.ToString());
        device.Counters.AddContext();
        device.Own(this);
    }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The xclbin this context runs.</summary>
    public XclbinFile Xclbin { get; }

    internal IContextHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(HwContext));

    /// <summary>True once the context was disposed (or closed by the device to make room for another).</summary>
    internal bool IsDisposed => Volatile.Read(ref _handle) is null;

    /// <summary>Releases the context. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        var span = Tracing.TraceSpan.Begin(Device);
        try
        {
            h.Dispose();
            span.End("close context", "context", text: Xclbin.SourceName);
        }
        finally
        {
            Device.Counters.AddContextClosed();
            Device.Contexts.Closed(this, _handWritten);
        }
    }
}
