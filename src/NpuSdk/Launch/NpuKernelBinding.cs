using System.ComponentModel;

namespace NpuSdk.Launch;

/// <summary>
/// What the generator learned about one <see cref="NpuKernelAttribute"/> method at compile time: which
/// files and kernel to load and how many data buffers the kernel takes. Generated code holds one in a
/// static field; a session loads the kernel for it once and keys its launch plans by it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NpuKernelBinding
{
    /// <summary>Creates a binding.</summary>
    /// <param name="method">The method's name, for messages.</param>
    /// <param name="xclbinPath">The xclbin, relative to the application's directory (or absolute).</param>
    /// <param name="kernelName">The kernel's name in the xclbin.</param>
    /// <param name="instructionsPath">The instruction stream, relative to the application's directory (or absolute).</param>
    /// <param name="dataBufferCount">Buffer arguments besides the instruction buffer, in signature order.</param>
    /// <param name="timeoutMilliseconds">How long one call waits for its run list.</param>
    public NpuKernelBinding(string method, string xclbinPath, string kernelName, string instructionsPath, int dataBufferCount, int timeoutMilliseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(xclbinPath);
        ArgumentException.ThrowIfNullOrEmpty(kernelName);
        ArgumentException.ThrowIfNullOrEmpty(instructionsPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataBufferCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutMilliseconds);
        Method = method;
        XclbinPath = xclbinPath;
        KernelName = kernelName;
        InstructionsPath = instructionsPath;
        DataBufferCount = dataBufferCount;
        Timeout = TimeSpan.FromMilliseconds(timeoutMilliseconds);
    }

    /// <summary>The method's name, for messages.</summary>
    public string Method { get; }
    /// <summary>The xclbin path.</summary>
    public string XclbinPath { get; }
    /// <summary>The kernel's name.</summary>
    public string KernelName { get; }
    /// <summary>The instruction stream's path.</summary>
    public string InstructionsPath { get; }
    /// <summary>Buffer arguments besides the instruction buffer.</summary>
    public int DataBufferCount { get; }
    /// <summary>How long one call waits for its run list.</summary>
    public TimeSpan Timeout { get; }
}
