using NpuSdk.Emulation;

namespace NpuSdk.Tests.Emulator;

public class CounterTests
{
    [Fact]
    public void Counters_are_exact_for_a_scripted_sequence()
    {
        using var rig = new TileKernelRig();
        var c = rig.Device.Counters;
        // The rig: 3 buffers allocated, one 300-byte instruction sync.
        Assert.Equal(3, c.BuffersAllocated);
        Assert.Equal(1, c.SyncsToDevice);
        Assert.Equal(300, c.BytesToDevice);

        using var run = rig.BoundRun();
        for (int i = 0; i < 4; i++)
        {
            rig.Input.Sync(SyncDirection.ToDevice);
            run.Start();
            run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
            rig.Output.Sync(SyncDirection.FromDevice, 128, 0);
        }

        using var list = new RunList(rig.Context);
        for (int i = 0; i < 10; i++) list.Add(rig.BoundRun());
        list.Execute();
        list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        using var sub = new Bo(rig.Output, 16, 16);

        Assert.Equal(14, c.Runs);
        Assert.Equal(5, c.Submissions);
        Assert.Equal(5, c.Waits);
        Assert.Equal(1 + 4, c.SyncsToDevice);
        Assert.Equal(300 + 4 * 512, c.BytesToDevice);
        Assert.Equal(4, c.SyncsFromDevice);
        Assert.Equal(4 * 128, c.BytesFromDevice);
        Assert.Equal(3, c.BuffersAllocated);
        Assert.Equal(1, c.SubBuffersCreated);
        Assert.Equal(4, c.LiveBuffers);
        sub.Dispose();
        sub.Dispose();
        Assert.Equal(3, c.LiveBuffers);
    }

    [Fact]
    public void Disposing_the_device_releases_everything_and_twice_is_harmless()
    {
        var rig = new TileKernelRig();
        var run = rig.BoundRun();
        var sub = new Bo(rig.Input, 16, 0);
        rig.Device.Dispose();
        Assert.Equal(0, rig.Device.Counters.LiveBuffers);
        Assert.Throws<ObjectDisposedException>(() => run.Start());
        Assert.Throws<ObjectDisposedException>(() => sub.Map());
        rig.Device.Dispose();
        run.Dispose();
        sub.Dispose();
        Assert.Equal(0, rig.Device.Counters.LiveBuffers);
    }

    // ProjectedTime is a TimeSpan: it resolves 100 ns.
    private const double Tick = 1e-7;

    [Fact]
    public void The_emulator_charges_what_the_Phoenix_model_charges_for_each_operation()
    {
        var m = LatencyModel.Phoenix;
        using var rig = new TileKernelRig(new EmulatorOptions { Latency = m });
        double afterSetup = rig.Device.ProjectedTime!.Value.TotalSeconds;
        // The rig opened a context, allocated three buffers (300 + 512 + 256 bytes) and synced the instructions once.
        Assert.Equal(m.PerContextOpen.TotalSeconds + m.AllocationSeconds(300) + m.AllocationSeconds(512) + m.AllocationSeconds(256) + m.SyncSeconds(300),
            afterSetup, Tick);

        // A run started alone and waited on: submission, the device's command and run, the compute, the wake-up.
        using var run = rig.BoundRun();
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        double tile = m.ComputeSeconds(ComputePrecision.Int8, 16 * 16 * 16, cores: 1);
        double lone = m.PerRunAlone.TotalSeconds + tile;
        Assert.Equal(afterSetup + lone, rig.Device.ProjectedTime!.Value.TotalSeconds, Tick);
        // A second wait on the completed run costs nothing.
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        Assert.Equal(afterSetup + lone, rig.Device.ProjectedTime!.Value.TotalSeconds, Tick);

        // Eight runs in one run list: one chain command, eight runs on the device, one wake-up.
        using var list = new RunList(rig.Context);
        for (int i = 0; i < 8; i++) list.Add(rig.BoundRun());
        list.Execute();
        list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        double chain = m.PerRunAlone.TotalSeconds + 7 * m.PerRun.TotalSeconds + 8 * tile;
        Assert.Equal(afterSetup + lone + chain, rig.Device.ProjectedTime!.Value.TotalSeconds, Tick);
        // The point of run lists, in the model's terms: a chained run is cheaper than a lone one.
        Assert.True(chain / 8 < lone);
    }

    [Fact]
    public void A_run_list_longer_than_a_chain_command_is_several_commands_whose_submissions_overlap_the_device()
    {
        var m = LatencyModel.Phoenix;
        using var rig = new TileKernelRig(new EmulatorOptions { Latency = m });
        double before = rig.Device.ProjectedTime!.Value.TotalSeconds;
        using var list = new RunList(rig.Context);
        int runs = 2 * m.RunsPerChainCommand + 1;
        for (int i = 0; i < runs; i++) list.Add(rig.BoundRun());
        list.Execute();
        list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        double tile = m.ComputeSeconds(ComputePrecision.Int8, 16 * 16 * 16, cores: 1);
        double expected = m.PerSubmission.TotalSeconds + 3 * m.PerCommandOnDevice.TotalSeconds + runs * (m.PerRun.TotalSeconds + tile) + m.PerBlockingWait.TotalSeconds;
        Assert.Equal(before + expected, rig.Device.ProjectedTime!.Value.TotalSeconds, Tick);
    }

    [Fact]
    public void Without_a_latency_model_there_is_no_projection()
    {
        using var rig = new TileKernelRig();
        Assert.Null(rig.Device.ProjectedTime);
    }
}
