namespace NpuSdk;

/// <summary>
/// How a refused <c>CREATE_HWCTX</c> reaches the program, in the same words from every backend: the xrt backend wraps the
/// message XRT's driver shim throws, and the emulator, refusing past its profile's budget, gives the driver's own text.
/// </summary>
internal static class ContextRefusal
{
    /// <summary>What amdxdna's shim says when the driver refuses a context past its <c>hwctx_limit</c>.</summary>
    internal const string DriverMessage = "DRM_IOCTL_AMDXDNA_CREATE_HWCTX IOCTL failed (err=-22): Invalid argument";

    /// <summary>The exception a backend throws when the driver refused to <paramref name="operation"/>.</summary>
    internal static NpuContextBudgetException FromDriver(string operation, string driverMessage) =>
        new($"XRT could not {operation}: {driverMessage}", null, []);

    /// <summary>The operation's words for a context on <paramref name="uuid"/>, shared so both backends say the same.</summary>
    internal static string Operation(Xclbin.XclbinUuid uuid) => $"create a hardware context on xclbin {uuid}";
}
