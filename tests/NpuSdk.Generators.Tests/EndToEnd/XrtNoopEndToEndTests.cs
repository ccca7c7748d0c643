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

    [NoopXrtFact]
    public void GeneratedAttentionBindsOneKeyAndValueBufferToEveryRun()
    {
        const int Queries = 100, Keys = 1500, Dim = 512;   // two query blocks of 64
        using var device = Device.Open(NoopXrt.Backend());
        using var session = new NpuSession(device);
        var q = new BFloat16[Queries * Dim];
        var kv = new BFloat16[Keys * Dim];
        var o = new BFloat16[Queries * Dim];
        for (int call = 0; call < 2; call++)
            GeneratedKernels.Attention(session, new ReadOnlySpan2D<BFloat16>(q, Queries, Dim), new ReadOnlySpan2D<BFloat16>(kv, Keys, Dim),
                new ReadOnlySpan2D<BFloat16>(kv, Keys, Dim), new Span2D<BFloat16>(o, Queries, Dim));

        Assert.Equal(2 * 2, device.Counters.Runs);
        Assert.Equal(2, device.Counters.Waits);
        Assert.Equal(1 + 2 * 3, device.Counters.SyncsToDevice);   // instructions once, then Q, K and V once per call
        Assert.Equal(2, device.Counters.SyncsFromDevice);
        Assert.Equal(1 + 4, device.Counters.BuffersAllocated);     // instructions and one parent per data buffer, built once
        Assert.Equal(2 * 2, device.Counters.SubBuffersCreated);    // Q and O per query block; K and V are bound whole
    }

    [NoopXrtFact]
    public void TheWholeArrayGemmLaunchesOneRunPerCallWithItsUnusedBuffersLeftUnbound()
    {
        const int N = 512;
        using var device = Device.Open(NoopXrt.Backend());
        using var session = new NpuSession(device);
        var a = new short[N * N];
        var c = new int[N * N];
        for (int call = 0; call < 2; call++)
            IronDesigns.Gemm(session, new ReadOnlySpan2D<short>(a, N, N), new ReadOnlySpan2D<short>(a, N, N), new Span2D<int>(c, N, N));

        Assert.Equal(2, device.Counters.Runs);
        Assert.Equal(2, device.Counters.Submissions);
        Assert.Equal(2, device.Counters.Waits);
        Assert.Equal(1 + 2 * 2, device.Counters.SyncsToDevice);   // the transaction stream once, then A and B per call
        Assert.Equal(2, device.Counters.SyncsFromDevice);
        Assert.Equal(1 + 3, device.Counters.BuffersAllocated);     // instructions and A, B, C: bo3 and bo4 get nothing
        Assert.Equal(0, device.Counters.SubBuffersCreated);        // one block each: the runs take the parents whole
    }

    [NoopXrtFact]
    public void A_1500_row_call_on_a_256_row_design_is_six_runs()
    {
        const int M = 1500, K = 512, N = 512;
        using var device = Device.Open(NoopXrt.Backend());
        using var session = new NpuSession(device);
        var a = new short[M * K];
        var b = new short[K * N];
        var c = new int[M * N];
        IronDesigns.Gemm256Rows(session, new ReadOnlySpan2D<short>(a, M, K), new ReadOnlySpan2D<short>(b, K, N), new Span2D<int>(c, M, N));
        Assert.Equal(6, device.Counters.Runs);
        Assert.Equal(1, device.Counters.Submissions);
        Assert.Equal(1, device.Counters.Waits);
    }

    [NoopXrtFact]
    public void Gemv_and_vector_add_launch_on_the_xrt_backend()
    {
        using var device = Device.Open(NoopXrt.Backend());
        using var session = new NpuSession(device);
        IronDesigns.Gemv(session, new ReadOnlySpan2D<short>(new short[288 * 288], 288, 288), new short[288], new int[288]);
        IronDesigns.Add(session, new int[3000], new int[3000], new int[3000]);
        Assert.Equal(1 + 3, device.Counters.Runs);
        Assert.Equal(2, device.Counters.Waits);
    }
}
