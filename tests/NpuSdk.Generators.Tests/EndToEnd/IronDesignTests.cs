using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// IRON-shaped designs bound through [NpuKernel] and run on the emulator from their manifests: every result against plain
/// scalar C# of the manifest's rule, and the runs, syncs and waits one call makes.
/// </summary>
public sealed class IronDesignTests
{
    private static (Device Device, NpuSession Session) Open()
    {
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    internal static short[] Int16(int count, int seed, int limit = short.MaxValue)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (short)rng.Next(-limit - 1, limit + 1)).ToArray();
    }

    /// <summary>C = A·B with sums in 64 bits saturated to int32, per <paramref name="kBlock"/> columns of K, blocks added in int32.</summary>
    internal static int[] Gemm(short[] a, short[] b, int m, int k, int n, int kBlock)
    {
        var c = new int[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int total = 0;
                for (int k0 = 0; k0 < k; k0 += kBlock)
                {
                    long sum = 0;
                    for (int t = k0; t < Math.Min(k, k0 + kBlock); t++) sum += a[i * k + t] * b[t * n + j];
                    total = unchecked(total + (int)Math.Clamp(sum, int.MinValue, int.MaxValue));
                }
                c[i * n + j] = total;
            }
        return c;
    }

    [Fact]
    public void A_512_cube_call_on_the_whole_array_design_is_one_run_and_exact_including_saturation()
    {
        const int N = 512;
        // Full-range int16 values: a 512-term sum reaches past int32, which the design's rule saturates.
        var a = Int16(N * N, 1);
        var b = Int16(N * N, 2);
        var expected = Gemm(a, b, N, N, N, kBlock: N);
        Assert.Contains(expected, v => v == int.MaxValue || v == int.MinValue);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[N * N];
            IronDesigns.Gemm(session, new ReadOnlySpan2D<short>(a, N, N), new ReadOnlySpan2D<short>(b, N, N), new Span2D<int>(c, N, N));
            Assert.Equal(expected, c);
            Assert.Equal(1, device.Counters.Runs);
            Assert.Equal(1, device.Counters.Submissions);
            Assert.Equal(1, device.Counters.Waits);
            Assert.Equal(1 + 2, device.Counters.SyncsToDevice);   // the instruction stream once, then A and B
            Assert.Equal(1, device.Counters.SyncsFromDevice);
        }
    }

    [Fact]
    public void More_rows_than_the_design_are_one_run_per_row_block_the_last_padded()
    {
        const int M = 1500, K = 512, N = 512;   // 6 blocks of 256 rows
        var a = Int16(M * K, 3, limit: 100);
        var b = Int16(K * N, 4, limit: 100);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[M * N];
            IronDesigns.Gemm256Rows(session, new ReadOnlySpan2D<short>(a, M, K), new ReadOnlySpan2D<short>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(Gemm(a, b, M, K, N, kBlock: K), c);
            Assert.Equal(6, device.Counters.Runs);
            Assert.Equal(1, device.Counters.Waits);
        }
    }

    [Fact]
    public void A_longer_K_is_added_on_the_host_and_a_wider_N_is_more_runs()
    {
        const int M = 300, K = 1000, N = 600;   // 2 x 2 x 2 invocations of the 256-cube design, every edge padded
        var a = Int16(M * K, 5, limit: 3000);
        var b = Int16(K * N, 6, limit: 3000);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[M * N];
            IronDesigns.SingleCore(session, new ReadOnlySpan2D<short>(a, M, K), new ReadOnlySpan2D<short>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(Gemm(a, b, M, K, N, kBlock: 256), c);
            Assert.Equal(2 * 4 * 3, device.Counters.Runs);
        }
    }

    [Fact]
    public void The_single_core_design_at_its_own_shape_is_one_run()
    {
        const int N = 256;
        var a = Int16(N * N, 7);
        var b = Int16(N * N, 8);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[N * N];
            IronDesigns.SingleCore(session, new ReadOnlySpan2D<short>(a, N, N), new ReadOnlySpan2D<short>(b, N, N), new Span2D<int>(c, N, N));
            Assert.Equal(Gemm(a, b, N, N, N, kBlock: N), c);
            Assert.Equal(1, device.Counters.Runs);
        }
    }

    [Fact]
    public void Gemv_is_one_run_per_block_of_rows_and_exact()
    {
        const int M = 600, K = 288;   // 3 blocks of 288 rows
        var a = Int16(M * K, 9);
        var b = Int16(K, 10);
        var expected = Gemm(a, b, M, K, 1, kBlock: K);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[M];
            IronDesigns.Gemv(session, new ReadOnlySpan2D<short>(a, M, K), b, c);
            Assert.Equal(expected, c);
            Assert.Equal(3, device.Counters.Runs);
            var e = Assert.Throws<ArgumentException>(() => IronDesigns.Gemv(session, new ReadOnlySpan2D<short>(a, M, K), b.AsSpan(1), c));
            Assert.Equal("b", e.ParamName);
        }
    }

    [Fact]
    public void Vector_add_wraps_as_its_rule_says_and_pads_the_last_chunk()
    {
        const int Length = 2500;   // 3 invocations of 1024
        var rng = new Random(11);
        var x = Enumerable.Range(0, Length).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var y = Enumerable.Range(0, Length).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var z = new int[Length];
            IronDesigns.Add(session, x, y, z);
            Assert.Equal(x.Zip(y, (p, q) => unchecked(p + q)), z);
            Assert.Equal(3, device.Counters.Runs);
        }
    }

    [Fact]
    public void A_scratch_buffer_is_allocated_once_bound_to_every_run_and_never_synced()
    {
        const int Length = 3000;   // 3 invocations
        var x = Enumerable.Range(0, Length).ToArray();
        var y = Enumerable.Range(0, Length).Select(i => 5 * i).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var z = new int[Length];
            IronDesigns.AddWithScratch(session, x, y, z);
            Assert.Equal(x.Zip(y, (p, q) => p + q), z);
            Assert.Equal(3, device.Counters.Runs);
            Assert.Equal(1 + 2, device.Counters.SyncsToDevice);    // instructions, x, y: the scratch buffer is never synced
            Assert.Equal(1, device.Counters.SyncsFromDevice);
            Assert.Equal(1 + 4, device.Counters.BuffersAllocated); // instructions, x, y, one scratch region, z
        }
    }

    [Fact]
    public void A_manifest_that_packs_B_before_A_gets_the_right_product()
    {
        const int M = 40, K = 48, N = 24;
        var rng = new Random(12);
        var a = Enumerable.Range(0, M * K).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var b = Enumerable.Range(0, K * N).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        var expected = MatMulReference.HostSums(a, b, M, K, N);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var c = new int[M * N];
            IronDesigns.PackedBA(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<int>(c, M, N));
            Assert.Equal(expected, c);
        }
    }

    [Fact]
    public void A_users_own_design_runs_with_its_scalar_bound_from_the_method_parameter()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "scale_int32.xclbin");
        var registry = new ReferenceKernelRegistry();
        registry.Register(path, "MLIR_AIE", new ScaleReference());
        using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Registry = registry }));
        using var session = new NpuSession(device);
        var x = Enumerable.Range(-300, 600).ToArray();
        var y = new int[x.Length];
        IronDesigns.Scale(session, x, y, 3);
        Assert.Equal(x.Select(v => v * 3), y);
        IronDesigns.Scale(session, x, y, -7);   // the plan is reused and its runs rebound to the new value
        Assert.Equal(x.Select(v => v * -7), y);
        Assert.Equal(1, session.PlansBuilt);
    }

    [Fact]
    public void A_renamed_design_still_finds_the_reference_registered_for_its_file()
    {
        // The reference is keyed by the uuid inside the file, read when it is registered, not by the file's name.
        string original = Path.Combine(AppContext.BaseDirectory, "add_int32.xclbin");
        string renamed = Path.Combine(Path.GetTempPath(), $"renamed-{Guid.NewGuid():N}.xclbin");
        File.Copy(original, renamed);
        try
        {
            var registry = new ReferenceKernelRegistry();
            registry.Register(original, "MLIR_AIE", new AddInt32Reference());
            using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Registry = registry }));
            using var context = new HwContext(device, device.RegisterXclbin(renamed));
            using var kernel = new Kernel(context, "MLIR_AIE");
            using var instr = new Bo(device, 32, BoFlags.Cacheable, kernel.GroupId(1));
            instr.Map<uint>().Fill(1);
            instr.Sync(SyncDirection.ToDevice);
            using var x = new Bo(device, 1024, BoFlags.HostOnly, kernel.GroupId(3));
            using var y = new Bo(device, 1024, BoFlags.HostOnly, kernel.GroupId(4));
            using var sum = new Bo(device, 1024, BoFlags.HostOnly, kernel.GroupId(5));
            x.Map<int>().Fill(40);
            y.Map<int>().Fill(2);
            x.Sync(SyncDirection.ToDevice);
            y.Sync(SyncDirection.ToDevice);
            using var run = kernel.Start(3UL, instr, 8u, x, y, sum);
            run.Wait(TimeSpan.FromSeconds(10)).ThrowIfNotCompleted();
            sum.Sync(SyncDirection.FromDevice);
            Assert.All(sum.Map<int>().ToArray(), v => Assert.Equal(42, v));
        }
        finally
        {
            File.Delete(renamed);
        }
    }

    /// <summary>The user's own operation: y = x * factor, the factor read from the run's scalar argument.</summary>
    private sealed class ScaleReference : IReferenceKernel
    {
        public long MacsPerInvocation => 256;
        public ComputePrecision Precision => ComputePrecision.Int32;

        public void Execute(in ReferenceInvocation invocation)
        {
            int factor = (int)(uint)invocation.Scalar("factor");
            var x = MemoryMarshal.Cast<byte, int>(invocation.Buffer("bo0"));
            var y = MemoryMarshal.Cast<byte, int>(invocation.Buffer("bo1"));
            for (int i = 0; i < 256; i++) y[i] = x[i] * factor;
        }
    }
}
