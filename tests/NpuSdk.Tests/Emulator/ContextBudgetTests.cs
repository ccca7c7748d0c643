using NpuSdk.Backends.Xrt;
using NpuSdk.Emulation;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Emulator;

/// <summary>
/// The hardware-context budget as the driver enforces it and as hand-written code meets it: contexts the program opens
/// itself count, are never evicted, and the one past the budget is refused with a typed error that says what to do.
/// </summary>
public sealed class ContextBudgetTests
{
    private static XclbinUuid Register(Device device, string seed) =>
        device.RegisterXclbin(XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(3, uuidSeed: seed)), seed + ".xclbin"));

    private static Device Emulated(NpuDeviceProfile profile, int heldElsewhere = 0, string? maxContexts = null, LatencyModel? latency = null) =>
        Device.Open(new EmulatorBackend(new EmulatorOptions { Profile = profile, ContextsHeldElsewhere = heldElsewhere, Latency = latency }), 0,
            name => name == NpuDeviceProfile.MaxContextsVariable ? maxContexts : null);

    [Fact]
    public void The_emulator_reports_its_profile_as_the_driver_would_and_the_device_takes_its_budget()
    {
        using var npu1 = Emulated(NpuDeviceProfile.Npu1);
        Assert.Equal("RyzenAI-npu1", npu1.DeviceName);
        Assert.Same(NpuDeviceProfile.Npu1, npu1.Profile);
        Assert.Equal(6, npu1.ContextBudget);
        using var npu4 = Emulated(NpuDeviceProfile.Npu4);
        Assert.Equal("RyzenAI-npu4", npu4.DeviceName);
        Assert.Same(NpuDeviceProfile.Npu4, npu4.Profile);
        Assert.Equal(16, npu4.ContextBudget);
        Assert.Same(LatencyModel.Strix, npu4.Profile.Latency);
    }

    [Theory]
    [InlineData("npu1", 6)]
    [InlineData("npu4", 16)]
    public void A_context_past_the_profiles_budget_is_refused_with_the_typed_error(string profileName, int budget)
    {
        using var device = Emulated(NpuDeviceProfile.Parse(profileName));
        var contexts = Enumerable.Range(0, budget).Select(i => new HwContext(device, Register(device, $"design{i}"))).ToList();
        Assert.Equal(budget, device.LiveContexts);

        var refused = Assert.Throws<NpuContextBudgetException>(() => new HwContext(device, Register(device, "one too many")));
        Assert.Equal(budget, refused.Budget);
        Assert.Equal(budget, refused.LiveContexts.Count);
        Assert.All(refused.LiveContexts, c => Assert.Contains("a HwContext the program opened", c));
        Assert.Contains($"allows {budget} at once", refused.Message);
        Assert.Contains("'one too many.xclbin'", refused.Message);
        Assert.Contains(NpuContextBudgetException.InspectCommand, refused.Message);
        Assert.Equal(budget, device.LiveContexts);

        // A context the program releases frees its slot.
        contexts[0].Dispose();
        using var next = new HwContext(device, Register(device, "after a release"));
        Assert.Equal(budget, device.LiveContexts);
        foreach (var c in contexts) c.Dispose();
    }

    [Fact]
    public void Slots_other_processes_hold_count_and_the_refusal_quotes_the_driver()
    {
        using var device = Emulated(NpuDeviceProfile.Npu1, heldElsewhere: 4);
        using var a = new HwContext(device, Register(device, "a"));
        using var b = new HwContext(device, Register(device, "b"));

        var refused = Assert.Throws<NpuContextBudgetException>(() => new HwContext(device, Register(device, "c")));
        // The device's own count (2 of 6) let the open through; the emulated driver refused it, as amdxdna would.
        Assert.Contains(ContextRefusal.DriverMessage, refused.Message);
        Assert.Contains("other processes hold the rest", refused.Message);
        var driver = Assert.IsType<NpuContextBudgetException>(refused.InnerException);
        Assert.Null(driver.Budget);
        Assert.Equal(2, refused.LiveContexts.Count);
    }

    [Fact]
    public void The_max_contexts_variable_lowers_the_budget_and_says_so()
    {
        using var device = Emulated(NpuDeviceProfile.Npu1, maxContexts: "2");
        Assert.Equal(2, device.ContextBudget);
        Assert.Contains("NPUSDK_MAX_CONTEXTS=2", device.ContextBudgetSource);
        using var a = new HwContext(device, Register(device, "a"));
        using var b = new HwContext(device, Register(device, "b"));
        var refused = Assert.Throws<NpuContextBudgetException>(() => new HwContext(device, Register(device, "c")));
        Assert.Contains("allows 2 at once, lowered from 6", refused.Message);

        // It only lowers: a larger value leaves the profile's budget.
        using var wide = Emulated(NpuDeviceProfile.Npu1, maxContexts: "64");
        Assert.Equal(6, wide.ContextBudget);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("six")]
    public void A_max_contexts_value_that_is_not_a_positive_count_is_refused_naming_the_variable(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Emulated(NpuDeviceProfile.Npu1, maxContexts: value));
        Assert.Equal(NpuDeviceProfile.MaxContextsVariable, e.ParamName);
        Assert.Contains($"'{value}'", e.Message);
    }

    [Fact]
    public void A_kernel_or_run_still_alive_keeps_its_context_slot_as_in_XRT()
    {
        using var device = Emulated(NpuDeviceProfile.Npu1, heldElsewhere: 5);
        var context = new HwContext(device, Register(device, "kept"));
        var kernel = new Kernel(context, "MLIR_AIE");
        var run = kernel.CreateRun();
        context.Dispose();

        // The program released the context, but the kernel and the run still reference it: the driver's slot is taken.
        var refused = Assert.Throws<NpuContextBudgetException>(() => new HwContext(device, Register(device, "next")));
        Assert.Contains(ContextRefusal.DriverMessage, refused.Message);

        run.Dispose();
        kernel.Dispose();
        using var next = new HwContext(device, Register(device, "next"));
    }

    [Fact]
    public void Opening_and_closing_are_charged_and_counted()
    {
        using var device = Emulated(NpuDeviceProfile.Npu1, latency: LatencyModel.Phoenix with { PerContextClose = TimeSpan.FromMilliseconds(7) });
        var before = device.ProjectedTime!.Value;
        var context = new HwContext(device, Register(device, "charged"));
        Assert.Equal(95, (device.ProjectedTime!.Value - before).TotalMilliseconds, 6);
        context.Dispose();
        Assert.Equal(95 + 7, (device.ProjectedTime!.Value - before).TotalMilliseconds, 6);
        Assert.Equal(1, device.Counters.ContextsCreated);
        Assert.Equal(1, device.Counters.ContextsClosed);
        Assert.Equal(0, device.Counters.LiveContexts);
    }

    [Fact]
    public void The_xrt_backend_maps_the_drivers_refusal_to_the_same_typed_error_the_emulator_gives()
    {
        var uuid = new XclbinUuid(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        var fromXrt = XrtErrors.Translate(XrtStatus.NoContext, ContextRefusal.Operation(uuid), ContextRefusal.DriverMessage);

        using var device = Emulated(NpuDeviceProfile.Npu1, heldElsewhere: 6);
        var handle = device.Handle;
        var fromEmulator = Assert.Throws<NpuContextBudgetException>(() => handle.CreateHwContext(Register(device, "refused")));

        var typed = Assert.IsType<NpuContextBudgetException>(fromXrt);
        Assert.Equal($"XRT could not create a hardware context on xclbin {uuid}: {ContextRefusal.DriverMessage}", typed.Message);
        Assert.Equal(typed.Message.Replace(uuid.ToString(), "UUID"), fromEmulator.Message.Replace(Register(device, "refused").ToString(), "UUID"));
    }

    [Fact]
    public void Device_names_pick_the_generation_and_unknown_names_none()
    {
        Assert.Same(NpuDeviceProfile.Npu1, NpuDeviceProfile.FromDeviceName("RyzenAI-npu1"));
        Assert.Same(NpuDeviceProfile.Npu4, NpuDeviceProfile.FromDeviceName("RyzenAI-npu4"));
        Assert.Same(NpuDeviceProfile.Npu4, NpuDeviceProfile.FromDeviceName("RyzenAI-npu5"));
        Assert.Same(NpuDeviceProfile.Npu4, NpuDeviceProfile.FromDeviceName("RyzenAI-npu6"));
        Assert.Null(NpuDeviceProfile.FromDeviceName("xilinx_u250_gen3x16_xdma_shell_4_1"));
        Assert.Null(NpuDeviceProfile.FromDeviceName(null));
        var e = Assert.Throws<ArgumentException>(() => NpuDeviceProfile.Parse("npu9"));
        Assert.Contains("npu1", e.Message);
    }

    [Fact]
    public void The_device_variable_picks_the_emulators_profile_and_a_bad_one_names_it()
    {
        Assert.Same(NpuDeviceProfile.Npu1, NpuDeviceProfile.FromEnvironment(_ => null));
        Assert.Same(NpuDeviceProfile.Npu4, NpuDeviceProfile.FromEnvironment(n => n == NpuDeviceProfile.DeviceVariable ? "npu4" : null));
        var e = Assert.Throws<ArgumentException>(() => NpuDeviceProfile.FromEnvironment(n => n == NpuDeviceProfile.DeviceVariable ? "phx" : null));
        Assert.Equal(NpuDeviceProfile.DeviceVariable, e.ParamName);
    }

    [Fact]
    public void A_refusal_from_a_driver_the_device_did_not_count_reaches_hand_written_code_typed()
    {
        // The device lets 16 through (the budget the emulator reports), the stand-in "driver" refuses the 2nd, as another process's contexts would make it.
        using var device = Device.Open(new DriverStandIn(new EmulatorOptions { Profile = NpuDeviceProfile.Npu4 }, limit: 1, deviceName: "RyzenAI-npu1"));
        Assert.Same(NpuDeviceProfile.Npu1, device.Profile);
        using var first = new HwContext(device, Register(device, "first"));
        var refused = Assert.Throws<NpuContextBudgetException>(() => new HwContext(device, Register(device, "second")));
        Assert.Contains(ContextRefusal.DriverMessage, refused.Message);
        Assert.Contains("other processes hold the rest", refused.Message);
        Assert.Single(refused.LiveContexts);
    }
}
