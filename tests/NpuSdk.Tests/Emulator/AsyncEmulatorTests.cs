using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Emulator;

/// <summary>
/// The emulator executes runs on a worker in submission order, so waits, timeouts and reads before completion behave as
/// on hardware; it holds programs to XRT's run and run-list rules and injects the faults a program's error paths need.
/// </summary>
public class AsyncEmulatorTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_wait_shorter_than_the_run_times_out_and_the_output_is_stale_until_it_completes()
    {
        using var rig = new TileKernelRig(new EmulatorOptions { RunLatency = TimeSpan.FromMilliseconds(300) });
        var (a, b) = TileKernelRig.RandomTiles(21);
        rig.WriteTiles(rig.Input, a, b);
        rig.Input.Sync(SyncDirection.ToDevice);
        using var run = rig.BoundRun();
        run.Start();
        Assert.Equal(CommandState.Timeout, run.Wait(TimeSpan.FromMilliseconds(20)));
        rig.Output.Sync(SyncDirection.FromDevice);
        Assert.All(rig.Output.Map<sbyte>().ToArray(), v => Assert.Equal(0, v));   // read before the device wrote it
        Assert.Equal(CommandState.Completed, run.Wait(Long));
        rig.Output.Sync(SyncDirection.FromDevice);
        Assert.Equal(TileKernelRig.Expected(a, b), rig.Output.Map<sbyte>().ToArray());
    }

    [Fact]
    public void Submissions_complete_in_the_order_they_were_made()
    {
        using var rig = new TileKernelRig(new EmulatorOptions { RunLatency = TimeSpan.FromMilliseconds(5) });
        var runs = Enumerable.Range(0, 6).Select(_ => rig.BoundRun()).ToList();
        foreach (var run in runs) run.Start();
        // Waiting on the last one first: when it is done, every earlier submission is done too.
        Assert.Equal(CommandState.Completed, runs[^1].Wait(Long));
        Assert.All(runs, r => Assert.Equal(CommandState.Completed, r.State));
        foreach (var run in runs) run.Dispose();
    }

    [Fact]
    public void A_run_joins_one_list_a_listed_run_is_not_started_alone_and_an_executing_list_is_not_changed()
    {
        using var rig = new TileKernelRig(new EmulatorOptions { RunLatency = TimeSpan.FromMilliseconds(200) });
        using var run = rig.BoundRun();
        using var list = new RunList(rig.Context);
        using var other = new RunList(rig.Context);
        list.Add(run);
        Assert.Contains("already in a run list", Assert.Throws<NpuException>(() => other.Add(run)).Message);
        Assert.Contains("cannot be started on its own", Assert.Throws<NpuException>(run.Start).Message);

        list.Execute();
        Assert.Contains("executing", Assert.Throws<NpuException>(list.Execute).Message);
        Assert.Contains("executing", Assert.Throws<NpuException>(() => list.Add(rig.BoundRun())).Message);
        Assert.Contains("executing", Assert.Throws<NpuException>(list.Reset).Message);
        Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(3, rig.Input));   // fixed while the device reads it
        Assert.Equal(CommandState.Completed, list.Wait(Long));
        list.Reset();
        other.Add(run);   // free again once its list is reset
    }

    [Fact]
    public void A_run_started_twice_before_it_completes_is_refused()
    {
        using var rig = new TileKernelRig(new EmulatorOptions { RunLatency = TimeSpan.FromMilliseconds(200) });
        using var run = rig.BoundRun();
        run.Start();
        Assert.Contains("already started", Assert.Throws<NpuException>(run.Start).Message);
        Assert.Equal(CommandState.Completed, run.Wait(Long));
        run.Start();
        Assert.Equal(CommandState.Completed, run.Wait(Long));
    }

    [Theory]
    [InlineData(EmulatorFaultKind.Error, CommandState.Error)]
    [InlineData(EmulatorFaultKind.Abort, CommandState.Abort)]
    [InlineData(EmulatorFaultKind.Throw, CommandState.Error)]
    public void An_injected_fault_ends_the_run_it_hits_and_the_runs_after_it_in_its_list(EmulatorFaultKind kind, CommandState expected)
    {
        var faults = new EmulatorFaults().Inject(kind, kernelName: "MLIR_AIE", invocation: 2);
        using var rig = new TileKernelRig(new EmulatorOptions { Faults = faults });
        using var list = new RunList(rig.Context);
        var runs = Enumerable.Range(0, 5).Select(_ => rig.BoundRun()).ToList();
        foreach (var run in runs) list.Add(run);
        list.Execute();
        Assert.Equal(expected, list.Wait(Long));
        var failure = list.LastFailure!;
        Assert.Equal(2, failure.Index);
        Assert.Equal(expected, failure.State);
        Assert.Contains("invocation 2 of kernel 'MLIR_AIE'", failure.Message);
        Assert.Equal(kind == EmulatorFaultKind.Throw, failure.Exception is EmulatorInjectedFaultException);
        Assert.Equal([CommandState.Completed, CommandState.Completed, expected, CommandState.Abort, CommandState.Abort], runs.Select(r => r.State).ToArray());

        // The fault was used up: the next execution completes.
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(Long));
        Assert.Null(list.LastFailure);
        Assert.Equal(1, faults.Hits);
        foreach (var run in runs) run.Dispose();
    }

    [Fact]
    public void A_hung_run_times_out_until_it_is_aborted_and_abort_returns_when_the_device_is_done()
    {
        var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete);
        using var rig = new TileKernelRig(new EmulatorOptions { Faults = faults });
        using var list = new RunList(rig.Context);
        list.Add(rig.BoundRun());
        list.Add(rig.BoundRun());
        list.Execute();
        Assert.Equal(CommandState.Timeout, list.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(CommandState.Timeout, list.Wait(TimeSpan.FromMilliseconds(50)));
        list.Abort();
        Assert.Equal(CommandState.Abort, list.Wait(TimeSpan.Zero));
        Assert.Contains("hung", list.LastFailure!.Message);
        // Aborted, the list is idle: it executes again (the fault is used up).
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(Long));
    }

    [Fact]
    public void A_reference_that_throws_anything_fails_its_run_with_the_exception_kept()
    {
        var spec = XclbinSpec.MlirAie(1, uuidSeed: "throws");
        var xclbin = XclbinFile.Read(XclbinWriter.Write(spec), "throws.xclbin");
        var registry = new ReferenceKernelRegistry();
        registry.Register(xclbin.Uuid, "MLIR_AIE", new Throwing());
        using var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Registry = registry }));
        using var context = new HwContext(device, device.RegisterXclbin(xclbin));
        using var kernel = new Kernel(context, "MLIR_AIE");
        using var instr = new Bo(device, 16, BoFlags.Cacheable, kernel.GroupId(1));
        using var run = kernel.Start(3UL, instr, 4u);
        Assert.Equal(CommandState.Error, run.Wait(Long));
        Assert.IsType<NullReferenceException>(run.LastFailure!.Exception);
        Assert.Contains("kernel 'MLIR_AIE' failed", run.LastFailure.Message);
    }

    [Fact]
    public void Disposing_the_device_aborts_a_hung_run_and_returns()
    {
        var faults = new EmulatorFaults().Inject(EmulatorFaultKind.NeverComplete);
        var rig = new TileKernelRig(new EmulatorOptions { Faults = faults });
        var run = rig.BoundRun();
        run.Start();
        Assert.Equal(CommandState.Timeout, run.Wait(TimeSpan.FromMilliseconds(20)));
        var handle = run.Handle;   // the run itself is disposed with its device
        rig.Dispose();
        Assert.Equal(CommandState.Abort, handle.State);
        Assert.Throws<ObjectDisposedException>(() => run.Wait(TimeSpan.Zero));
    }

    private sealed class Throwing : IReferenceKernel
    {
        public long MacsPerInvocation => 1;
        public ComputePrecision Precision => ComputePrecision.Int8;
        public void Execute(in ReferenceInvocation invocation) => throw new NullReferenceException("a bug in a user's reference");
    }
}
