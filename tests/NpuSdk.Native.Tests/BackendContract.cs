using NpuSdk.Backends;
using NpuSdk.Emulation;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Native.Tests;

/// <summary>
/// The rules every backend obeys, for everything XRT's no-op device can show (it completes runs but
/// computes nothing, so results are not compared here). Each test runs once per subclass: the emulator
/// and XRT. The setup is the original port's: the SDK-written 16x16 tile xclbin, its instruction buffer
/// and a plan's input and output parents.
/// </summary>
public abstract class BackendContract : IDisposable
{
    private const int T = 16;
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    protected BackendContract(INpuBackend backend)
    {
        Emulation = LibraryKernel.TileMatMul16;
        Device = Device.Open(backend);
        Uuid = Emulation.RegisterOn(Device);
        Context = new HwContext(Device, Uuid);
        Kernel = new Kernel(Context, Emulation.KernelName);
        Instr = new Bo(Device, (ulong)Emulation.Instructions.Length * 4, BoFlags.Cacheable, Kernel.GroupId(1));
        Emulation.Instructions.CopyTo(Instr.Map<uint>());
        Instr.Sync(SyncDirection.ToDevice);
    }

    private LibraryKernel Emulation { get; }
    private Device Device { get; }
    private XclbinUuid Uuid { get; }
    private HwContext Context { get; }
    private Kernel Kernel { get; }
    private Bo Instr { get; }

    private Run BoundRun(Bo input, Bo output)
    {
        var run = new Run(Kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, Instr);
        run.SetArg(2, (uint)Emulation.Instructions.Length);
        run.SetArg(3, input);
        run.SetArg(4, output);
        return run;
    }

    [ContractFact]
    public void GroupIdOfEveryArgumentIsTheMemoryGroupTheReaderDerivedFromConnectivity()
    {
        var signature = Emulation.Xclbin.FindKernel(Emulation.KernelName)!;
        Assert.NotEmpty(signature.Arguments);
        foreach (var arg in signature.Arguments)
        {
            int expected = arg.IsBuffer && arg.MemoryGroup is int g ? g : -1;
            Assert.True(expected == Kernel.GroupId(arg.Index), $"argument {arg.Index} ('{arg.Name}'): reader {expected}, backend {Kernel.GroupId(arg.Index)}");
        }
        Assert.NotEqual(Kernel.GroupId(1), Kernel.GroupId(3)); // instructions and data live in different banks
    }

    [ContractFact]
    public void SubBufferIsAWindowOnItsParentsHostMemoryAndAddress()
    {
        using var parent = new Bo(Device, 4096, BoFlags.HostOnly, Kernel.GroupId(3));
        using var sub = new Bo(parent, 512, 1024);
        for (int i = 0; i < 4096; i++) parent.Map()[i] = (byte)(i * 7);

        Assert.Equal(512UL, sub.Size);
        Assert.Equal(parent.Address + 1024, sub.Address);
        Assert.True(parent.Map().Slice(1024, 512).SequenceEqual(sub.Map()));
        sub.Map()[3] = 0xA5;
        Assert.Equal(0xA5, parent.Map()[1027]);
    }

    [ContractFact]
    public void SyncOfARangeInsideTheBufferIsCountedAndARangePastItsEndFails()
    {
        using var bo = new Bo(Device, 4096, BoFlags.HostOnly, Kernel.GroupId(3));
        long before = Device.Counters.BytesToDevice;
        bo.Sync(SyncDirection.ToDevice, 512, 1024);
        bo.Sync(SyncDirection.FromDevice, 4096, 0);
        Assert.Equal(before + 512, Device.Counters.BytesToDevice);

        var e = Assert.ThrowsAny<NpuException>(() => bo.Handle.Sync(SyncDirection.ToDevice, 4096, 1024));
        Assert.Contains("1024", e.Message);
    }

    [ContractFact]
    public void SubBufferPastItsParentsEndIsAnNpuException()
    {
        using var parent = new Bo(Device, 4096, BoFlags.HostOnly, Kernel.GroupId(3));
        Assert.ThrowsAny<NpuException>(() => parent.Handle.CreateSubBuffer(8, 4090));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bo(parent, 8, 4090));
    }

    [ContractFact]
    public void UnknownKernelNameIsAnNpuExceptionNamingTheKernel()
    {
        var e = Assert.ThrowsAny<NpuException>(() => Context.Handle.OpenKernel("NO_SUCH_KERNEL"));
        Assert.Contains("NO_SUCH_KERNEL", e.Message);
    }

    [ContractFact]
    public void ArgumentIndexPastTheSignatureIsABindingErrorNamingTheIndex()
    {
        using var run = new Run(Kernel);
        var e = Assert.Throws<NpuArgumentBindingException>(() => run.SetArg(99, 3UL));
        Assert.Equal(99, e.ArgIndex);
        Assert.Equal(Emulation.KernelName, e.Kernel);
        Assert.Equal(99, Assert.Throws<NpuArgumentBindingException>(() => Kernel.GroupId(99)).ArgIndex);
    }

    [ContractFact]
    public void RunNeverStartedIsNew()
    {
        using var run = new Run(Kernel);
        Assert.Equal(CommandState.New, run.State);
    }

    [ContractFact]
    public void BoundRunStartedTwiceCompletesBothTimes()
    {
        using var input = new Bo(Device, 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        using var output = new Bo(Device, T * T, BoFlags.HostOnly, Kernel.GroupId(4));
        input.Sync(SyncDirection.ToDevice);
        using var run = BoundRun(input, output);
        for (int i = 0; i < 2; i++)
        {
            run.Start();
            Assert.Equal(CommandState.Completed, run.Wait(Generous));
            Assert.Equal(CommandState.Completed, run.State);
        }
        Assert.Equal(2, Device.Counters.Runs);
    }

    [ContractFact]
    public void RunListOfTenThousandRunsOverSubBuffersCompletesAndReexecutes()
    {
        const int runs = 10_000;
        using var inputs = new Bo(Device, (ulong)runs * 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        using var outputs = new Bo(Device, (ulong)runs * T * T, BoFlags.HostOnly, Kernel.GroupId(4));
        inputs.Sync(SyncDirection.ToDevice);
        using var list = new RunList(Context);
        for (int i = 0; i < runs; i++)
        {
            var input = new Bo(inputs, 2 * T * T, (ulong)i * 2 * T * T);
            var output = new Bo(outputs, T * T, (ulong)i * T * T);
            list.Add(BoundRun(input, output));
        }
        Assert.Equal(runs, list.Count);

        for (int pass = 1; pass <= 2; pass++)
        {
            list.Execute();
            Assert.Equal(CommandState.Completed, list.Wait(Generous));
            Assert.Equal((long)pass * runs, Device.Counters.Runs);
            Assert.Equal(pass, Device.Counters.Submissions);
        }
        outputs.Sync(SyncDirection.FromDevice);
        Assert.Equal(2L * runs, Device.Counters.SubBuffersCreated);
    }

    /// <summary>A plan's runs as one set: the fixed arguments for all, input and output cut into a slot per run.</summary>
    private IRunBatch BoundSet(int runs, Bo inputs, Bo outputs)
    {
        var set = RunBatches.Create(Kernel.Handle, runs);
        var identity = Enumerable.Range(0, runs).ToArray();
        set.SetScalar(0, BitConverter.GetBytes(3UL));
        set.SetBuffer(1, Instr.Handle);
        set.SetScalar(2, BitConverter.GetBytes((uint)Emulation.Instructions.Length));
        set.SetSlots(3, inputs.Handle, 2 * T * T, runs, identity);
        set.SetSlots(4, outputs.Handle, T * T, runs, identity);
        return set;
    }

    [ContractFact]
    public void RunSetOfTenThousandRunsOverSlotsCompletesAndReexecutes()
    {
        const int runs = 10_000;
        using var inputs = new Bo(Device, (ulong)runs * 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        using var outputs = new Bo(Device, (ulong)runs * T * T, BoFlags.HostOnly, Kernel.GroupId(4));
        inputs.Sync(SyncDirection.ToDevice);
        using var set = BoundSet(runs, inputs, outputs);
        using var list = new RunList(Context);
        list.AddBatch(set);
        Assert.Equal(runs, list.Count);

        for (int pass = 1; pass <= 2; pass++)
        {
            list.Execute();
            Assert.Equal(CommandState.Completed, list.Wait(Generous));
            Assert.Equal((long)pass * runs, Device.Counters.Runs);
        }
    }

    [ContractFact]
    public void RunSetRefusesSlotsPastTheParentAndATableEntryThatNamesNoSlotInTheSameWords()
    {
        using var inputs = new Bo(Device, 4 * 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        using var set = RunBatches.Create(Kernel.Handle, 4);
        var tooMany = Assert.Throws<NpuException>(() => set.SetSlots(3, inputs.Handle, 2 * T * T, 5, [0, 1, 2, 3]));
        Assert.Equal($"5 slots of {2 * T * T} bytes do not fit in a buffer of {4 * 2 * T * T} bytes.", tooMany.Message);
        var noSlot = Assert.Throws<NpuException>(() => set.SetSlots(3, inputs.Handle, 2 * T * T, 4, [0, 1, 4, 3]));
        Assert.Equal("Run 2 is bound to slot 4, but there are 4.", noSlot.Message);
        var bad = Assert.Throws<NpuArgumentBindingException>(() => set.SetScalar(99, BitConverter.GetBytes(3UL)));
        Assert.Equal(99, bad.ArgIndex);
        Assert.Equal(Emulation.KernelName, bad.Kernel);
    }

    [ContractFact]
    public void RunSetBindsEachRunToTheBufferItsTableNames()
    {
        using var a = new Bo(Device, T * T, BoFlags.HostOnly, Kernel.GroupId(4));
        using var b = new Bo(Device, T * T, BoFlags.HostOnly, Kernel.GroupId(4));
        using var inputs = new Bo(Device, 2 * 2 * T * T, BoFlags.HostOnly, Kernel.GroupId(3));
        using var set = RunBatches.Create(Kernel.Handle, 2);
        set.SetScalar(0, BitConverter.GetBytes(3UL));
        set.SetBuffer(1, Instr.Handle);
        set.SetScalar(2, BitConverter.GetBytes((uint)Emulation.Instructions.Length));
        set.SetSlots(3, inputs.Handle, 2 * T * T, 2, [0, 1]);
        set.SetBuffers(4, [a.Handle, b.Handle], [1, 0]);
        Assert.Equal("Run 1 is bound to buffer 2, but there are 2.",
            Assert.Throws<NpuException>(() => set.SetBuffers(4, [a.Handle, b.Handle], [1, 2])).Message);
        using var list = new RunList(Context);
        list.AddBatch(set);
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(Generous));
    }

    [ContractFact]
    public void EmptyRunListCompletesAtOnce()
    {
        using var list = new RunList(Context);
        list.Execute();
        Assert.Equal(CommandState.Completed, list.Wait(Generous));
    }

    [ContractFact]
    public void DisposingTheDeviceReleasesEverythingMadeFromIt()
    {
        var bo = new Bo(Device, 4096, BoFlags.HostOnly, Kernel.GroupId(3));
        var run = new Run(Kernel);
        Device.Dispose();
        Assert.Throws<ObjectDisposedException>(() => bo.Map());
        Assert.Throws<ObjectDisposedException>(() => run.Start());
        Assert.Throws<ObjectDisposedException>(() => new Kernel(Context, Emulation.KernelName));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Device.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The contract on the emulator.</summary>
[Trait("Tier", "Native")]
public sealed class EmulatorContractTests() : BackendContract(new EmulatorBackend());

/// <summary>The contract on XRT's no-op device through libnpusdk_xrt.</summary>
[Trait("Tier", "Native")]
[RequiresNoopXrt]
public sealed class XrtNoopContractTests() : BackendContract(NoopXrt.Backend());
