using System.Globalization;

namespace NpuSdk.Backends.Xrt;

/// <summary>Turns a failed shim call into the SDK's exception, with the message from the shim's thread-local slot.</summary>
internal static class XrtErrors
{
    /// <summary>Throws unless <paramref name="status"/> is OK. Must run on the thread that made the call.</summary>
    internal static void Check(XrtStatus status, string operation)
    {
        if (status != XrtStatus.Ok) throw Translate(status, operation, XrtShim.LastErrorMessage());
    }

    // The formatting overloads describe the operation only on failure: hot calls (start, wait, sync)
    // must not allocate a message they almost never need.

    /// <summary>As <see cref="Check(XrtStatus, string)"/>, with the operation formatted from <paramref name="format"/> on failure.</summary>
    internal static void Check<T>(XrtStatus status, string format, T arg)
    {
        if (status != XrtStatus.Ok) throw Translate(status, string.Format(CultureInfo.InvariantCulture, format, arg), XrtShim.LastErrorMessage());
    }

    /// <summary>As <see cref="Check(XrtStatus, string)"/>, with the operation formatted from <paramref name="format"/> on failure.</summary>
    internal static void Check<T1, T2>(XrtStatus status, string format, T1 arg1, T2 arg2)
    {
        if (status != XrtStatus.Ok) throw Translate(status, string.Format(CultureInfo.InvariantCulture, format, arg1, arg2), XrtShim.LastErrorMessage());
    }

    /// <summary>As <see cref="Check(XrtStatus, string)"/>, with the operation formatted from <paramref name="format"/> on failure.</summary>
    internal static void Check<T1, T2, T3>(XrtStatus status, string format, T1 arg1, T2 arg2, T3 arg3)
    {
        if (status != XrtStatus.Ok)
            throw Translate(status, string.Format(CultureInfo.InvariantCulture, format, arg1, arg2, arg3), XrtShim.LastErrorMessage());
    }

    internal static NpuException Translate(XrtStatus status, string operation, string message) => status switch
    {
        XrtStatus.NoDevice => new NpuDeviceNotFoundException($"XRT could not {operation}: {message}"),
        XrtStatus.Unavailable => XrtUnavailable.DriverUnreachable(operation, message),
        XrtStatus.NoContext => ContextRefusal.FromDriver(operation, message),
        _ => new XrtException(operation, status, message),
    };

    /// <summary>
    /// A failed argument binding or group query, reported as the emulator reports it and carrying XRT's
    /// message. XRT versions differ in what they throw for a bad index (std::out_of_range in 2.13, its
    /// own error type later), so every failure here is a binding error.
    /// </summary>
    internal static void CheckBinding(XrtStatus status, string kernel, int argIndex)
    {
        if (status != XrtStatus.Ok)
            throw new NpuArgumentBindingException(kernel, argIndex, null, $"XRT rejected it: {XrtShim.LastErrorMessage()} ({status})");
    }
}
