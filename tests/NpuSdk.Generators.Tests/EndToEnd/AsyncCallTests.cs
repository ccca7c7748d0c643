using NpuSdk.Emulation;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The asynchronous forms of generated methods on the asynchronous emulator: results, overlapping calls on plans of
/// their own, inputs free for reuse once the call returns, cancellation, timeouts and failures as typed task results.
/// </summary>
public sealed class AsyncCallTests
{
    private const int Length = 1000;
    private static readonly int[] s_x = Enumerable.Range(0, Length).ToArray();
    private static readonly int[] s_y = Enumerable.Range(0, Length).Select(i => 3 * i + 1).ToArray();

    private static (Device Device, NpuSession Session) Open(TimeSpan latency = default, EmulatorFaults? faults = null)
    {
        AddInt32Reference.EnsureRegistered();
        var device = Device.Open(new EmulatorBackend(new EmulatorOptions { RunLatency = latency, Faults = faults }));
        return (device, new NpuSession(device));
    }

    [Fact]
    public async Task An_async_call_over_memory_is_exact()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var sum = new int[Length];
            await GeneratedKernels.AddAsync(session, s_x, s_y, sum);
            Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), sum);
            Assert.Equal(1, device.Counters.Waits);
        }
    }

    [Fact]
    public async Task A_call_started_while_another_runs_gets_its_own_plan_and_the_inputs_are_free_once_it_returns()
    {
        var (device, session) = Open(latency: TimeSpan.FromMilliseconds(30));
        using (device)
        using (session)
        {
            var x = (int[])s_x.Clone();
            var first = new int[Length];
            var second = new int[Length];
            var a = GeneratedKernels.AddAsync(session, x, s_y, first);
            Array.Fill(x, 1_000_000);                       // packed already: the call does not see this
            var b = GeneratedKernels.AddAsync(session, x, s_y, second);
            Assert.False(a.IsCompleted);                    // the device is still on the first call's runs
            await a;
            await b;
            Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), first);
            Assert.Equal(s_y.Select(q => 1_000_000 + q), second);
            Assert.Equal(2, session.PlansBuilt);            // two in flight: two plans, packing one while the other ran

            await GeneratedKernels.AddAsync(session, x, s_y, second);
            Assert.Equal(2, session.PlansBuilt);            // in sequence again: a pooled plan
        }
    }

    [Fact]
    public async Task Many_calls_in_flight_are_all_exact()
    {
        var (device, session) = Open(latency: TimeSpan.FromMilliseconds(1));
        using (device)
        using (session)
        {
            var outputs = Enumerable.Range(0, 24).Select(_ => new int[Length]).ToArray();
            var inputs = Enumerable.Range(0, 24).Select(k => s_x.Select(v => v * k).ToArray()).ToArray();
            var calls = new List<Task>();
            for (int k = 0; k < outputs.Length; k++) calls.Add(GeneratedKernels.AddAsync(session, inputs[k], s_y, outputs[k]).AsTask());
            await Task.WhenAll(calls);
            for (int k = 0; k < outputs.Length; k++) Assert.Equal(inputs[k].Zip(s_y, (p, q) => p + q), outputs[k]);
            Assert.True(session.IdlePlans <= session.MaxIdlePlans);
        }
    }

    [Fact]
    public async Task Cancelling_aborts_a_hung_call_and_the_next_one_works()
    {
        var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete, invocation: 2);
        var (device, session) = Open(faults: faults);
        using (device)
        using (session)
        {
            using var cancel = new CancellationTokenSource();
            var sum = new int[Length];
            var call = GeneratedKernels.AddAsync(session, s_x, s_y, sum, cancel.Token);
            await Task.Delay(50);
            Assert.False(call.IsCompleted);
            cancel.Cancel();
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
            Assert.Equal(cancel.Token, e.CancellationToken);
            Assert.Equal(1, session.PlansDiscarded);

            await GeneratedKernels.AddAsync(session, s_x, s_y, sum, CancellationToken.None);
            Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), sum);
            // A token cancelled before the call: nothing is submitted.
            long submissions = device.Counters.Submissions;
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await GeneratedKernels.AddAsync(session, s_x, s_y, sum, cancel.Token));
            Assert.Equal(submissions, device.Counters.Submissions);
        }
    }

    [Fact]
    public async Task A_timeout_and_a_failed_run_end_the_task_typed()
    {
        var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete).Inject(EmulatorFaultKind.Error, invocation: 1);
        var (device, session) = Open(faults: faults);
        using (device)
        using (session)
        {
            var sum = new int[Length];
            var timeout = await Assert.ThrowsAsync<NpuTimeoutException>(async () => await GeneratedKernels.AddWithShortTimeoutAsync(session, s_x, s_y, sum));
            Assert.Equal("MLIR_AIE", timeout.Kernel);
            var failed = await Assert.ThrowsAsync<NpuCommandFailedException>(async () => await GeneratedKernels.AddAsync(session, s_x, s_y, sum));
            Assert.Equal(1, failed.Invocation);
            Assert.Equal(2, session.PlansDiscarded);
            await GeneratedKernels.AddAsync(session, s_x, s_y, sum);
            Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), sum);
        }
    }

    [Fact]
    public async Task An_async_call_over_tensors_leaves_its_output_on_the_device()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var tx = session.CreateTensor<int>(Length);
            using var ty = session.CreateTensor<int>(Length);
            using var sum = session.CreateTensor<int>(Length);
            tx.CopyFrom(s_x);
            ty.CopyFrom(s_y);
            GeneratedKernels.Add(session, tx, ty, sum);   // loads the kernel (its instructions are synced once)
            long bytes = device.Counters.BytesToDevice + device.Counters.BytesFromDevice;
            await GeneratedKernels.AddAsync(session, tx, ty, sum);
            Assert.Equal(bytes, device.Counters.BytesToDevice + device.Counters.BytesFromDevice);
            var result = new int[Length];
            sum.CopyTo(result);
            Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), result);
        }
    }

    [Fact]
    public async Task Disposing_the_session_waits_for_calls_in_flight_and_leaks_nothing()
    {
        var (device, session) = Open(latency: TimeSpan.FromMilliseconds(20));
        using (device)
        {
            var outputs = Enumerable.Range(0, 4).Select(_ => new int[Length]).ToArray();
            var calls = outputs.Select(o => GeneratedKernels.AddAsync(session, s_x, s_y, o).AsTask()).ToList();
            session.Dispose();
            Assert.Equal(4, device.Counters.Waits);               // Dispose returned after every call left the device
            await Task.WhenAll(calls);
            Assert.All(outputs, o => Assert.Equal(s_x.Zip(s_y, (p, q) => p + q), o));
            Assert.Equal(0, device.Counters.LiveBuffers);
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await GeneratedKernels.AddAsync(session, s_x, s_y, outputs[0]));
        }
    }
}
