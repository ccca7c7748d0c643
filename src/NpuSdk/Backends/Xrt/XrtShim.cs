using System.Runtime.InteropServices;

namespace NpuSdk.Backends.Xrt;

/// <summary>The C ABI of libnpusdk_xrt (native/include/npusdk_xrt.h), one declaration per exported function.</summary>
internal static partial class XrtShim
{
    /// <summary>The shim's name as the loader probes it (libnpusdk_xrt.so beside this assembly).</summary>
    internal const string Library = "npusdk_xrt";

    /// <summary>The ABI version these declarations match (NPUSDK_ABI_VERSION).</summary>
    internal const uint AbiVersion = 4;

    [LibraryImport(Library, EntryPoint = "npusdk_abi_version")]
    internal static partial uint GetAbiVersion();

    [LibraryImport(Library, EntryPoint = "npusdk_capabilities")]
    internal static partial XrtStatus Capabilities(out uint capabilities, out uint xrtVersionCode);

    [LibraryImport(Library, EntryPoint = "npusdk_xrt_emulation_mode")]
    internal static unsafe partial XrtStatus XrtEmulationMode(byte* mode, nuint capacity, out nuint length);

    [LibraryImport(Library, EntryPoint = "npusdk_last_error")]
    internal static partial nint LastError();

    [LibraryImport(Library, EntryPoint = "npusdk_device_open")]
    internal static partial XrtStatus DeviceOpen(uint index, out XrtDeviceSafeHandle device);

    [LibraryImport(Library, EntryPoint = "npusdk_device_release")]
    internal static partial XrtStatus DeviceRelease(nint device);

    [LibraryImport(Library, EntryPoint = "npusdk_device_register_xclbin_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial XrtStatus DeviceRegisterXclbinFile(XrtDeviceSafeHandle device, string path, byte* uuid);

    [LibraryImport(Library, EntryPoint = "npusdk_device_register_xclbin_data")]
    internal static unsafe partial XrtStatus DeviceRegisterXclbinData(XrtDeviceSafeHandle device, byte* data, nuint size, byte* uuid);

    [LibraryImport(Library, EntryPoint = "npusdk_device_name")]
    internal static unsafe partial XrtStatus DeviceName(XrtDeviceSafeHandle device, byte* name, nuint capacity, out nuint length);

    [LibraryImport(Library, EntryPoint = "npusdk_device_context_budget")]
    internal static partial XrtStatus DeviceContextBudget(XrtDeviceSafeHandle device, out uint limit, out uint inUse);

    [LibraryImport(Library, EntryPoint = "npusdk_context_create")]
    internal static unsafe partial XrtStatus ContextCreate(XrtDeviceSafeHandle device, byte* uuid, out XrtContextSafeHandle context);

    [LibraryImport(Library, EntryPoint = "npusdk_context_release")]
    internal static partial XrtStatus ContextRelease(nint context);

    [LibraryImport(Library, EntryPoint = "npusdk_kernel_open", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial XrtStatus KernelOpen(XrtContextSafeHandle context, string name, out XrtKernelSafeHandle kernel);

    [LibraryImport(Library, EntryPoint = "npusdk_kernel_group_id")]
    internal static partial XrtStatus KernelGroupId(XrtKernelSafeHandle kernel, int argIndex, out int groupId);

    [LibraryImport(Library, EntryPoint = "npusdk_kernel_release")]
    internal static partial XrtStatus KernelRelease(nint kernel);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_alloc")]
    internal static partial XrtStatus BoAlloc(XrtDeviceSafeHandle device, ulong size, uint flags, uint group, out XrtBoSafeHandle bo);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_alloc_sub")]
    internal static partial XrtStatus BoAllocSub(XrtBoSafeHandle parent, ulong size, ulong offset, out XrtBoSafeHandle bo);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_map")]
    internal static partial XrtStatus BoMap(XrtBoSafeHandle bo, out nint hostView);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_sync")]
    internal static partial XrtStatus BoSync(XrtBoSafeHandle bo, int direction, ulong size, ulong offset);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_address")]
    internal static partial XrtStatus BoAddress(XrtBoSafeHandle bo, out ulong address);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_size")]
    internal static partial XrtStatus BoSize(XrtBoSafeHandle bo, out ulong size);

    [LibraryImport(Library, EntryPoint = "npusdk_bo_release")]
    internal static partial XrtStatus BoRelease(nint bo);

    [LibraryImport(Library, EntryPoint = "npusdk_run_create")]
    internal static partial XrtStatus RunCreate(XrtKernelSafeHandle kernel, out XrtRunSafeHandle run);

    [LibraryImport(Library, EntryPoint = "npusdk_run_set_scalar")]
    internal static unsafe partial XrtStatus RunSetScalar(XrtRunSafeHandle run, int argIndex, byte* value, nuint size);

    [LibraryImport(Library, EntryPoint = "npusdk_run_set_bo")]
    internal static partial XrtStatus RunSetBo(XrtRunSafeHandle run, int argIndex, XrtBoSafeHandle bo);

    [LibraryImport(Library, EntryPoint = "npusdk_run_start")]
    internal static partial XrtStatus RunStart(XrtRunSafeHandle run);

    [LibraryImport(Library, EntryPoint = "npusdk_run_wait")]
    internal static partial XrtStatus RunWait(XrtRunSafeHandle run, uint timeoutMs, out int state);

    [LibraryImport(Library, EntryPoint = "npusdk_run_state")]
    internal static partial XrtStatus RunState(XrtRunSafeHandle run, out int state);

    [LibraryImport(Library, EntryPoint = "npusdk_run_abort")]
    internal static partial XrtStatus RunAbort(XrtRunSafeHandle run, out int state);

    [LibraryImport(Library, EntryPoint = "npusdk_run_release")]
    internal static partial XrtStatus RunRelease(nint run);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_create")]
    internal static partial XrtStatus RunsCreate(XrtKernelSafeHandle kernel, uint count, out XrtRunsSafeHandle runs);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_set_scalar")]
    internal static unsafe partial XrtStatus RunsSetScalar(XrtRunsSafeHandle runs, int argIndex, byte* value, nuint size);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_set_bo")]
    internal static partial XrtStatus RunsSetBo(XrtRunsSafeHandle runs, int argIndex, XrtBoSafeHandle bo);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_set_slots")]
    internal static unsafe partial XrtStatus RunsSetSlots(XrtRunsSafeHandle runs, int argIndex, XrtBoSafeHandle parent, ulong slotBytes, uint slotCount, int* slotOfRun);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_set_bos")]
    internal static unsafe partial XrtStatus RunsSetBos(XrtRunsSafeHandle runs, int argIndex, nint* bos, uint boCount, int* boOfRun);

    [LibraryImport(Library, EntryPoint = "npusdk_runs_release")]
    internal static partial XrtStatus RunsRelease(nint runs);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_add_runs")]
    internal static partial XrtStatus RunListAddRuns(XrtRunListSafeHandle list, XrtRunsSafeHandle runs);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_create")]
    internal static partial XrtStatus RunListCreate(XrtContextSafeHandle context, uint window, out XrtRunListSafeHandle list);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_add")]
    internal static partial XrtStatus RunListAdd(XrtRunListSafeHandle list, XrtRunSafeHandle run);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_execute")]
    internal static partial XrtStatus RunListExecute(XrtRunListSafeHandle list);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_wait")]
    internal static partial XrtStatus RunListWait(XrtRunListSafeHandle list, uint timeoutMs, out int state);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_reset")]
    internal static partial XrtStatus RunListReset(XrtRunListSafeHandle list);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_abort")]
    internal static partial XrtStatus RunListAbort(XrtRunListSafeHandle list);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_failed_index")]
    internal static partial XrtStatus RunListFailedIndex(XrtRunListSafeHandle list, out int index);

    [LibraryImport(Library, EntryPoint = "npusdk_runlist_release")]
    internal static partial XrtStatus RunListRelease(nint list);

    /// <summary><c>XCL_EMULATION_MODE</c> as XRT sees it (the process's environment, which a managed copy may not show), or null when unset.</summary>
    internal static unsafe string? EmulationMode()
    {
        if (XrtEmulationMode(null, 0, out nuint length) != XrtStatus.Ok || length == 0) return null;
        var bytes = new byte[(int)length + 1];
        fixed (byte* p = bytes)
        {
            if (XrtEmulationMode(p, (nuint)bytes.Length, out _) != XrtStatus.Ok) return null;
        }
        return System.Text.Encoding.UTF8.GetString(bytes, 0, (int)length);
    }

    /// <summary>The message the last failing call on this thread left in the shim's slot.</summary>
    internal static string LastErrorMessage() => Marshal.PtrToStringUTF8(LastError()) ?? "";

    /// <summary>XRT's convention: 0 waits without limit; a finite wait is at least 1 ms.</summary>
    internal static uint TimeoutMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan) return 0;
        if (timeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A wait timeout is positive or Timeout.InfiniteTimeSpan.");
        double ms = Math.Ceiling(timeout.TotalMilliseconds);
        return ms < 1 ? 1u : ms >= uint.MaxValue ? uint.MaxValue : (uint)ms;
    }
}
