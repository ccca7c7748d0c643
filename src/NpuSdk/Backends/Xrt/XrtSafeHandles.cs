using Microsoft.Win32.SafeHandles;

namespace NpuSdk.Backends.Xrt;

// One SafeHandle per shim handle type, so a handle is released exactly once, never while a call that
// uses it is in flight, and even when its owner is never disposed. XRT's objects are reference counted,
// so the release order between types does not matter.

/// <summary>An <c>npusdk_device*</c>.</summary>
internal sealed class XrtDeviceSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.DeviceRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_context*</c>.</summary>
internal sealed class XrtContextSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.ContextRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_kernel*</c>.</summary>
internal sealed class XrtKernelSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.KernelRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_bo*</c>.</summary>
internal sealed class XrtBoSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.BoRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_run*</c>.</summary>
internal sealed class XrtRunSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.RunRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_runlist*</c>.</summary>
internal sealed class XrtRunListSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.RunListRelease(handle) == XrtStatus.Ok;
}

/// <summary>An <c>npusdk_runs*</c>.</summary>
internal sealed class XrtRunsSafeHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => XrtShim.RunsRelease(handle) == XrtStatus.Ok;
}
