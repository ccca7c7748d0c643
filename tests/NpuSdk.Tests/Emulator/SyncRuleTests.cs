namespace NpuSdk.Tests.Emulator;

public class SyncRuleTests
{
    [Fact]
    public void Synced_run_computes_the_documented_rule()
    {
        using var rig = new TileKernelRig();
        var (a, b) = TileKernelRig.RandomTiles(1);
        rig.WriteTiles(rig.Input, a, b);
        rig.Input.Sync(SyncDirection.ToDevice);
        using var run = rig.BoundRun();
        run.Start();
        Assert.Equal(CommandState.Completed, run.Wait(TimeSpan.FromSeconds(1)));
        rig.Output.Sync(SyncDirection.FromDevice);
        Assert.Equal(TileKernelRig.Expected(a, b), rig.Output.Map<sbyte>().ToArray());
    }

    [Fact]
    public void Forgotten_sync_to_device_makes_the_kernel_see_stale_data()
    {
        using var rig = new TileKernelRig();
        var (a1, b1) = TileKernelRig.RandomTiles(2);
        var (a2, b2) = TileKernelRig.RandomTiles(3);
        using var run = rig.BoundRun();

        rig.WriteTiles(rig.Input, a1, b1);
        rig.Input.Sync(SyncDirection.ToDevice);
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();

        rig.WriteTiles(rig.Input, a2, b2); // new host data, never synced to the device
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        rig.Output.Sync(SyncDirection.FromDevice);

        var seen = rig.Output.Map<sbyte>().ToArray();
        Assert.Equal(TileKernelRig.Expected(a1, b1), seen);
        Assert.NotEqual(TileKernelRig.Expected(a2, b2), seen);
    }

    [Fact]
    public void Forgotten_sync_from_device_leaves_the_host_reading_stale_data()
    {
        using var rig = new TileKernelRig();
        var (a, b) = TileKernelRig.RandomTiles(4);
        rig.Output.Map<sbyte>().Fill(77); // what the host last wrote
        rig.WriteTiles(rig.Input, a, b);
        rig.Input.Sync(SyncDirection.ToDevice);
        using var run = rig.BoundRun();
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();

        Assert.All(rig.Output.Map<sbyte>().ToArray(), v => Assert.Equal(77, v));
        rig.Output.Sync(SyncDirection.FromDevice);
        Assert.Equal(TileKernelRig.Expected(a, b), rig.Output.Map<sbyte>().ToArray());
    }

    [Fact]
    public void Partial_sync_moves_only_the_requested_range()
    {
        using var rig = new TileKernelRig();
        var (a, b) = TileKernelRig.RandomTiles(5);
        rig.WriteTiles(rig.Input, a, b);
        rig.Input.Sync(SyncDirection.ToDevice);
        using var run = rig.BoundRun();
        run.Start();
        run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();

        rig.Output.Map<sbyte>().Clear();
        rig.Output.Sync(SyncDirection.FromDevice, 16, 32); // row 2 only
        var expected = TileKernelRig.Expected(a, b);
        var host = rig.Output.Map<sbyte>();
        Assert.Equal(expected.AsSpan(32, 16).ToArray(), host.Slice(32, 16).ToArray());
        Assert.All(host[..32].ToArray(), v => Assert.Equal(0, v));
        Assert.All(host[48..].ToArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Sub_buffers_share_their_parents_storage()
    {
        using var rig = new TileKernelRig();
        const int T = TileKernelRig.T;
        using var inputs = new Bo(rig.Device, 3 * 2 * T * T, BoFlags.HostOnly, rig.Kernel.GroupId(3));
        using var outputs = new Bo(rig.Device, 3 * T * T, BoFlags.HostOnly, rig.Kernel.GroupId(4));
        var expected = new List<sbyte[]>();
        var runs = new List<Run>();
        for (int i = 0; i < 3; i++)
        {
            var (a, b) = TileKernelRig.RandomTiles(10 + i);
            var inSub = new Bo(inputs, 2 * T * T, (ulong)(i * 2 * T * T));
            var outSub = new Bo(outputs, T * T, (ulong)(i * T * T));
            rig.WriteTiles(inSub, a, b);       // written through the sub-buffer's view...
            expected.Add(TileKernelRig.Expected(a, b));
            runs.Add(rig.BoundRun(inSub, outSub));
        }
        inputs.Sync(SyncDirection.ToDevice);   // ...and synced once through the parent
        foreach (var r in runs) { r.Start(); r.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted(); }
        outputs.Sync(SyncDirection.FromDevice);

        var all = outputs.Map<sbyte>();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], all.Slice(i * T * T, T * T).ToArray());
    }
}
