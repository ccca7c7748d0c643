using NpuSdk.Emulation;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Emulator;

public class ValidationTests
{
    [Fact]
    public void Buffer_in_the_wrong_group_is_rejected_naming_the_argument()
    {
        using var rig = new TileKernelRig();
        using var wrong = new Bo(rig.Device, 2 * 16 * 16, BoFlags.HostOnly, rig.Kernel.GroupId(1)); // SRAM group, not HOST
        using var run = rig.BoundRun(input: wrong);
        var e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal(3, e.ArgIndex);
        Assert.Equal("bo0", e.ArgName);
        Assert.Contains("group", e.Message);
        Assert.Contains("'bo0'", e.Message);
    }

    [Fact]
    public void Unused_buffers_may_be_left_unbound_or_given_0_as_IRON_host_code_does()
    {
        // The design uses bo0 and bo1; bo2..bo4 exist in the xclbin (IRON's shape) and XRT accepts them unbound or 0.
        using var rig = new TileKernelRig();
        var (a, b) = TileKernelRig.RandomTiles(7);
        rig.WriteTiles(rig.Input, a, b);
        rig.Input.Sync(SyncDirection.ToDevice);
        using var unbound = rig.BoundRun();
        unbound.Start();
        Assert.Equal(CommandState.Completed, unbound.Wait(TimeSpan.FromSeconds(1)));
        using var zeros = rig.Kernel.Start(3UL, rig.Instr, (uint)rig.Instructions.Length, rig.Input, rig.Output, 0, 0, 0);
        Assert.Equal(CommandState.Completed, zeros.Wait(TimeSpan.FromSeconds(1)));
        rig.Output.Sync(SyncDirection.FromDevice);
        Assert.Equal(TileKernelRig.Expected(a, b), rig.Output.Map<sbyte>().ToArray());
    }

    [Fact]
    public void A_kernel_that_touches_an_unbound_buffer_fails_naming_it()
    {
        using var rig = new TileKernelRig();
        using var run = new Run(rig.Kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, rig.Instr);
        run.SetArg(2, (uint)rig.Instructions.Length);
        run.SetArg(3, rig.Input); // bo1 (index 4), the output, never set
        run.Start();
        Assert.Equal(CommandState.Error, run.Wait(TimeSpan.FromSeconds(1)));
        var e = Assert.Throws<NpuCommandFailedException>(() => run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted());
        Assert.Equal(CommandState.Error, e.State);
    }

    [Fact]
    public void Argument_index_past_the_kernels_arity_is_rejected()
    {
        using var rig = new TileKernelRig();
        using var run = rig.BoundRun();
        var e = Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(8, rig.Output));
        Assert.Equal(8, e.ArgIndex);
        Assert.Contains("8 arguments", e.Message);
    }

    [Fact]
    public void A_buffer_for_a_scalar_is_rejected_and_a_scalar_for_a_buffer_is_a_raw_address()
    {
        using var rig = new TileKernelRig();
        using var run = rig.BoundRun();
        var e = Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(2, rig.Input));
        Assert.Equal("ninstr", e.ArgName);
        Assert.Contains("scalar", e.Reason);
        // XRT takes a scalar on a buffer argument as a device address; the emulator accepts it and fails the run only
        // if the kernel uses that buffer, since it cannot follow a raw address.
        run.SetArg(4, 0x1234UL);
        run.Start();
        Assert.Equal(CommandState.Error, run.Wait(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Opcode_other_than_3_is_rejected()
    {
        using var rig = new TileKernelRig();
        using var run = rig.BoundRun();
        run.SetArg(0, 2UL);
        var e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal("opcode", e.ArgName);
    }

    [Fact]
    public void Rebinding_a_run_that_already_ran_is_checked_again()
    {
        using var rig = new TileKernelRig();
        using var run = rig.BoundRun();
        run.Start();
        Assert.Equal(CommandState.Completed, run.Wait(TimeSpan.FromSeconds(1)));
        using var wrongGroup = new Bo(rig.Device, 2 * 16 * 16, BoFlags.HostOnly, rig.Kernel.GroupId(1));
        run.SetArg(3, wrongGroup);
        var e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal("bo0", e.ArgName);

        using var list = new RunList(rig.Context);
        list.Add(run);
        Assert.Throws<NpuArgumentBindingException>(list.Execute);
        run.SetArg(3, rig.Input);
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Instruction_buffer_must_be_cacheable_in_group_1_with_a_nonzero_word_count()
    {
        using var rig = new TileKernelRig();
        using var notCacheable = new Bo(rig.Device, 300, BoFlags.HostOnly, rig.Kernel.GroupId(1));
        using var run = rig.BoundRun();
        run.SetArg(1, notCacheable);
        var e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal("instr", e.ArgName);
        Assert.Contains("Cacheable", e.Reason);

        run.SetArg(1, rig.Instr);
        run.SetArg(2, 0u);
        e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal("ninstr", e.ArgName);

        run.SetArg(2, (uint)rig.Instructions.Length + 1); // more words than the buffer holds
        e = Assert.Throws<NpuArgumentBindingException>(run.Start);
        Assert.Equal("ninstr", e.ArgName);
        Assert.Equal(1, rig.Kernel.GroupId(1));
    }

    [Fact]
    public void Run_list_rejects_an_invalid_run_before_executing_any()
    {
        using var rig = new TileKernelRig();
        using var list = new RunList(rig.Context);
        using var good = rig.BoundRun();
        using var bad = rig.BoundRun();
        bad.SetArg(0, 1UL);
        list.Add(good);
        list.Add(bad);
        Assert.Throws<NpuArgumentBindingException>(list.Execute);
        Assert.Equal(0, rig.Device.Counters.Runs);
    }

    [Fact]
    public void Kernel_without_a_reference_or_manifest_fails_with_advice()
    {
        // Same signature, different uuid, and no manifest says what it computes.
        var spec = XclbinSpec.MlirAie(2, uuidSeed: "a kernel nobody registered");
        var xclbin = XclbinFile.Read(XclbinWriter.Write(spec), "unregistered.xclbin");
        using var device = Device.Open(new EmulatorBackend());
        using var context = new HwContext(device, device.RegisterXclbin(xclbin));
        using var kernel = new Kernel(context, "MLIR_AIE");
        using var instr = new Bo(device, 64, BoFlags.Cacheable, kernel.GroupId(1));
        using var bo0 = new Bo(device, 512, BoFlags.HostOnly, kernel.GroupId(3));
        using var bo1 = new Bo(device, 256, BoFlags.HostOnly, kernel.GroupId(4));
        var e = Assert.Throws<NpuException>(() => kernel.Start(3UL, instr, 16u, bo0, bo1));
        Assert.Contains("no reference is registered", e.Message);
        Assert.Contains("kernel.json", e.Message);
        Assert.Contains(xclbin.Uuid.ToString(), e.Message);
    }

    [Fact]
    public void Unknown_kernel_name_lists_the_kernels_in_the_file()
    {
        using var rig = new TileKernelRig();
        var e = Assert.Throws<NpuException>(() => new Kernel(rig.Context, "matmul"));
        Assert.Contains("MLIR_AIE", e.Message);
    }

    [Fact]
    public void Sub_buffer_past_the_parents_end_is_rejected()
    {
        using var rig = new TileKernelRig();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Bo(rig.Input, 256, 384));
        Assert.Contains("does not fit", e.Message);
    }
}
