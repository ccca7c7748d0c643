using NpuSdk.Xclbin;

namespace NpuSdk.Launch;

/// <summary>
/// A kernel ready to launch on one device: its context, the instruction buffer (synced once) and where
/// each argument of its signature goes. Runs are bound from the signature read from the xclbin, so the
/// mlir-aie ABI (<c>opcode, instr, ninstr, bo0..</c>) and older layouts (<c>instr, ninstr, in, tmp, out</c>) both work.
/// </summary>
internal sealed class LoadedKernel : IDisposable
{
    private readonly Bo _instructions;
    private readonly uint _instructionWords;
    private readonly int[] _dataArgs;

    internal LoadedKernel(Device device, NpuKernelBinding binding, string baseDirectory)
    {
        Binding = binding;
        string xclbinPath = Path.Combine(baseDirectory, binding.XclbinPath);
        if (!File.Exists(xclbinPath))
            throw new FileNotFoundException($"{binding.Method}: the xclbin '{binding.XclbinPath}' is not in {baseDirectory}; add it to the project as an AdditionalFiles item (NpuSdk.props copies it to the output).", xclbinPath);
        var xclbin = XclbinFile.ReadFile(xclbinPath);
        var signature = xclbin.FindKernel(binding.KernelName)
            ?? throw new NpuException($"{binding.Method}: the xclbin '{binding.XclbinPath}' has no kernel '{binding.KernelName}'.");
        Context = new HwContext(device, device.RegisterXclbin(xclbin));
        Kernel = new Kernel(Context, binding.KernelName);

        var data = new List<int>();
        foreach (var arg in signature.Arguments)
            if (arg.IsBuffer && arg.Name != "instr") data.Add(arg.Index);
        if (data.Count != binding.DataBufferCount)
            throw new NpuException($"{binding.Method}: kernel '{binding.KernelName}' of '{binding.XclbinPath}' has {data.Count} data buffer arguments, but the method was generated for {binding.DataBufferCount}; rebuild the project.");
        _dataArgs = data.ToArray();

        uint[] words = InstructionStream.LoadFile(Path.Combine(baseDirectory, binding.InstructionsPath)).ToArray();
        _instructionWords = (uint)words.Length;
        var instr = signature.FindArgument("instr");
        _instructions = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, instr is null ? 1 : Kernel.GroupId(instr.Index));
        words.AsSpan().CopyTo(_instructions.Map<uint>());
        _instructions.Sync(SyncDirection.ToDevice);
        Signature = signature;
    }

    internal NpuKernelBinding Binding { get; }
    internal HwContext Context { get; }
    internal Kernel Kernel { get; }
    internal XclbinKernel Signature { get; }
    internal Device Device => Context.Device;

    /// <summary>The memory group for data buffer <paramref name="dataIndex"/> (0 = the first buffer after the instructions).</summary>
    internal int DataGroup(int dataIndex) => Kernel.GroupId(_dataArgs[dataIndex]);

    /// <summary>A run with every argument bound: opcode 3, the instructions, and <paramref name="buffers"/> in signature order.</summary>
    internal Run CreateRun(ReadOnlySpan<Bo> buffers)
    {
        var run = new Run(Kernel);
        int next = 0;
        foreach (var arg in Signature.Arguments)
        {
            if (arg.IsBuffer) run.SetArg(arg.Index, arg.Name == "instr" ? _instructions : buffers[next++]);
            else if (arg.Name == "opcode") BindScalar(run, arg, 3);
            else if (arg.Name == "ninstr") BindScalar(run, arg, _instructionWords);
            else throw new NpuArgumentBindingException(Signature.Name, arg.Index, arg.Name, "launch plans bind only opcode, instr, ninstr and buffers; this scalar has no value to bind.");
        }
        return run;
    }

    private static void BindScalar(Run run, XclbinKernelArg arg, ulong value)
    {
        if (arg.Size == 4) run.SetArg(arg.Index, (uint)value);
        else run.SetArg(arg.Index, value);
    }

    public void Dispose()
    {
        _instructions.Dispose();
        Kernel.Dispose();
        Context.Dispose();
    }
}
