using System.Collections.Concurrent;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The failure path of generated calls on the asynchronous emulator: every fault ends in a typed exception, the plan
/// whose runs may still execute is discarded (never pooled), nothing stays allocated, and the next call is exact.
/// </summary>
public sealed class LaunchFailureTests
{
    private const int Length = 1000;   // 4 invocations of 256

    private static readonly int[] s_x = Enumerable.Range(0, Length).ToArray();
    private static readonly int[] s_y = Enumerable.Range(0, Length).Select(i => 5 * i - 3).ToArray();
    private static readonly int[] s_sum = s_x.Zip(s_y, (p, q) => p + q).ToArray();

    private static (Device Device, NpuSession Session) Open(EmulatorFaults? faults = null, ReferenceKernelRegistry? registry = null)
    {
        AddInt32Reference.EnsureRegistered();
        var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Faults = faults, Registry = registry ?? ReferenceKernelRegistry.Default }));
        // No idle plans: after every call the device holds only what the loaded kernel holds, so a leak is visible.
        return (device, new NpuSession(device) { MaxIdlePlans = 0 });
    }

    private static void AddExactly(NpuSession session, bool shortTimeout = false)
    {
        var sum = new int[Length];
        if (shortTimeout) GeneratedKernels.AddWithShortTimeout(session, s_x, s_y, sum);
        else GeneratedKernels.Add(session, s_x, s_y, sum);
        Assert.Equal(s_sum, sum);
    }

    [Fact]
    public void A_call_whose_run_never_completes_times_out_discards_its_plan_and_the_next_call_is_exact()
    {
        var faults = new EmulatorFaults();
        var (device, session) = Open(faults);
        using (device)
        using (session)
        {
            AddExactly(session, shortTimeout: true);
            long baseline = device.Counters.LiveBuffers;

            faults.Inject(EmulatorFaultKind.NeverComplete, kernelName: "MLIR_AIE", invocation: 1);
            var e = Assert.Throws<NpuTimeoutException>(() => AddExactly(session, shortTimeout: true));
            Assert.Equal("MLIR_AIE", e.Kernel);
            Assert.Contains("aborted", e.Message);
            Assert.Equal(1, session.PlansDiscarded);
            Assert.Equal(0, session.IdlePlans);
            Assert.Equal(baseline, device.Counters.LiveBuffers);

            AddExactly(session, shortTimeout: true);
            Assert.Equal(baseline, device.Counters.LiveBuffers);
            Assert.Equal(3, session.PlansBuilt);   // the discarded plan was never handed out again
        }
    }

    [Theory]
    [InlineData(EmulatorFaultKind.Error, CommandState.Error)]
    [InlineData(EmulatorFaultKind.Abort, CommandState.Abort)]
    [InlineData(EmulatorFaultKind.Throw, CommandState.Error)]
    public void A_failed_run_names_the_kernel_state_and_invocation_and_the_next_call_is_exact(EmulatorFaultKind kind, CommandState state)
    {
        var faults = new EmulatorFaults();
        var (device, session) = Open(faults);
        using (device)
        using (session)
        {
            AddExactly(session);
            long baseline = device.Counters.LiveBuffers;

            faults.Inject(kind, invocation: 2);
            var e = Assert.Throws<NpuCommandFailedException>(() => AddExactly(session));
            Assert.Equal("MLIR_AIE", e.Kernel);
            Assert.Equal(state, e.State);
            Assert.Equal(2, e.Invocation);
            Assert.Contains("invocation 2", e.Message);
            Assert.Equal(kind == EmulatorFaultKind.Throw, e.InnerException is EmulatorInjectedFaultException);
            Assert.Equal(1, session.PlansDiscarded);
            Assert.Equal(baseline, device.Counters.LiveBuffers);

            AddExactly(session);
            Assert.Equal(baseline, device.Counters.LiveBuffers);
        }
    }

    [Theory]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(Exception))]
    [InlineData(typeof(IndexOutOfRangeException))]
    public void Any_exception_out_of_a_reference_kernel_becomes_a_command_failure_with_it_inside(Type thrown)
    {
        var xclbin = XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, "add_int32.xclbin"));
        var registry = new ReferenceKernelRegistry();
        var reference = new FailingOnce((Exception)Activator.CreateInstance(thrown, "a bug in the reference")!, failAt: 3);
        registry.Register(xclbin.Uuid, "MLIR_AIE", reference);
        var (device, session) = Open(registry: registry);
        using (device)
        using (session)
        {
            var e = Assert.Throws<NpuCommandFailedException>(() => AddExactly(session));
            Assert.IsType(thrown, e.InnerException);
            Assert.Equal(3, e.Invocation);
            Assert.Contains("a bug in the reference", e.Message);
            // What the device side said of the failed run travels with the typed exception, apart from the state.
            Assert.Contains("a bug in the reference", e.DeviceReport);
            AddExactly(session);
        }
    }

    [Fact]
    public void Calls_whose_shapes_need_the_same_block_counts_share_one_plan()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            session.MaxIdlePlans = 4;
            foreach (int length in new[] { 3000, 2999, 2817 })   // 12 invocations of 256 each
            {
                var x = Enumerable.Range(0, length).ToArray();
                var sum = new int[length];
                GeneratedKernels.Add(session, x, x, sum);
                Assert.Equal(x.Select(v => 2 * v), sum);
            }
            Assert.Equal(1, session.PlansBuilt);
            Assert.Equal(2, session.PlanHits);
        }
    }

    [Fact]
    public void The_pool_keeps_at_most_its_cap_and_releases_the_least_recently_used_plan()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            session.MaxIdlePlans = 2;
            void Call(int length) => GeneratedKernels.Add(session, new int[length], new int[length], new int[length]);
            Call(256); Call(512); Call(768);       // three plans: the one for 256 is the oldest
            Assert.Equal(2, session.IdlePlans);
            Assert.Equal(1, session.PlansEvicted);
            Call(768); Call(512);                   // both still pooled
            Assert.Equal(3, session.PlansBuilt);
            Call(256);                              // evicted before, built again
            Assert.Equal(4, session.PlansBuilt);
            session.MaxIdlePlans = 0;
            Assert.Equal(0, session.IdlePlans);
        }
    }

    [Fact]
    public void Sixteen_threads_of_mixed_shapes_are_exact_with_live_buffers_bounded_by_the_cap()
    {
        const int Threads = 16, CallsPerThread = 250, MaxIdle = 8;
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var (mmA, mmB) = (MatMulReference.Random(40 * 24, seed: 9), MatMulReference.Random(24 * 56, seed: 10));
            var mmExpected = MatMulReference.Saturated(MatMulReference.HostSums(mmA, mmB, 40, 24, 56));
            // Both kernels loaded, no plan kept (the cap is 0): what the session holds for itself.
            AddExactly(session);
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(mmA, 40, 24), new ReadOnlySpan2D<sbyte>(mmB, 24, 56), new Span2D<sbyte>(new sbyte[40 * 56], 40, 56));
            long kernelsAndNothingElse = device.Counters.LiveBuffers;
            // The biggest plan the mix can need, measured alone (with the probe's own kernel): the bound on one plan.
            long biggestPlan;
            using (var probe = new NpuSession(device) { MaxIdlePlans = 1 })
            {
                GeneratedKernels.Add(probe, new int[40 * 256], new int[40 * 256], new int[40 * 256]);
                biggestPlan = device.Counters.LiveBuffers - kernelsAndNothingElse;
            }
            Assert.Equal(kernelsAndNothingElse, device.Counters.LiveBuffers);
            session.MaxIdlePlans = MaxIdle;
            long peak = 0, bad = 0;
            using var stop = new CancellationTokenSource();
            var sampler = new Thread(() =>
            {
                while (!stop.IsCancellationRequested) { peak = Math.Max(peak, device.Counters.LiveBuffers); Thread.Yield(); }
            });
            sampler.Start();
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                var rng = new Random(t);
                for (int call = 0; call < CallsPerThread; call++)
                {
                    if (call % 5 == 4)
                    {
                        var c = new sbyte[40 * 56];
                        GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(mmA, 40, 24), new ReadOnlySpan2D<sbyte>(mmB, 24, 56), new Span2D<sbyte>(c, 40, 56));
                        if (!c.AsSpan().SequenceEqual(mmExpected)) Interlocked.Increment(ref bad);
                        continue;
                    }
                    int length = rng.Next(1, 40 * 256 + 1);   // up to 40 distinct block counts
                    var x = new int[length];
                    for (int i = 0; i < length; i++) x[i] = rng.Next();
                    var sum = new int[length];
                    GeneratedKernels.Add(session, x, x, sum);
                    for (int i = 0; i < length; i++) if (sum[i] != unchecked(2 * x[i])) { Interlocked.Increment(ref bad); break; }
                }
            });
            stop.Cancel();
            sampler.Join();
            Assert.Equal(0, bad);
            Assert.True(session.PlansBuilt > MaxIdle, $"the mix must need more plans than the cap ({session.PlansBuilt} built)");
            Assert.True(session.PlansEvicted > 0);
            Assert.InRange(peak, kernelsAndNothingElse + 1, kernelsAndNothingElse + (MaxIdle + Threads) * biggestPlan);
            Assert.True(session.IdlePlans <= MaxIdle);
            session.MaxIdlePlans = 0;
            Assert.Equal(kernelsAndNothingElse, device.Counters.LiveBuffers);
        }
    }

    [Fact]
    public void A_session_disposed_while_sixteen_threads_call_fails_them_typed_and_leaks_nothing()
    {
        for (int round = 0; round < 10; round++)
        {
            var (device, session) = Open();
            using (device)
            {
                long before = device.Counters.LiveBuffers;
                session.MaxIdlePlans = 16;
                var errors = new ConcurrentBag<Exception>();
                int started = 0;
                var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
                {
                    var rng = new Random(round * 100 + t);
                    try
                    {
                        while (true)
                        {
                            int length = rng.Next(1, 9 * 256);
                            var x = new int[length];
                            var sum = new int[length];
                            Interlocked.Increment(ref started);
                            GeneratedKernels.Add(session, x, x, sum);
                        }
                    }
                    catch (Exception e) { errors.Add(e); }
                })).ToList();
                threads.ForEach(t => t.Start());
                while (Volatile.Read(ref started) < 64 + round * 16) Thread.Yield();
                session.Dispose();
                // Every call has left the device when Dispose returns: nothing touches it afterwards.
                var after = (device.Counters.Submissions, device.Counters.SyncsToDevice, device.Counters.SyncsFromDevice, device.Counters.BuffersAllocated);
                threads.ForEach(t => t.Join());
                Assert.Equal(after, (device.Counters.Submissions, device.Counters.SyncsToDevice, device.Counters.SyncsFromDevice, device.Counters.BuffersAllocated));

                Assert.Equal(16, errors.Count);
                Assert.All(errors, e => Assert.True(e is ObjectDisposedException or NpuException, e.ToString()));
                Assert.Equal(before, device.Counters.LiveBuffers);   // plans and loaded kernels went with the session
            }
        }
    }

    [Fact]
    public void A_device_disposed_while_calls_run_and_one_hangs_fails_them_typed_and_leaks_nothing()
    {
        for (int round = 0; round < 5; round++)
        {
            var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete, invocation: 1);
            var (device, session) = Open(faults);
            session.MaxIdlePlans = 16;
            var errors = new ConcurrentBag<Exception>();
            int started = 0;
            var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        Interlocked.Increment(ref started);
                        GeneratedKernels.Add(session, s_x, s_y, new int[Length]);   // default timeout: 10 s
                    }
                }
                catch (Exception e) { errors.Add(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            // Once a run hangs, the device's queue is stuck behind it: every thread ends up waiting on its call.
            while (faults.Hits == 0 || Volatile.Read(ref started) < 8) Thread.Sleep(1);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            device.Dispose();   // one call is stuck on the hung run: the device aborts it rather than waiting 10 s
            bool promptly = clock.Elapsed < TimeSpan.FromSeconds(5);
            threads.ForEach(t => t.Join());
            session.Dispose();

            Assert.True(promptly, "Dispose waited for a hung call's timeout instead of aborting it");
            Assert.Equal(8, errors.Count);
            Assert.All(errors, e => Assert.True(e is ObjectDisposedException or NpuException, e.ToString()));
            Assert.Equal(0, device.Counters.LiveBuffers);
        }
    }

    [Fact]
    public void A_call_needing_more_invocations_than_one_call_may_make_is_refused_naming_the_limit()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            // 4096 x 2048 times 2048 x 4096 on a 16x16x16 tile: 256 x 256 x 128 = 2^23 invocations, twice the limit.
            var a = new sbyte[4096 * 2048];
            var c = new sbyte[4096 * 4096];
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMul(session,
                new ReadOnlySpan2D<sbyte>(a, 4096, 2048), new ReadOnlySpan2D<sbyte>(a, 2048, 4096), new Span2D<sbyte>(c, 4096, 4096)));
            Assert.Contains("MaxInvocations", e.Message);
            Assert.Contains((1 << 22).ToString(), e.Message);
            Assert.Equal("a", e.ParamName);   // a and b have as many blocks; a is named
            Assert.Contains("a is 4096x2048: the call needs 8388608 kernel invocations", e.Message);
            Assert.Equal(0, session.PlansBuilt);
            AddExactly(session);
        }
    }

    [Fact]
    public void Methods_over_the_same_kernel_and_shapes_with_other_element_types_get_plans_of_their_own()
    {
        const int M = 40, K = 24, N = 56;
        var a = MatMulReference.Random(M * K, seed: 21);
        var b = MatMulReference.Random(K * N, seed: 22);
        var sums = MatMulReference.HostSums(a, b, M, K, N);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            session.MaxIdlePlans = 4;
            for (int round = 0; round < 2; round++)
            {
                var narrow = new sbyte[M * N];
                var wide = new int[M * N];
                GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<sbyte>(narrow, M, N));
                GeneratedKernels.MatMulWideOn(session, new ReadOnlySpan2D<sbyte>(a, M, K), new ReadOnlySpan2D<sbyte>(b, K, N), new Span2D<int>(wide, M, N));
                Assert.Equal(MatMulReference.Saturated(sums), narrow);
                Assert.Equal(sums, wide);
            }
            Assert.Equal(2, session.PlansBuilt);
            Assert.Equal(2, session.PlanHits);
        }
    }

    [Fact]
    public void A_kernel_whose_instructions_cannot_be_loaded_leaves_nothing_open()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            // A descriptor as the generator writes one, but naming an instruction stream that is not there.
            var manifest = KernelManifestParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vector_add_int32.kernel.json")), "vector_add_int32.kernel.json");
            var xclbin = NpuSdk.Xclbin.XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, "vector_add_int32.xclbin"));
            var design = KernelDesign.From(manifest, KernelAbi.Bind(xclbin.FindKernel("MLIR_AIE")!, manifest));
            var int32 = ElementType.Int32;
            var descriptor = new NpuSdk.Launch.NpuKernelDescriptor("Test.Broken", "vector_add_int32.xclbin", xclbin.Uuid.ToString(), "no_such.insts.txt", design,
                [NpuSdk.Launch.NpuParameter.Buffer("x", "x", int32), NpuSdk.Launch.NpuParameter.Buffer("y", "y", int32), NpuSdk.Launch.NpuParameter.Buffer("z", "z", int32)], 1000);
            for (int attempt = 0; attempt < 2; attempt++)
            {
                var e = Assert.ThrowsAny<Exception>(() => NpuSdk.Launch.NpuLaunch.Invoke(session, descriptor,
                    NpuSdk.Launch.NpuOperands.Create().In<int>(new int[8]).In<int>(new int[8]).Out<int>(new int[8])));
                Assert.True(e is FileNotFoundException or NpuException, e.ToString());
                Assert.Contains("no_such.insts.txt", e.Message);
                Assert.Equal(0, device.Counters.LiveBuffers);
            }
        }
    }

    /// <summary>The add, throwing <paramref name="error"/> at one invocation of its first call only.</summary>
    private sealed class FailingOnce(Exception error, int failAt) : IReferenceKernel
    {
        private int _invocations;
        private readonly AddInt32Reference _add = new();
        public long MacsPerInvocation => _add.MacsPerInvocation;
        public ComputePrecision Precision => _add.Precision;
        public void Execute(in ReferenceInvocation invocation)
        {
            if (_invocations++ == failAt) throw error;
            _add.Execute(invocation);
        }
    }
}
