namespace NpuSdk.Backends.Xrt;

/// <summary>A hardware context (<c>xrt::hw_context</c>, or the device and xclbin uuid on XRT before 2.14).</summary>
internal sealed class XrtContext(XrtDevice device, XrtContextSafeHandle handle) : IContextHandle
{
    internal XrtDevice Device { get; } = device;
    internal XrtContextSafeHandle Handle { get; } = handle;

    public IKernelHandle OpenKernel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        XrtErrors.Check(XrtShim.KernelOpen(Handle, name, out var kernel), $"open kernel '{name}'");
        return new XrtKernel(this, name, kernel);
    }

    public IRunListHandle CreateRunList()
    {
        XrtErrors.Check(XrtShim.RunListCreate(Handle, (uint)Device.Backend.RunListWindow, out var list), "create a run list");
        return new XrtRunList(this, list);
    }

    public void Dispose() => Handle.Dispose();
}
