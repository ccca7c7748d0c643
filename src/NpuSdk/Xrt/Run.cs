using System.Buffers.Binary;
using NpuSdk.Backends;

namespace NpuSdk.Xrt;

/// <summary>
/// One kernel invocation with bound arguments (<c>xrt::run</c>). Bind once, start many times: arguments
/// stay bound between starts.
/// </summary>
public sealed class Run : IDisposable
{
    private IRunHandle? _handle;

    /// <summary>Creates a run of <paramref name="kernel"/> with no arguments bound.</summary>
    public Run(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        Kernel = kernel;
        _handle = kernel.Handle.CreateRun();
        kernel.Device.Own(this);
    }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The device.</summary>
    public Device Device => Kernel.Device;

    internal IRunHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(Run));

    /// <summary>Binds a buffer argument.</summary>
    public void SetArg(int index, Bo bo)
    {
        ArgumentNullException.ThrowIfNull(bo);
        Handle.SetBuffer(index, bo.Handle);
    }

    /// <summary>Binds an 8-byte scalar argument.</summary>
    public void SetArg(int index, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Handle.SetScalar(index, b);
    }

    /// <summary>Binds an 8-byte scalar argument.</summary>
    public void SetArg(int index, long value) => SetArg(index, unchecked((ulong)value));

    /// <summary>Binds a 4-byte scalar argument.</summary>
    public void SetArg(int index, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Handle.SetScalar(index, b);
    }

    /// <summary>Binds a 4-byte scalar argument.</summary>
    public void SetArg(int index, int value) => SetArg(index, unchecked((uint)value));

    /// <summary>Binds a 2-byte scalar argument.</summary>
    public void SetArg(int index, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Handle.SetScalar(index, b);
    }

    /// <summary>Binds a 1-byte scalar argument.</summary>
    public void SetArg(int index, byte value) => Handle.SetScalar(index, [value]);

    /// <summary>Binds a scalar from its raw little-endian bytes (1, 2, 4 or 8).</summary>
    public void SetArg(int index, ReadOnlySpan<byte> scalarBytes) => Handle.SetScalar(index, scalarBytes);

    /// <summary>Binds a boxed argument: a <see cref="Bo"/> or an integer scalar.</summary>
    public void SetArg(int index, object value)
    {
        switch (value)
        {
            case Bo bo: SetArg(index, bo); break;
            case ulong v: SetArg(index, v); break;
            case long v: SetArg(index, v); break;
            case uint v: SetArg(index, v); break;
            case int v: SetArg(index, v); break;
            case ushort v: SetArg(index, v); break;
            case short v: SetArg(index, unchecked((ushort)v)); break;
            case byte v: SetArg(index, v); break;
            case sbyte v: SetArg(index, unchecked((byte)v)); break;
            case null: throw new ArgumentNullException(nameof(value), $"Argument {index} of kernel '{Kernel.Name}' is null.");
            default: throw new ArgumentException($"Argument {index} of kernel '{Kernel.Name}' has type {value.GetType()}; pass a Bo or an integer scalar.", nameof(value));
        }
    }

    /// <summary>Starts the run (one submission).</summary>
    public void Start()
    {
        var span = Tracing.TraceSpan.Begin(Device);
        Handle.Start();
        span.End("start run", "submit");
        Device.Counters.AddSubmission();
        Device.Counters.AddRuns(1);
    }

    /// <summary>Waits up to <paramref name="timeout"/>; returns the state, which is <see cref="CommandState.Completed"/> on success.</summary>
    public CommandState Wait(TimeSpan timeout)
    {
        var span = Tracing.TraceSpan.Begin(Device);
        var state = Handle.Wait(timeout);
        span.End("wait run", "wait", "state", (long)state, text: state.Name());
        Device.Counters.AddWait();
        return state;
    }

    /// <summary>Waits with no time limit and returns the state.</summary>
    public CommandState Wait() => Wait(Timeout.InfiniteTimeSpan);

    /// <summary>The current state.</summary>
    public CommandState State => Handle.State;

    /// <summary>Aborts the run if it was started and has not finished (<c>run.abort()</c>); returns its state once the device is done with it.</summary>
    public CommandState Abort() => Handle.Abort();

    /// <summary>Why the run last failed, when the backend says more than its state (the emulator gives the reference kernel's exception), or null.</summary>
    public RunFailure? LastFailure => Handle.LastFailure;

    /// <summary>Releases the run. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        h.Dispose();
    }
}
