namespace NpuSdk.Backends.Xrt;

/// <summary>A run (<c>xrt::run</c>).</summary>
internal sealed class XrtRun(XrtKernel kernel, XrtRunSafeHandle handle) : IRunHandle
{
    internal XrtKernel Kernel { get; } = kernel;
    internal XrtRunSafeHandle Handle { get; } = handle;

    public unsafe void SetScalar(int argIndex, ReadOnlySpan<byte> value)
    {
        CheckScalar(Kernel, argIndex, value);
        fixed (byte* p = value)
        {
            XrtErrors.CheckBinding(XrtShim.RunSetScalar(Handle, argIndex, p, (nuint)value.Length), Kernel.Name, argIndex);
        }
    }

    /// <summary>A scalar argument is 1, 2, 4 or 8 bytes, as XRT's <c>set_arg</c> takes it; a run and a run set refuse alike.</summary>
    internal static void CheckScalar(XrtKernel kernel, int argIndex, ReadOnlySpan<byte> value)
    {
        if (value.Length is not (1 or 2 or 4 or 8))
            throw new NpuArgumentBindingException(kernel.Name, argIndex, null, $"a scalar has 1, 2, 4 or 8 bytes, not {value.Length}.");
    }

    public void SetBuffer(int argIndex, IBoHandle bo)
    {
        if (bo is not XrtBo xbo)
            throw new NpuArgumentBindingException(Kernel.Name, argIndex, null, "the buffer object belongs to another backend.");
        XrtErrors.CheckBinding(XrtShim.RunSetBo(Handle, argIndex, xbo.Handle), Kernel.Name, argIndex);
    }

    public void Start() => XrtErrors.Check(XrtShim.RunStart(Handle), "start a run of kernel '{0}'", Kernel.Name);

    public CommandState Wait(TimeSpan timeout)
    {
        uint ms = XrtShim.TimeoutMilliseconds(timeout);
        XrtErrors.Check(XrtShim.RunWait(Handle, ms, out int state), "wait on a run of kernel '{0}'", Kernel.Name);
        return (CommandState)state;
    }

    public CommandState State
    {
        get
        {
            XrtErrors.Check(XrtShim.RunState(Handle, out int state), "read the state of a run of kernel '{0}'", Kernel.Name);
            return (CommandState)state;
        }
    }

    public CommandState Abort()
    {
        XrtErrors.Check(XrtShim.RunAbort(Handle, out int state), "abort a run of kernel '{0}'", Kernel.Name);
        return (CommandState)state;
    }

    /// <summary>XRT reports a run's failure only as its state.</summary>
    public RunFailure? LastFailure => null;

    public void Dispose() => Handle.Dispose();
}
