using NpuSdk.Backends;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Launch;

/// <summary>
/// A kernel ready to launch on one device: its xclbin registered, its context and kernel open, the instruction buffer
/// written and synced once, and every argument matched with the manifest (opcode, instructions, word count, data
/// buffers, unused buffers, scalars). Runs are bound from this, so the mlir-aie ABI (<c>opcode, instr, ninstr,
/// bo0..bo4</c>) and older layouts (<c>instr, ninstr, in, tmp, out</c>) both work.
/// </summary>
internal sealed class LoadedKernel : IDisposable
{
    private readonly Bo? _instructions;
    private readonly uint _instructionWords;

    internal LoadedKernel(Device device, KernelBinding binding, string baseDirectory)
    {
        var d = binding.Descriptor;
        string xclbinPath = Path.Combine(baseDirectory, d.XclbinPath);
        if (!File.Exists(xclbinPath))
            throw new FileNotFoundException($"{d.Method}: the xclbin '{d.XclbinPath}' is not in {baseDirectory}; add it to the project as an AdditionalFiles item (NpuSdk.props copies *.xclbin to the output).", xclbinPath);
        var xclbin = XclbinFile.ReadFile(xclbinPath);
        var signature = xclbin.FindKernel(d.KernelName)
            ?? throw new NpuException($"{d.Method}: the xclbin '{d.XclbinPath}' has no kernel '{d.KernelName}'; it has {string.Join(", ", xclbin.Kernels.Select(k => k.Name))}.");
        try
        {
            Arguments = KernelAbi.Bind(signature, binding.Manifest);
        }
        catch (KernelManifestException e)
        {
            throw new NpuException($"{d.Method}: the xclbin '{d.XclbinPath}' does not fit the method's manifest: {e.Reason}.", e);
        }

        var uuid = device.RegisterXclbin(xclbin, binding.Manifest);
        try
        {
            Context = new HwContext(device, uuid);
            Kernel = new Kernel(Context, d.KernelName);
            if (Arguments.FirstOrDefault(a => a.Use == ArgumentUse.Instructions) is { } instr)
            {
                if (d.InstructionsPath.Length == 0) throw new NpuException($"{d.Method}: kernel '{d.KernelName}' takes an instruction buffer, but no instruction file was given.");
                uint[] words = InstructionStream.LoadFile(Path.Combine(baseDirectory, d.InstructionsPath)).ToArray();
                _instructionWords = (uint)words.Length;
                _instructions = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, Kernel.GroupId(instr.Argument.Index));
                words.AsSpan().CopyTo(_instructions.Map<uint>());
                _instructions.Sync(SyncDirection.ToDevice);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        Binding = binding;
        _fixedScalars = Arguments.Select(a => a.Use switch
            {
                ArgumentUse.Opcode => (a.Argument, KernelAbi.RunInstructionsOpcode),
                ArgumentUse.InstructionCount => (a.Argument, _instructionWords),
                ArgumentUse.Scalar when binding.Manifest.Scalars[a.Target].Value is double value => (a.Argument, ScalarBits(binding.Manifest.Scalars[a.Target].Type, value)),
                _ => default((KernelArgumentInfo, ulong)?),
            })
            .Where(f => f is not null).Select(f => f!.Value).ToArray();
        _instructionsArg = Arguments.FirstOrDefault(a => a.Use == ArgumentUse.Instructions)?.Argument.Index ?? -1;
    }

    // What every run of the kernel binds the same way, worked out once rather than for each of a plan's runs.
    private readonly (KernelArgumentInfo Arg, ulong Bits)[] _fixedScalars;
    private readonly int _instructionsArg;

    internal KernelBinding Binding { get; }
    internal HwContext Context { get; } = null!;
    internal Kernel Kernel { get; } = null!;
    internal IReadOnlyList<ArgumentBinding> Arguments { get; }
    internal Device Device => Context.Device;

    /// <summary>Binds every argument but the data buffers and the call's scalars: opcode 3, the instructions and their word count, and the manifest's fixed scalars.</summary>
    internal void BindFixed(Run run)
    {
        foreach (var (arg, bits) in _fixedScalars) BindScalar(run, arg, bits);
        if (_instructionsArg >= 0) run.SetArg(_instructionsArg, _instructions!);
    }

    internal static void BindScalar(Run run, KernelArgumentInfo arg, ulong value)
    {
        if (arg.Size == 4) run.SetArg(arg.Index, (uint)value);
        else run.SetArg(arg.Index, value);
    }

    internal static ulong ScalarBits(ScalarType type, double value) => type switch
    {
        ScalarType.Float32 => BitConverter.SingleToUInt32Bits((float)value),
        ScalarType.Int32 => unchecked((uint)(int)value),
        ScalarType.Int64 => unchecked((ulong)(long)value),
        ScalarType.UInt32 => (uint)value,
        _ => (ulong)value,
    };

    public void Dispose()
    {
        _instructions?.Dispose();
        Kernel?.Dispose();
        Context?.Dispose();
    }
}
