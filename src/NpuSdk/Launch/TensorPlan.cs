using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// A plan whose data buffers are the call's tensors: each run is bound to the region of each tensor that holds its
/// block, so nothing is packed, copied or synced; only scratch buffers are the plan's own. Bindings are redone only for
/// an operand whose tensor changed since the last call, so a call repeated over the same tensors binds nothing.
/// </summary>
internal sealed class TensorPlan : LaunchPlan
{
    private readonly ArgumentBinding?[] _operandArgs;
    private readonly int[] _blockBytes;
    // The tensor buffer each operand's runs are bound to: a tensor that grew has a new one, so its runs rebind.
    private readonly Bo?[] _bound;
    private readonly List<(int Index, Bo Buffer)> _scratch = new();
    // For an operand of several blocks: the block each run reads or writes, so each run is bound to its tensor region.
    private readonly int[]?[] _blockOfRun;

    /// <param name="kernel">The loaded kernel.</param>
    /// <param name="binding">The method's binding.</param>
    /// <param name="key">The call's block counts.</param>
    /// <param name="ownsRunList">False for a plan of a recorded sequence, whose runs go into the sequence's run lists.</param>
    /// <param name="opened">The kernel open on the pinned context: its memory groups place the scratch buffers.</param>
    internal TensorPlan(LoadedKernel kernel, KernelBinding binding, GridKey key, bool ownsRunList, Kernel opened) : base(kernel, binding, key, ownsRunList)
    {
        var manifest = binding.Manifest;
        _operandArgs = new ArgumentBinding?[Grid.Operands.Length];
        _blockBytes = new int[Grid.Operands.Length];
        _bound = new Bo?[Grid.Operands.Length];
        _blockOfRun = new int[]?[Grid.Operands.Length];
        try
        {
            for (int i = 0; i < Grid.Operands.Length; i++)
            {
                var g = Grid.Operands[i];
                string name = binding.ParameterNames[i];
                var layout = OperandLayout.Of(manifest, g.Operand.Name, key.StripLength);
                // A tensor is one operand's whole row-major data: it can only stand for a buffer that holds that operand alone,
                // in the kernel's own type, written by one invocation per block.
                if (layout.Buffer.Parts.Count != 1 || layout.Offset != 0)
                    throw new ArgumentException($"{binding.Method}: operand '{name}' shares kernel buffer {layout.Arg} with other operands, so it cannot be a tensor; pass spans.");
                if (binding.MethodTypes[i] != g.Operand.KernelType)
                    throw new ArgumentException($"{binding.Method}: operand '{name}' is {ElementTypes.ManifestName(binding.MethodTypes[i])} in the method but {ElementTypes.ManifestName(g.Operand.KernelType)} in the kernel's buffer; a tensor holds the kernel's own type, so it cannot be converted on the way. Pass spans.", name);
                if (!g.Operand.IsInput && Grid.Invocations != g.DistinctBlocks)
                    throw new ArgumentException($"{binding.Method}: output '{name}' gets {Grid.Invocations / g.DistinctBlocks} partial blocks per block at this call's shapes (the reduction is longer than one invocation's), which the host would have to add; a tensor output needs one invocation per block. Use a design whose reduction covers the whole operand, or pass spans.", name);
                _operandArgs[i] = kernel.Arguments.First(a => a.Use == ArgumentUse.Buffer && manifest.Buffers[a.Target] == layout.Buffer);
                _blockBytes[i] = checked(g.BlockElements * layout.ElementSize);
                if (g.DistinctBlocks > 1) _blockOfRun[i] = Grid.BlockTable(g);
            }
            foreach (var a in kernel.Arguments)
            {
                if (a.Use != ArgumentUse.Buffer || manifest.Buffers[a.Target].Role != BufferRole.Scratch) continue;
                long bytes = PlanBufferLayout.For(manifest.Buffers[a.Target], Grid, key.StripLength).Bytes;
                _scratch.Add((a.Argument.Index, new Bo(kernel.Device, checked((ulong)bytes), BoFlags.HostOnly, opened.GroupId(a.Argument.Index))));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    internal override bool UsesTensors => true;

    /// <summary>Binds the scratch buffers; every operand's tensor is bound again by the next <see cref="Bind(in NpuTensorOperands)"/>.</summary>
    protected override void BindBuffers(PlanRuns runs)
    {
        foreach (var (index, bo) in _scratch) runs.SetBuffer(index, bo);
        Array.Clear(_bound);
    }

    /// <summary>
    /// Binds the call's tensors: checks that each can stand for its operand at this call's shapes (on this device, every
    /// block a run of whole rows inside the tensor's buffer), then rebinds the runs of any operand whose tensor changed.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor cannot serve its operand; the message names the parameter and why.</exception>
    internal void Bind(in NpuTensorOperands operands)
    {
        for (int i = 0; i < _operandArgs.Length; i++)
        {
            var tensor = operands.Tensor(i);
            if (ReferenceEquals(_bound[i], tensor.Buffer)) continue;   // Buffer throws ObjectDisposedException for a disposed tensor
            Check(i, tensor);
            var g = Grid.Operands[i];
            tensor.EnsureCapacity((long)g.DistinctBlocks * _blockBytes[i]);
            var buffer = tensor.Buffer;
            int index = _operandArgs[i]!.Argument.Index;
            if (_blockOfRun[i] is { } blocks) Runs.SetBuffers(index, tensor.Regions(_blockBytes[i]), blocks);
            else Runs.SetBuffer(index, buffer);
            _bound[i] = buffer;
        }
    }

    private void Check(int i, NpuTensor tensor)
    {
        var g = Grid.Operands[i];
        string name = Binding.ParameterNames[i];
        string method = Binding.Method;
        if (!ReferenceEquals(tensor.Session.Device, Kernel.Device))
            throw new ArgumentException($"{method}: tensor '{name}' belongs to another device's session.", name);
        // Block (row, col) starts at row·BlockRows·Cols + col·BlockCols: a run of whole rows when the blocks span the
        // width exactly, or part of one row when a block is one row tall. A vector operand reads the tensor whole,
        // row-major, and is cut into consecutive pieces whatever the padding of the last one.
        bool vector = Binding.Operands[i].Kind == OperandShapeKind.Vector;
        int rows = vector ? 1 : tensor.Rows, cols = vector ? tensor.Length : tensor.Cols;
        bool exactWidth = (long)g.ColBlocks * g.BlockCols == cols;
        if (rows > 1 && (!exactWidth || (g.ColBlocks > 1 && g.BlockRows > 1)))
            throw new ArgumentException($"{method}: tensor '{name}' ({tensor.Shape}) is cut by the kernel into {g.BlockRows}x{g.BlockCols} blocks, {g.ColBlocks} across its {cols} columns; only blocks of whole rows lie in one piece of its buffer. Use a design as wide as the operand, or pass spans.", name);
    }

    /// <summary>Releases the runs and the scratch buffers; the tensors stay with their owner.</summary>
    public override void Dispose()
    {
        base.Dispose();
        foreach (var (_, bo) in _scratch) bo.Dispose();
        Array.Clear(_bound);
    }
}

/// <summary>
/// The operands of one tensor call of a generated method, in parameter order: up to eight tensors and four scalars.
/// Generated code builds it with <c>NpuTensorOperands.Create().In(a).In(b).Out(c)</c>.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public struct NpuTensorOperands : ICallOperands
{
    private Slots _slots;
    private ScalarSlots _scalars;
    private int _count;

    /// <summary>No operands yet.</summary>
    public static NpuTensorOperands Create() => default;

    /// <summary>Adds an input tensor.</summary>
    public readonly NpuTensorOperands In<T>(NpuTensor<T> tensor) where T : unmanaged => With(tensor, writable: false);

    /// <summary>Adds an output tensor.</summary>
    public readonly NpuTensorOperands Out<T>(NpuTensor<T> tensor) where T : unmanaged => With(tensor, writable: true);

    /// <summary>Adds an <c>int32</c> scalar.</summary>
    public readonly NpuTensorOperands Scalar(int value) => WithScalar(unchecked((uint)value));
    /// <summary>Adds a <c>uint32</c> scalar.</summary>
    public readonly NpuTensorOperands Scalar(uint value) => WithScalar(value);
    /// <summary>Adds an <c>int64</c> scalar.</summary>
    public readonly NpuTensorOperands Scalar(long value) => WithScalar(unchecked((ulong)value));
    /// <summary>Adds a <c>uint64</c> scalar.</summary>
    public readonly NpuTensorOperands Scalar(ulong value) => WithScalar(value);
    /// <summary>Adds a <c>float32</c> scalar.</summary>
    public readonly NpuTensorOperands Scalar(float value) => WithScalar(BitConverter.SingleToUInt32Bits(value));

    internal readonly int Count => _count;
    internal readonly int ScalarCount => _scalars.Count;

    readonly bool ICallOperands.OnDevice => true;

    readonly ScalarSlots ICallOperands.Scalars => _scalars;

    readonly CallShapes ICallOperands.Shapes(KernelBinding binding) => NpuLaunch.Shapes(binding, this);

    /// <summary>Binds the runs to the tensors' buffers (only those whose tensor changed since the plan's last call).</summary>
    readonly void ICallOperands.StageInputs(LaunchPlan plan) => ((TensorPlan)plan).Bind(this);

    /// <summary>Nothing: the outputs stay on the device, in their tensors.</summary>
    readonly void ICallOperands.StageOutputs(LaunchPlan plan) { }

    internal readonly NpuTensor Tensor(int i) => (uint)i < (uint)_count ? _slots[i].Tensor : throw new ArgumentOutOfRangeException(nameof(i));

    internal readonly bool IsOutput(int i) => (uint)i < (uint)_count ? _slots[i].Writable : throw new ArgumentOutOfRangeException(nameof(i));

    private readonly NpuTensorOperands With(NpuTensor tensor, bool writable)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_count == NpuOperands.MaxOperands) throw new ArgumentException($"A kernel call takes at most {NpuOperands.MaxOperands} buffer operands.");
        var next = this;
        next._slots[_count] = (tensor, writable);
        next._count++;
        return next;
    }

    private readonly NpuTensorOperands WithScalar(ulong bits)
    {
        var next = this;
        next._scalars = _scalars.With(bits);
        return next;
    }

    [System.Runtime.CompilerServices.InlineArray(NpuOperands.MaxOperands)]
    private struct Slots
    {
        private (NpuTensor Tensor, bool Writable) _first;
    }
}
