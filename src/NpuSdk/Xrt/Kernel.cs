using NpuSdk.Backends;
using NpuSdk.Xclbin;

namespace NpuSdk.Xrt;

/// <summary>A kernel in a hardware context (<c>xrt::kernel</c>).</summary>
public sealed class Kernel : IDisposable
{
    private IKernelHandle? _handle;

    /// <summary>Opens the kernel <paramref name="name"/> of the context's xclbin.</summary>
    public Kernel(HwContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        Context = context;
        Name = name;
        Signature = context.Xclbin.FindKernel(name);
        _handle = context.Handle.OpenKernel(name);
        context.Device.Own(this);
    }

    /// <summary>The context.</summary>
    public HwContext Context { get; }

    /// <summary>The device.</summary>
    public Device Device => Context.Device;

    /// <summary>The kernel's name.</summary>
    public string Name { get; }

    /// <summary>The kernel's arguments as the xclbin declares them, when its metadata lists the kernel.</summary>
    public XclbinKernel? Signature { get; }

    internal IKernelHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(Kernel));

    /// <summary>The memory group to allocate a buffer for argument <paramref name="argIndex"/> in (<c>kernel.group_id</c>).</summary>
    public int GroupId(int argIndex) => Handle.GroupId(argIndex);

    /// <summary>Creates a run with no arguments bound.</summary>
    public Run CreateRun() => new(this);

    /// <summary>
    /// Binds <paramref name="args"/> in order (buffers as <see cref="Bo"/>, scalars as integers) and starts a
    /// run, like calling an <c>xrt::kernel</c>. Convenient for one-off launches; launch plans bind runs once instead.
    /// </summary>
    public Run Start(params object[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var run = new Run(this);
        try
        {
            for (int i = 0; i < args.Length; i++) run.SetArg(i, args[i]);
            run.Start();
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Releases the kernel. Safe to call twice.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref _handle, null);
        if (h is null) return;
        Device.Release(this);
        h.Dispose();
    }
}
