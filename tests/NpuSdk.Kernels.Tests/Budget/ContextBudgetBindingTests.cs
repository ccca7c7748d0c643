using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Kernels.Tests.Binding;
using NpuSdk.Testing;
using Xunit.Abstractions;

namespace NpuSdk.Kernels.Tests.Budget;

/// <summary>
/// Generated methods living within the device's budget of hardware contexts: the library called in turn under npu1's six
/// and under one, evictions while plans, tensors, sequences and asynchronous calls are alive, many threads over few
/// contexts, and the typed errors when no context can be had. Every result is compared bit for bit with the same calls on
/// a device under no pressure (npu4's sixteen, more than these programs use).
/// </summary>
public sealed class ContextBudgetBindingTests(ITestOutputHelper output)
{
    private static readonly Lazy<byte[][]> Unpressured = new(() => RunAll(LibraryProgram.Steps));

    private static Device Open(DriverStandIn backend, string? maxContexts = null) =>
        Device.Open(backend, 0, name => name == NpuDeviceProfile.MaxContextsVariable ? maxContexts : null);

    /// <summary>The program's results on a device whose budget (npu4's sixteen) is more than it uses.</summary>
    private static byte[][] RunAll(IReadOnlyList<LibraryProgram.Step> steps)
    {
        using var device = Open(new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu4 }));
        using var session = new NpuSession(device);
        return steps.Select(s => s.Call(session)).ToArray();
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData("1", 1)]
    public void Every_library_kernel_in_turn_runs_within_the_budget_exactly_with_every_open_counted_and_projected(string? maxContexts, int budget)
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1, Latency = LatencyModel.Phoenix });
        using var device = Open(backend, maxContexts);
        Assert.Equal(budget, device.ContextBudget);
        int peakAfterCalls = 0;
        using (var session = new NpuSession(device) { MaxIdlePlans = 64 })
        {
            // Twice over: the second pass reuses plans whose contexts were evicted since, so their runs are made again.
            foreach (var pass in new[] { LibraryProgram.Steps, LibraryProgram.Light })
            {
                for (int i = 0; i < pass.Count; i++)
                {
                    var result = pass[i].Call(session);
                    Assert.True(Unpressured.Value[Index(pass[i])].AsSpan().SequenceEqual(result), $"{pass[i]} differs under a budget of {budget}");
                    peakAfterCalls = Math.Max(peakAfterCalls, device.LiveContexts);
                }
            }
            Assert.Equal(LibraryProgram.Light.Count, session.PlanHits);
        }
        var c = device.Counters;
        output.WriteLine($"budget {budget}: {c.ContextsCreated} opens, {c.ContextsEvicted} evictions, peak {backend.PeakContexts} alive, projected {device.ProjectedTime!.Value.TotalMilliseconds:N0} ms");
        Assert.True(backend.PeakContexts <= budget, $"{backend.PeakContexts} contexts were alive at once at the driver");
        Assert.True(peakAfterCalls <= budget);
        // Calls cycling through more xclbins than there are slots reopen what was evicted: exactly as a least-recently-used cache would.
        Assert.Equal(LibraryProgram.Opens(LibraryProgram.Steps.Concat(LibraryProgram.Light), budget), c.ContextsCreated);
        Assert.Equal(c.ContextsCreated - device.LiveContexts, c.ContextsEvicted);
        Assert.True(device.ProjectedTime!.Value >= c.ContextsCreated * LatencyModel.Phoenix.PerContextOpen, "every open is charged");
    }

    private static int Index(LibraryProgram.Step step) => LibraryProgram.Steps.ToList().IndexOf(step);

    [Fact]
    public void Within_the_budget_a_program_opens_each_context_once_and_never_again()
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1 });
        using var device = Open(backend);
        using var session = new NpuSession(device);
        var light = LibraryProgram.Light.Take(6).ToArray();
        for (int round = 0; round < 3; round++)
            foreach (var step in light) step.Call(session);
        Assert.Equal(6, light.Select(s => s.Xclbin).Distinct().Count());
        Assert.Equal(6, device.Counters.ContextsCreated);
        Assert.Equal(0, device.Counters.ContextsEvicted);
    }

    [Fact]
    public void Designs_sharing_an_xclbin_share_its_context_and_each_runs_its_own_shape()
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1 });
        using var device = Open(backend, maxContexts: "1");
        using var session = new NpuSession(device);
        var linear = LibraryProgram.Steps.Where(s => s.Xclbin == "linear_bf16").ToArray();
        Assert.Equal(3, linear.Length);
        foreach (var step in linear.Concat(linear))
            Assert.True(Unpressured.Value[Index(step)].AsSpan().SequenceEqual(step.Call(session)), $"{step} differs");
        // Three designs, one xclbin: one context, opened once, under a budget of one.
        Assert.Equal(1, device.Counters.ContextsCreated);
        Assert.Equal(0, device.Counters.ContextsEvicted);
    }

    [Fact]
    public void Two_sessions_on_one_device_share_one_context_per_xclbin()
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1 });
        using var device = Open(backend);
        using var first = new NpuSession(device);
        using var second = new NpuSession(device);
        var gelu = LibraryProgram.Light.Single(s => s.Design == "gelu_bf16");
        gelu.Call(first);
        gelu.Call(second);
        Assert.Equal(1, device.Counters.ContextsCreated);
        Assert.Equal(1, backend.PeakContexts);
    }

    [Fact]
    public void An_evicted_kernels_plans_tensors_and_sequences_rebind_on_their_next_use_and_stay_exact()
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1 });
        using var device = Open(backend, maxContexts: "1");
        using var session = new NpuSession(device);
        var x = Bf16(3000, 1);
        var y = Bf16(3000, 2);

        // Tensors: GELU of x into g, then g + y into z, each call evicting the other's context.
        using var tx = session.CreateTensor<BFloat16>(3000);
        using var ty = session.CreateTensor<BFloat16>(3000);
        using var tg = session.CreateTensor<BFloat16>(3000);
        using var tz = session.CreateTensor<BFloat16>(3000);
        tx.CopyFrom(x);
        ty.CopyFrom(y);
        var expected = Expected(x, y);
        for (int round = 0; round < 3; round++)
        {
            LibraryKernels.Gelu(session, tx, tg);
            LibraryKernels.Add(session, tg, ty, tz);
            Assert.Equal(expected, Read(tz));
            tz.CopyFrom(new BFloat16[3000]);
        }

        // A recorded sequence over both: each replay reopens what the other evicted and makes its runs again.
        using var sequence = session.Record(() =>
        {
            LibraryKernels.Gelu(session, tx, tg);
            LibraryKernels.Add(session, tg, ty, tz);
        });
        Assert.Equal(2, sequence.Submissions);
        for (int round = 0; round < 2; round++)
        {
            tz.CopyFrom(new BFloat16[3000]);
            sequence.Replay();
            Assert.Equal(expected, Read(tz));
            // A span call in between takes the only context.
            var spanOut = new BFloat16[1000];
            LibraryKernels.Gelu(session, x.AsSpan(0, 1000), spanOut);
        }

        // Span calls: their plans were built before, on contexts evicted many times since.
        var gelu = new BFloat16[3000];
        LibraryKernels.Gelu(session, x, gelu);
        var sum = new BFloat16[3000];
        LibraryKernels.Add(session, gelu, y, sum);
        Assert.Equal(expected, sum);
        Assert.True(device.Counters.ContextsEvicted >= 8, $"{device.Counters.ContextsEvicted} evictions");
        Assert.Equal(1, backend.PeakContexts);
    }

    [Fact]
    public async Task A_context_with_runs_in_flight_is_never_evicted_the_next_call_waits_for_it()
    {
        // Each run takes 50 ms on the emulated device, so the asynchronous call is still running when the next call asks.
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1, RunLatency = TimeSpan.FromMilliseconds(50) });
        using var device = Open(backend, maxContexts: "1");
        using var session = new NpuSession(device);
        var x = Bf16(32768 * 3, 3);
        var gelu = new BFloat16[x.Length];
        var pending = LibraryKernels.GeluAsync(session, x, gelu).AsTask();
        Assert.False(pending.IsCompleted);

        var sum = new BFloat16[1000];
        LibraryKernels.Add(session, x.AsSpan(0, 1000), x.AsSpan(0, 1000), sum);

        // The add could only open its context once the GELU's runs were done: evicting the GELU's context under its runs
        // would have aborted them and failed its task; the GELU completed, untouched, and one context was ever alive.
        // (Its task may complete a moment after the add returns: the session completes tasks on the thread pool.)
        await pending;
        Assert.Equal(1, backend.PeakContexts);
        var reference = new BFloat16[x.Length];
        using (var calm = Open(new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu4 })))
        using (var s = new NpuSession(calm))
            LibraryKernels.Gelu(s, x, reference);
        Assert.Equal(reference, gelu);
        Assert.Equal(1, device.Counters.ContextsEvicted);
    }

    [Fact]
    public async Task When_every_context_is_busy_past_the_calls_timeout_the_typed_error_names_the_busy_ones()
    {
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1, RunLatency = TimeSpan.FromMilliseconds(400) });
        using var device = Open(backend, maxContexts: "1");
        using var session = new NpuSession(device);
        var x = Bf16(32768 * 4, 4);
        var y = new BFloat16[x.Length];
        var busy = LibraryKernels.AddAsync(session, x, x, y).AsTask();

        // GeluShortTimeout waits 300 ms for a context; the add holds the only one for about 1.6 s.
        var e = Assert.Throws<NpuContextBudgetException>(() => LibraryKernels.GeluShortTimeout(session, x.AsSpan(0, 10), new BFloat16[10]));
        Assert.Equal(1, e.Budget);
        Assert.Contains("within 300 ms", e.Message);
        Assert.Contains("add_bf16.xclbin (1 call in flight)", e.Message);
        Assert.Contains("TimeoutMilliseconds", e.Message);
        await busy;
        // Nothing is left half-used: the next call gets the context (a wait long enough for the emulated run's 400 ms).
        LibraryKernels.Gelu(session, x.AsSpan(0, 10), new BFloat16[10]);
    }

    [Fact]
    public void Slots_held_by_other_processes_make_the_driver_refuse_and_the_device_evicts_and_retries()
    {
        // Five of npu1's six slots are taken elsewhere: the device believes it has six, the driver grants one.
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1, ContextsHeldElsewhere = 5 });
        using var device = Open(backend);
        using var session = new NpuSession(device);
        foreach (var step in LibraryProgram.Light.Take(4))
            Assert.True(Unpressured.Value[Index(step)].AsSpan().SequenceEqual(step.Call(session)), $"{step} differs");
        Assert.Equal(3, device.Counters.ContextsEvicted);
        Assert.Equal(1, backend.PeakContexts);

        // With every slot taken elsewhere, nothing this process holds can make room: the typed error says so.
        var full = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1, ContextsHeldElsewhere = 6 });
        using var crowded = Open(full);
        using var s2 = new NpuSession(crowded);
        var e = Assert.Throws<NpuContextBudgetException>(() => LibraryProgram.Light[0].Call(s2));
        Assert.Contains(ContextRefusal.DriverMessage, e.Message);
        Assert.Contains("other processes hold the rest", e.Message);
        Assert.Contains(NpuContextBudgetException.InspectCommand, e.Message);
        Assert.Equal(0, crowded.LiveContexts);
    }

    [Fact]
    public void Sixteen_threads_calling_ten_kernels_over_a_budget_of_two_are_exact_never_deadlock_and_leak_nothing()
    {
        var kernels = LibraryProgram.Light.Take(10).ToArray();
        var backend = new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu1 });
        var device = Open(backend, maxContexts: "2");
        var session = new NpuSession(device);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
        {
            try
            {
                for (int round = 0; round < 3; round++)
                    for (int k = 0; k < kernels.Length; k++)
                    {
                        var step = kernels[(k + t) % kernels.Length];
                        if (!Unpressured.Value[Index(step)].AsSpan().SequenceEqual(step.Call(session))) failures.Enqueue($"thread {t}: {step} differs");
                    }
            }
            catch (Exception e)
            {
                failures.Enqueue($"thread {t}: {e}");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads)
            Assert.True(t.Join(TimeSpan.FromMinutes(3)), "a thread did not finish: the calls deadlocked");
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
        Assert.True(backend.PeakContexts <= 2, $"{backend.PeakContexts} contexts alive at once");
        output.WriteLine($"{device.Counters.ContextsCreated} opens, {device.Counters.ContextsEvicted} evictions, {session.PlansBuilt} plans built");

        session.Dispose();
        device.Dispose();
        Assert.Equal(0, backend.LiveContexts);
        Assert.Equal(device.Counters.ContextsCreated, device.Counters.ContextsClosed);
        Assert.Equal(0, device.Counters.LiveBuffers);
    }

    private static BFloat16[] Bf16(int count, int seed) => MemoryMarshal.Cast<ushort, BFloat16>(Inputs.BFloat16(new Random(seed), count, -4, 2)).ToArray();

    private static BFloat16[] Read(NpuTensor<BFloat16> tensor)
    {
        var data = new BFloat16[tensor.Length];
        tensor.CopyTo(data);
        return data;
    }

    /// <summary>GELU of x plus y, through the same kernels on a device under no pressure.</summary>
    private static BFloat16[] Expected(BFloat16[] x, BFloat16[] y)
    {
        using var device = Open(new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu4 }));
        using var session = new NpuSession(device);
        var g = new BFloat16[x.Length];
        LibraryKernels.Gelu(session, x, g);
        var z = new BFloat16[x.Length];
        LibraryKernels.Add(session, g, y, z);
        return z;
    }
}
