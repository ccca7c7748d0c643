using NpuSdk.Emulation;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>Generated methods against plain C# references on the emulator, with the device's exact operation counts.</summary>
public sealed class EmulatorEndToEndTests
{
    private static (Device Device, NpuSession Session) Open()
    {
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    [Fact]
    public void MatMul512Int8EqualsReferenceWithOneSubmissionAndOneWait()
    {
        const int M = 512, K = 512, N = 512;
        var a = MatMulReference.Random(M * K, seed: 1);
        var b = MatMulReference.Random(K * N, seed: 2);
        var expected = MatMulReference.Saturated(MatMulReference.HostSums(a, b, M, K, N));
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new sbyte[M * N];
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
            Assert.Equal(expected, c);

            // A second call reuses the plan: exactly one sync per parent buffer, one submission, one wait, 32,768 runs.
            var before = Snapshot(device.Counters);
            Array.Clear(c);
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
            var delta = Snapshot(device.Counters) - before;
            Assert.Equal(expected, c);
            Assert.Equal(1, delta.SyncsToDevice);
            Assert.Equal(1, delta.SyncsFromDevice);
            Assert.Equal(1, delta.Submissions);
            Assert.Equal(1, delta.Waits);
            Assert.Equal(32 * 32 * 32, delta.Runs);
            Assert.Equal(0, delta.Buffers);
        }
    }

    [Fact]
    public void PerTileBaselineMakes32768WaitsAnd65536Syncs()
    {
        const int M = 512, K = 512, N = 512;
        var a = MatMulReference.Random(M * K, seed: 1);
        var b = MatMulReference.Random(K * N, seed: 2);
        using var device = Device.Open(new EmulatorBackend());
        using var baseline = new PerTileBaseline(device, AppContext.BaseDirectory);
        var c = new sbyte[M * N];
        var before = Snapshot(device.Counters);
        baseline.MatMul(a, b, c, M, K, N);
        var delta = Snapshot(device.Counters) - before;
        Assert.Equal(MatMulReference.Saturated(MatMulReference.HostSums(a, b, M, K, N)), c);
        Assert.Equal(32_768, delta.Waits);
        Assert.Equal(65_536, delta.SyncsToDevice + delta.SyncsFromDevice);
        Assert.Equal(32_768, delta.Submissions);
        Assert.Equal(32_768, delta.Runs);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(17, 33, 15)]
    [InlineData(500, 64, 48)]
    public void EdgeTilesArePaddedWithZeros(int m, int k, int n)
    {
        var a = MatMulReference.Random(m * k, seed: m);
        var b = MatMulReference.Random(k * n, seed: n);
        var sums = MatMulReference.HostSums(a, b, m, k, n);
        using var device = Device.Open(new EmulatorBackend());
        var c = new int[m * n];
        GeneratedKernels.MatMulWide(device, new ReadOnlySpan2D<sbyte>(a, m, k), new ReadOnlySpan2D<sbyte>(b, k, n), new Span2D<int>(c, m, n));
        Assert.Equal(sums, c);
    }

    [Fact]
    public void StridedViewsReadAndWriteOnlyTheirWindow()
    {
        const int M = 20, K = 24, N = 18, Pad = 5;
        var a = MatMulReference.Random(M * K, seed: 7);
        var b = MatMulReference.Random(K * N, seed: 8);
        var expected = MatMulReference.Saturated(MatMulReference.HostSums(a, b, M, K, N));
        // A inside a wider buffer; C written into a wider buffer whose margins must stay untouched.
        var wideA = new sbyte[M * (K + Pad)];
        for (int r = 0; r < M; r++) a.AsSpan(r * K, K).CopyTo(wideA.AsSpan(r * (K + Pad)));
        var wideC = Enumerable.Repeat((sbyte)99, M * (N + Pad)).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(wideA, M, K, K + Pad), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(wideC, M, N, N + Pad));
        for (int r = 0; r < M; r++)
        {
            Assert.Equal(expected.AsSpan(r * N, N).ToArray(), wideC.AsSpan(r * (N + Pad), N).ToArray());
            Assert.All(wideC.AsSpan(r * (N + Pad) + N, Pad).ToArray(), v => Assert.Equal(99, v));
        }
    }

    [Fact]
    public void MismatchedShapesThrowNamingTheParameter()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var a = new sbyte[4 * 8];
            var b = new sbyte[6 * 4];
            var c = new sbyte[4 * 4];
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMul(session,
                new ReadOnlySpan2D<sbyte>(a, 4, 8), new ReadOnlySpan2D<sbyte>(b, 6, 4), new Span2D<sbyte>(c, 4, 4)));
            Assert.Equal("b", e.ParamName);
            Assert.Contains("6x4", e.Message);
            Assert.Contains("4x8", e.Message);

            var e2 = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMul(session,
                new ReadOnlySpan2D<sbyte>(a, 4, 8), new ReadOnlySpan2D<sbyte>(new sbyte[8 * 4], 8, 4), new Span2D<sbyte>(new sbyte[3 * 4], 3, 4)));
            Assert.Equal("c", e2.ParamName);
            Assert.Equal(0, device.Counters.Runs);
        }
    }

    [Fact]
    public void SteadyStateCallsAllocateNothing()
    {
        const int M = 64, K = 64, N = 64;
        var a = MatMulReference.Random(M * K, seed: 3);
        var b = MatMulReference.Random(K * N, seed: 4);
        var c = new sbyte[M * N];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            // The first call builds the plan; a few more let one-time runtime work (type loading, tiering) settle.
            for (int warm = 0; warm < 3; warm++)
                GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
            long before = GC.GetAllocatedBytesForCurrentThread();
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void ConcurrentCallsGetTheirOwnPlansAndCorrectResults()
    {
        const int M = 48, K = 32, N = 40, Callers = 4, Calls = 5;
        var (device, session) = Open();
        using (device)
        using (session)
        {
            Parallel.For(0, Callers, new ParallelOptions { MaxDegreeOfParallelism = Callers }, caller =>
            {
                var a = MatMulReference.Random(M * K, seed: 100 + caller);
                var b = MatMulReference.Random(K * N, seed: 200 + caller);
                var expected = MatMulReference.Saturated(MatMulReference.HostSums(a, b, M, K, N));
                for (int call = 0; call < Calls; call++)
                {
                    var c = new sbyte[M * N];
                    GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(c, M, N));
                    Assert.Equal(expected, c);
                }
            });
            Assert.Equal(Callers * Calls, device.Counters.Waits);
        }
    }

    [Fact]
    public void ElementwiseAddPadsTheLastInvocation()
    {
        AddInt32Reference.EnsureRegistered();
        const int Length = 1000;  // 4 invocations of 256, the last one 232 long
        var x = Enumerable.Range(0, Length).ToArray();
        var y = Enumerable.Range(0, Length).Select(i => i * 3 - 7).ToArray();
        var sum = new int[Length];
        var (device, session) = Open();
        using (device)
        using (session)
        {
            GeneratedKernels.Add(session, x, y, sum);
            Assert.Equal(x.Zip(y, (p, q) => p + q), sum);
            Assert.Equal(4, device.Counters.Runs);
            Assert.Equal(1, device.Counters.Waits);
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.Add(session, x, y.AsSpan(1), sum));
            Assert.Equal("y", e.ParamName);
        }
    }

    [Fact]
    public void BFloat16MatMulWithSeparateBuffersAddsPartialsInFloat()
    {
        MatMulBf16Reference.EnsureRegistered();
        const int M = 40, K = 50, N = 24, T = MatMulBf16Reference.Tile;
        var rng = new Random(5);
        var a = Enumerable.Range(0, M * K).Select(_ => BFloat16.FromSingle((float)rng.NextDouble() * 4 - 2)).ToArray();
        var b = Enumerable.Range(0, K * N).Select(_ => BFloat16.FromSingle((float)rng.NextDouble() * 4 - 2)).ToArray();

        // The rule, from scratch: per zero-padded 16-wide K block a float sum rounded to bf16, blocks added in float.
        var expected = new float[M * N];
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float total = 0;
                for (int k0 = 0; k0 < K; k0 += T)
                {
                    float partial = 0;
                    for (int k = k0; k < k0 + T; k++)
                        partial += k < K ? a[i * K + k].ToSingle() * b[k * N + j].ToSingle() : 0f;
                    total += BFloat16.FromSingle(partial).ToSingle();
                }
                expected[i * N + j] = total;
            }

        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new float[M * N];
            GeneratedKernels.MatMulBf16(session, new ReadOnlySpan2D<BFloat16>(a, M, K), new ReadOnlySpan2D<BFloat16>(b, K, N), new Span2D<float>(c, M, N));
            Assert.Equal(expected, c);
            Assert.Equal(3 * 4 * 2, device.Counters.Runs);
            Assert.Equal(1 + 2, device.Counters.SyncsToDevice);   // the instruction buffer once, then the A and B parents
            Assert.Equal(1, device.Counters.SyncsFromDevice);
        }
    }

    private static CounterValues Snapshot(DeviceCounters c) =>
        new(c.Runs, c.Submissions, c.Waits, c.SyncsToDevice, c.SyncsFromDevice, c.BuffersAllocated + c.SubBuffersCreated);

    private readonly record struct CounterValues(long Runs, long Submissions, long Waits, long SyncsToDevice, long SyncsFromDevice, long Buffers)
    {
        public static CounterValues operator -(CounterValues x, CounterValues y) =>
            new(x.Runs - y.Runs, x.Submissions - y.Submissions, x.Waits - y.Waits, x.SyncsToDevice - y.SyncsToDevice, x.SyncsFromDevice - y.SyncsFromDevice, x.Buffers - y.Buffers);
    }
}
