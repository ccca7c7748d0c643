using NpuSdk;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;
using NpuSdk.Xrt;

namespace TilingStrategies;

/// <summary>
/// The matmul the way the original port wrote it, over the runtime API (XRT's objects), for any of the library's
/// matmul designs: its setup once (xclbin, context, kernel, instruction buffer), then one kernel call per block
/// (i, j, k) — k fastest, partial outputs added in int32 on the host and, for an int8 output, saturated once at the end.
/// <see cref="PerTile"/> is the port's loop (one buffer set; write, sync, launch, blocking wait, sync back, read per
/// call); <see cref="Waves"/> is its "waves" variant (512 calls in flight over 512 buffer slots, each wave's syncs once).
/// Shapes must be whole blocks of the design (the port padded its matrices).
/// </summary>
internal sealed class HandWrittenLoops : IDisposable
{
    public const int WaveSize = 512;

    private readonly Device _device;
    private readonly HwContext _context;
    private readonly Kernel _kernel;
    private readonly Bo _instructions;
    private readonly uint _instructionWords;
    private readonly KernelManifest _manifest;
    private readonly int _tm, _tn, _kMultiple;
    private readonly bool _kStrip;
    private readonly Dictionary<int, BufferSet> _perTileBuffers = new();

    public HandWrittenLoops(Device device, string directory, string design)
    {
        _device = device;
        string xclbin = Path.Combine(directory, design + ".xclbin");
        _manifest = KernelManifestParser.Parse(File.ReadAllText(Path.ChangeExtension(xclbin, ".kernel.json")), design + ".kernel.json");
        _context = new HwContext(device, device.RegisterXclbin(xclbin));
        _kernel = new Kernel(_context, _manifest.KernelName);
        var words = InstructionStream.LoadFile(Path.ChangeExtension(xclbin, ".insts.txt")).ToArray();
        _instructionWords = (uint)words.Length;
        _instructions = new Bo(device, (ulong)words.Length * 4, BoFlags.Cacheable, _kernel.GroupId(1));
        words.AsSpan().CopyTo(_instructions.Map<uint>());
        _instructions.Sync(SyncDirection.ToDevice);
        _kStrip = _manifest.Pattern == NpuPattern.KStripMatMul;
        (_tm, _tn) = (_manifest.Dimension("m"), _manifest.Dimension("n"));
        _kMultiple = _kStrip ? _manifest.Dimension("kMultiple") : _manifest.Dimension("k");
        OutputIsInt8 = _manifest.BufferOf("c")!.ElementType == ElementType.Int8;
    }

    /// <summary>True when the design returns int8 partial tiles (the host saturates the int32 sum once), false for int32.</summary>
    public bool OutputIsInt8 { get; }

    /// <summary>One kernel call per block, each with its own writes, syncs, launch and blocking wait: the original port's loop.</summary>
    public void PerTile(sbyte[] a, sbyte[] b, int m, int k, int n, Array c)
    {
        var calls = Calls(m, k, n);
        // The port's input and output buffers, allocated once with its setup (here on the first call at this K).
        if (!_perTileBuffers.TryGetValue(k, out var buffers)) _perTileBuffers[k] = buffers = new BufferSet(this, k, slots: 1);
        var acc = new int[m * n];
        var tile = new byte[buffers.OutputSlotBytes];
        foreach (var call in calls)
        {
            foreach (var input in buffers.Inputs)
            {
                var packed = new byte[input.SlotBytes];   // the port's concatenate([A_tile.flatten(), B_tile.flatten()])
                Pack(input, call, a, b, k, n, packed);
                input.Parent.Write(packed);
                input.Parent.Sync(SyncDirection.ToDevice, (ulong)input.SlotBytes, 0);
            }
            using var run = new Run(_kernel);
            buffers.Bind(run, slot: 0);
            run.Start();
            run.Wait(TimeSpan.FromSeconds(10)).ThrowIfNotCompleted();
            buffers.Output.Parent.Sync(SyncDirection.FromDevice, (ulong)tile.Length, 0);
            buffers.Output.Parent.Read(tile);
            Accumulate(tile, call, acc, n);
        }
        Store(acc, c);
    }

    /// <summary>The port's waves: calls in groups of <see cref="WaveSize"/> over as many buffer slots, each wave synced once each way, every run waited on.</summary>
    public sealed class WavePlan : IDisposable
    {
        internal WavePlan(HandWrittenLoops loops, int k)
        {
            Buffers = new BufferSet(loops, k, WaveSize);
            Runs = new Run[WaveSize];
            for (int s = 0; s < WaveSize; s++)
            {
                Runs[s] = new Run(loops._kernel);
                Buffers.Bind(Runs[s], s);
            }
        }

        internal BufferSet Buffers { get; }
        internal Run[] Runs { get; }

        public void Dispose()
        {
            foreach (var r in Runs) r.Dispose();
            Buffers.Dispose();
        }
    }

    /// <summary>The buffers and runs of the waves, made once (the port's pool of 512 buffer pairs).</summary>
    public WavePlan PlanWaves(int k) => new(this, k);

    /// <summary>The calls in waves over <paramref name="plan"/>'s slots.</summary>
    public void Waves(WavePlan plan, sbyte[] a, sbyte[] b, int m, int k, int n, Array c)
    {
        var calls = Calls(m, k, n);
        var buffers = plan.Buffers;
        var acc = new int[m * n];
        var tile = new byte[buffers.OutputSlotBytes];
        for (int first = 0; first < calls.Count; first += WaveSize)
        {
            int count = Math.Min(WaveSize, calls.Count - first);
            foreach (var input in buffers.Inputs)
            {
                var mapped = input.Parent.Map();
                for (int s = 0; s < count; s++) Pack(input, calls[first + s], a, b, k, n, mapped.Slice(s * input.SlotBytes, input.SlotBytes));
                input.Parent.Sync(SyncDirection.ToDevice, (ulong)(count * input.SlotBytes), 0);
            }
            for (int s = 0; s < count; s++) plan.Runs[s].Start();
            for (int s = 0; s < count; s++) plan.Runs[s].Wait(TimeSpan.FromSeconds(10)).ThrowIfNotCompleted();
            var output = buffers.Output;
            output.Parent.Sync(SyncDirection.FromDevice, (ulong)(count * output.SlotBytes), 0);
            for (int s = 0; s < count; s++)
            {
                output.Parent.Read(tile, (ulong)(s * output.SlotBytes));
                Accumulate(tile, calls[first + s], acc, n);
            }
        }
        Store(acc, c);
    }

    /// <summary>The blocks one call covers: (row block, column block, k block), k fastest, as the port's loop nest.</summary>
    private List<(int I, int J, int Kb)> Calls(int m, int k, int n)
    {
        if (m % _tm != 0 || n % _tn != 0 || k % _kMultiple != 0)
            throw new ArgumentException($"{_manifest.Name}: the hand-written loops need whole blocks ({_tm} x {_kMultiple} by {_kMultiple} x {_tn}); got {m}x{k} by {k}x{n}.");
        int kBlocks = _kStrip ? 1 : k / _kMultiple;
        var calls = new List<(int, int, int)>(m / _tm * (n / _tn) * kBlocks);
        for (int i = 0; i < m / _tm; i++)
            for (int j = 0; j < n / _tn; j++)
                for (int kb = 0; kb < kBlocks; kb++) calls.Add((i, j, kb));
        return calls;
    }

    /// <summary>Writes the blocks of A and B a call reads where the manifest puts them in <paramref name="input"/>'s slot.</summary>
    private void Pack(InputBuffer input, (int I, int J, int Kb) call, sbyte[] a, sbyte[] b, int k, int n, Span<byte> slot)
    {
        int tk = _kStrip ? k : _kMultiple;
        foreach (var part in input.Parts)
        {
            var bytes = slot.Slice((int)part.ByteOffset, (int)part.ByteCount);
            if (part.Operand == "a")
                for (int r = 0; r < _tm; r++)
                    new ReadOnlySpan<sbyte>(a, (call.I * _tm + r) * k + call.Kb * tk, tk).CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(bytes.Slice(r * tk, tk)));
            else
                for (int r = 0; r < tk; r++)
                    new ReadOnlySpan<sbyte>(b, (call.Kb * tk + r) * n + call.J * _tn, _tn).CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(bytes.Slice(r * _tn, _tn)));
        }
    }

    private void Accumulate(byte[] tile, (int I, int J, int Kb) call, int[] acc, int n)
    {
        for (int r = 0; r < _tm; r++)
            for (int col = 0; col < _tn; col++)
            {
                int e = r * _tn + col;
                acc[(call.I * _tm + r) * n + call.J * _tn + col] += OutputIsInt8 ? (sbyte)tile[e] : BitConverter.ToInt32(tile, 4 * e);
            }
    }

    private void Store(int[] acc, Array c)
    {
        if (OutputIsInt8)
        {
            var c8 = (sbyte[])c;
            for (int e = 0; e < acc.Length; e++) c8[e] = (sbyte)Math.Clamp(acc[e], sbyte.MinValue, sbyte.MaxValue);
        }
        else acc.CopyTo((int[])c, 0);
    }

    public void Dispose()
    {
        foreach (var b in _perTileBuffers.Values) b.Dispose();
        _instructions.Dispose();
        _kernel.Dispose();
        _context.Dispose();
    }

    /// <summary>One input buffer argument: its parent allocation of slots and the operands a slot holds.</summary>
    internal sealed record InputBuffer(int ArgIndex, Bo Parent, Bo[] Slots, int SlotBytes, OperandLayout[] Parts);

    /// <summary>One buffer per data argument the design uses, each with <c>slots</c> slots (sub-buffers when more than one).</summary>
    internal sealed class BufferSet : IDisposable
    {
        private readonly HandWrittenLoops _loops;

        public BufferSet(HandWrittenLoops loops, int k, int slots)
        {
            _loops = loops;
            var manifest = loops._manifest;
            var signature = loops._kernel.Signature!;
            int strip = loops._kStrip ? k : 0;
            var inputs = new List<InputBuffer>();
            foreach (var buffer in manifest.Buffers.Where(x => x.Role is BufferRole.Input or BufferRole.Output))
            {
                int arg = signature.FindArgument(buffer.Arg)!.Index;
                int slotBytes = (int)OperandLayout.SlotElements(buffer, strip) * ElementTypes.Size(buffer.ElementType!.Value);
                var parent = new Bo(loops._device, (ulong)(slotBytes * slots), BoFlags.HostOnly, loops._kernel.GroupId(arg));
                var subs = slots == 1 ? [parent] : Enumerable.Range(0, slots).Select(s => new Bo(parent, (ulong)slotBytes, (ulong)(s * slotBytes))).ToArray();
                var parts = buffer.Parts.Select(p => OperandLayout.Of(manifest, p.Operand, strip)).ToArray();
                var set = new InputBuffer(arg, parent, subs, slotBytes, parts);
                if (buffer.Role == BufferRole.Input) inputs.Add(set);
                else Output = set;
            }
            Inputs = inputs;
        }

        public IReadOnlyList<InputBuffer> Inputs { get; }
        public InputBuffer Output { get; } = null!;
        public int OutputSlotBytes => Output.SlotBytes;

        /// <summary>Binds a run to slot <paramref name="slot"/>: opcode 3, the instructions and their count, each data buffer's slot.</summary>
        public void Bind(Run run, int slot)
        {
            run.SetArg(0, 3UL);
            run.SetArg(1, _loops._instructions);
            run.SetArg(2, _loops._instructionWords);
            foreach (var b in Inputs.Append(Output)) run.SetArg(b.ArgIndex, b.Slots[slot]);
        }

        public void Dispose()
        {
            foreach (var b in Inputs.Append(Output))
            {
                if (b.Slots.Length > 1) foreach (var s in b.Slots) s.Dispose();
                b.Parent.Dispose();
            }
        }
    }
}
