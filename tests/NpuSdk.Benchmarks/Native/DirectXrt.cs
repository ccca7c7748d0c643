using System.Runtime.InteropServices;

namespace NpuSdk.Benchmarks.Native;

/// <summary>The baseline library (native/bench/direct_runs.cpp): the same run loop written directly against XRT's C++ API.</summary>
internal static partial class DirectXrt
{
    private const string Library = "npusdk_xrt_direct_bench";

    [LibraryImport(Library, EntryPoint = "npusdk_direct_open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenCore(string xclbinPath, string kernelName, int dataBuffers);

    [LibraryImport(Library, EntryPoint = "npusdk_direct_last_error")]
    private static partial nint LastError();

    /// <summary>Starts and waits on one bound run <paramref name="count"/> times; returns how many completed.</summary>
    [LibraryImport(Library, EntryPoint = "npusdk_direct_start_wait")]
    public static partial int StartWait(nint state, int count);

    [LibraryImport(Library, EntryPoint = "npusdk_direct_close")]
    public static partial void Close(nint state);

    public static nint Open(string xclbinPath, string kernelName, int dataBuffers)
    {
        nint state = OpenCore(xclbinPath, kernelName, dataBuffers);
        return state != 0 ? state : throw new InvalidOperationException($"The direct XRT baseline could not open: {Marshal.PtrToStringUTF8(LastError())}");
    }
}
