namespace NpuSdk.Backends.Xrt;

/// <summary>A kernel (<c>xrt::kernel</c>).</summary>
internal sealed class XrtKernel(XrtContext context, string name, XrtKernelSafeHandle handle) : IKernelHandle, IMakesRunBatches
{
    internal XrtContext Context { get; } = context;
    internal string Name { get; } = name;
    internal XrtKernelSafeHandle Handle { get; } = handle;

    public int GroupId(int argIndex)
    {
        XrtErrors.CheckBinding(XrtShim.KernelGroupId(Handle, argIndex, out int group), Name, argIndex);
        return group;
    }

    public IRunHandle CreateRun()
    {
        XrtErrors.Check(XrtShim.RunCreate(Handle, out var run), $"create a run of kernel '{Name}'");
        return new XrtRun(this, run);
    }

    public IRunBatch CreateRunBatch(int count)
    {
        XrtErrors.Check(XrtShim.RunsCreate(Handle, checked((uint)count), out var runs), "create {0} runs of kernel '{1}'", count, Name);
        return new XrtRunBatch(this, runs, count);
    }

    public void Dispose() => Handle.Dispose();
}
