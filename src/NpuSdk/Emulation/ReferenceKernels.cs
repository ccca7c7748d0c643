using System.Collections.Concurrent;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>The arithmetic class of a kernel's work, for the latency model's compute charge.</summary>
public enum ComputePrecision
{
    /// <summary>int8 multiply-accumulates.</summary>
    Int8,
    /// <summary>bf16 multiply-accumulates.</summary>
    BFloat16,
}

/// <summary>
/// What the emulator runs for one kernel invocation: reads the device views of the input buffers, writes
/// the device views of the outputs. Must be thread-safe and allocation-free per invocation.
/// </summary>
public interface IReferenceKernel
{
    /// <summary>Multiply-accumulates one invocation performs (for the latency model).</summary>
    long MacsPerInvocation { get; }

    /// <summary>The precision of those multiply-accumulates.</summary>
    ComputePrecision Precision { get; }

    /// <summary>Computes one invocation.</summary>
    void Execute(in ReferenceInvocation invocation);
}

/// <summary>The bound arguments of one invocation, as the device sees them.</summary>
public readonly ref struct ReferenceInvocation
{
    private readonly EmulatorRun _run;

    internal ReferenceInvocation(EmulatorRun run) => _run = run;

    /// <summary>The kernel's signature from the xclbin.</summary>
    public XclbinKernel Signature => _run.Signature;

    /// <summary>The device view of buffer argument <paramref name="argIndex"/>.</summary>
    public Span<byte> Buffer(int argIndex) => _run.DeviceView(argIndex);

    /// <summary>The device view of the buffer argument named <paramref name="name"/> (e.g. <c>bo0</c>).</summary>
    public Span<byte> Buffer(string name) => _run.DeviceView(_run.ArgIndex(name));

    /// <summary>The value of scalar argument <paramref name="argIndex"/>, zero-extended.</summary>
    public ulong Scalar(int argIndex) => _run.ScalarValue(argIndex);
}

/// <summary>Reference implementations keyed by xclbin uuid and kernel name.</summary>
public sealed class ReferenceKernelRegistry
{
    private readonly ConcurrentDictionary<(XclbinUuid, string), IReferenceKernel> _kernels = new();

    /// <summary>The registry the default emulator uses; the built-in kernels are registered in it.</summary>
    public static ReferenceKernelRegistry Default { get; } = CreateWithBuiltIns();

    /// <summary>Registers (or replaces) the implementation of <paramref name="kernelName"/> in the xclbin <paramref name="uuid"/>.</summary>
    public void Register(XclbinUuid uuid, string kernelName, IReferenceKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernelName);
        ArgumentNullException.ThrowIfNull(kernel);
        _kernels[(uuid, kernelName)] = kernel;
    }

    /// <summary>Finds the implementation registered for a kernel.</summary>
    public bool TryGet(XclbinUuid uuid, string kernelName, out IReferenceKernel kernel) =>
        _kernels.TryGetValue((uuid, kernelName), out kernel!);

    private static ReferenceKernelRegistry CreateWithBuiltIns()
    {
        var r = new ReferenceKernelRegistry();
        Kernels.BuiltInKernels.RegisterAll(r);
        return r;
    }
}

/// <summary>An emulation xclbin together with the reference implementation registered for it.</summary>
public sealed class EmulationKernel
{
    private readonly byte[] _xclbin;
    private readonly uint[] _instructions;

    internal EmulationKernel(string fileName, XclbinSpec spec, IReferenceKernel reference, uint[] instructions)
    {
        _xclbin = XclbinWriter.Write(spec);
        Xclbin = XclbinFile.Read(_xclbin, fileName);
        FileName = fileName;
        KernelName = spec.KernelName;
        Reference = reference;
        _instructions = instructions;
    }

    /// <summary>The file name the xclbin is published under, e.g. <c>matmul_16x16_int8.xclbin</c>.</summary>
    public string FileName { get; }

    /// <summary>The parsed xclbin.</summary>
    public XclbinFile Xclbin { get; }
    /// <summary>Its uuid.</summary>
    public XclbinUuid Uuid => Xclbin.Uuid;
    /// <summary>The kernel name.</summary>
    public string KernelName { get; }
    /// <summary>The reference implementation.</summary>
    public IReferenceKernel Reference { get; }
    /// <summary>A placeholder instruction stream for the emulator (non-empty, as the validation requires).</summary>
    public ReadOnlySpan<uint> Instructions => _instructions;

    /// <summary>The xclbin image.</summary>
    public byte[] GetXclbinBytes() => (byte[])_xclbin.Clone();
}
