namespace NpuSdk.Backends.Xrt;

/// <summary>An XRT call failed; <see cref="XrtMessage"/> is the text XRT (or the shim) gave.</summary>
public sealed class XrtException : NpuException
{
    /// <summary>Creates the exception.</summary>
    public XrtException(string operation, XrtStatus status, string xrtMessage)
        : base($"XRT could not {operation}: {xrtMessage} ({status}).")
    {
        Operation = operation;
        Status = status;
        XrtMessage = xrtMessage;
    }

    /// <summary>What the SDK asked XRT to do.</summary>
    public string Operation { get; }

    /// <summary>The shim's status code.</summary>
    public XrtStatus Status { get; }

    /// <summary>XRT's own message.</summary>
    public string XrtMessage { get; }
}
