using NpuSdk.Native.Tests;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The same generated methods on the xrt backend, against XRT's no-op device (Debian's XRT 2.13): it loads
/// the xclbin, allocates parent and sub-buffers, syncs and completes runs, but computes nothing, so these
/// tests check the launch itself, not the numbers.
/// </summary>
[Trait("Tier", "Native")]
public sealed class XrtNoopEndToEndTests
{
    [NoopXrtFact]
    public void GeneratedMatMulLaunchesUnchangedOnTheXrtBackend()
    {
        const int M = 40, K = 48, N = 36;   // 3 x 3 x 3 blocks of 16
        using var device = Device.Open(NoopXrt.Backend());
        using var session = new NpuSession(device);
        var a = new sbyte[M * K];
        var b = new sbyte[K * N];
        var c = new sbyte[M * N];
        for (int call = 0; call < 2; call++)
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));

        Assert.Equal("xrt", device.BackendName);
        Assert.Equal(2 * 27, device.Counters.Runs);
        Assert.Equal(2, device.Counters.Submissions);
        Assert.Equal(2, device.Counters.Waits);
        Assert.Equal(1 + 2, device.Counters.SyncsToDevice);    // instructions once, then one input parent per call
        Assert.Equal(2, device.Counters.SyncsFromDevice);
        Assert.Equal(3, device.Counters.BuffersAllocated);      // instructions, input parent, output parent: built once
        Assert.Equal(2 * 27, device.Counters.SubBuffersCreated);
    }
}
