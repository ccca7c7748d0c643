namespace NpuSdk.Backends.Xrt;

/// <summary>The shim's status codes (<c>npusdk_status</c> in native/include/npusdk_xrt.h).</summary>
public enum XrtStatus
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>A null handle or a value the shim rejects itself.</summary>
    InvalidArgument = 1,
    /// <summary>XRT threw; the message is XRT's.</summary>
    XrtError = 2,
    /// <summary>XRT works but has no device at that index.</summary>
    NoDevice = 3,
    /// <summary>XRT cannot reach any device (driver shim missing, <c>XILINX_XRT</c> unset).</summary>
    Unavailable = 4,
    /// <summary>An index, size or offset outside what the object has.</summary>
    OutOfRange = 5,
    /// <summary>A run list that is executing was changed or executed again.</summary>
    Busy = 6,
    /// <summary>A C++ exception that is not a <c>std::exception</c>.</summary>
    Internal = 7,
    /// <summary>The driver refused a hardware context: its budget of contexts alive at once is used up; the message is the driver's.</summary>
    NoContext = 8,
    /// <summary>The XRT or driver headers the shim was built against do not offer the query.</summary>
    Unsupported = 9,
}
