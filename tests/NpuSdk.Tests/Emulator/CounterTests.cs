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

    [Fact]
    public void Phoenix_latency_model_projects_from_the_published_figures()
    {
        using var rig = new TileKernelRig(new EmulatorOptions { Latency = LatencyModel.Phoenix });
        var m = LatencyModel.Phoenix;
        double afterSetup = rig.Device.ProjectedTime!.Value.TotalSeconds;
        // TimeSpan resolves 100 ns, so compare within a tick.
        Assert.Equal(m.PerContextOpen.TotalSeconds + 300 / m.SyncBytesPerSecond, afterSetup, 1e-7);

        using var run = rig.BoundRun();
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        using var list = new RunList(rig.Context);
        for (int i = 0; i < 8; i++) list.Add(rig.BoundRun());
        list.Execute();

        double macSeconds = 16 * 16 * 16 / m.Int8MacsPerSecond;
        double expected = afterSetup + (m.PerRunAlone.TotalSeconds + macSeconds) + 8 * (m.PerRunInChain.TotalSeconds + macSeconds);
        Assert.Equal(expected, rig.Device.ProjectedTime!.Value.TotalSeconds, 1e-7);
        // The point of run lists, in the model's terms: a chained run is cheaper than a lone one.
        Assert.True(m.PerRunInChain < m.PerRunAlone);
    }

    [Fact]
    public void Without_a_latency_model_there_is_no_projection()
    {
        using var rig = new TileKernelRig();
        Assert.Null(rig.Device.ProjectedTime);
    }
}
