namespace NpuSdk.Xrt;

/// <summary>A kernel argument was bound wrongly or not at all; names the argument and why.</summary>
public sealed class NpuArgumentBindingException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public NpuArgumentBindingException(string kernel, int argIndex, string? argName, string reason)
        : base($"Kernel '{kernel}' argument {argIndex}{(argName is null ? "" : $" ('{argName}')")}: {reason}")
    {
        Kernel = kernel;
        ArgIndex = argIndex;
        ArgName = argName;
        Reason = reason;
    }

    /// <summary>The kernel name.</summary>
    public string Kernel { get; }
    /// <summary>The argument index.</summary>
    public int ArgIndex { get; }
    /// <summary>The argument name from the xclbin, when the index exists.</summary>
    public string? ArgName { get; }
    /// <summary>Why the binding is wrong.</summary>
    public string Reason { get; }
}
