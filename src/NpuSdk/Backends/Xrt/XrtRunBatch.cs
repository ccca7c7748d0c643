namespace NpuSdk.Backends.Xrt;

/// <summary>A plan's runs as one shim set (<c>npusdk_runs</c>): made, bound and added to a run list one call at a time.</summary>
internal sealed class XrtRunBatch(XrtKernel kernel, XrtRunsSafeHandle handle, int count) : IRunBatch
{
    public int Count { get; } = count;

    public unsafe void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        XrtRun.CheckScalar(kernel, argIndex, value);
        fixed (byte* p = value)
        {
            XrtErrors.CheckBinding(XrtShim.RunsSetScalar(handle, argIndex, p, (nuint)value.Length), kernel.Name, argIndex);
        }
    }

    public void SetBuffer(int argIndex, IBoHandle bo) =>
        XrtErrors.CheckBinding(XrtShim.RunsSetBo(handle, argIndex, Own(bo, argIndex).Handle), kernel.Name, argIndex);

    public unsafe void SetSlots(int argIndex, IBoHandle parent, ulong slotBytes, int slotCount, ReadOnlySpan<int> slotOfRun)
    {
        RunBatches.CheckSlots(Count, parent, slotBytes, slotCount, slotOfRun);
        fixed (int* slots = slotOfRun)
        {
            XrtErrors.CheckBinding(XrtShim.RunsSetSlots(handle, argIndex, Own(parent, argIndex).Handle, slotBytes, checked((uint)slotCount), slots), kernel.Name, argIndex);
        }
    }

    public unsafe void SetBuffers(int argIndex, ReadOnlySpan<IBoHandle> buffers, ReadOnlySpan<int> bufferOfRun)
    {
        RunBatches.CheckTable(Count, bufferOfRun, buffers.Length, "buffer");
        // Each buffer's handle is held (DangerousAddRef) for the call, so none is released while the shim binds it.
        var pointers = new nint[buffers.Length];
        var held = new XrtBoSafeHandle?[buffers.Length];
        try
        {
            for (int b = 0; b < buffers.Length; b++)
            {
                var h = Own(buffers[b], argIndex).Handle;
                bool added = false;
                h.DangerousAddRef(ref added);
                if (added) held[b] = h;
                pointers[b] = h.DangerousGetHandle();
            }
            fixed (nint* bos = pointers)
            fixed (int* which = bufferOfRun)
            {
                XrtErrors.CheckBinding(XrtShim.RunsSetBos(handle, argIndex, bos, (uint)buffers.Length, which), kernel.Name, argIndex);
            }
        }
        finally
        {
            foreach (var h in held) h?.DangerousRelease();
        }
    }

    public void AddTo(IRunListHandle list)
    {
        if (list is not XrtRunList xlist || xlist.Context != kernel.Context)
            throw new NpuException("A run list only takes runs of kernels in its own hardware context.");
        XrtErrors.Check(XrtShim.RunListAddRuns(xlist.Handle, handle), "add {0} runs of kernel '{1}' to a run list", Count, kernel.Name);
    }

    private XrtBo Own(IBoHandle bo, int argIndex) => bo as XrtBo
        ?? throw new NpuArgumentBindingException(kernel.Name, argIndex, null, "the buffer object belongs to another backend.");

    public void Dispose() => handle.Dispose();
}
