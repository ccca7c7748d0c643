using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// Everything one call needs for one set of block counts, built once and reused: one parent buffer per data buffer
/// of the kernel, regions inside it, one run per invocation with every argument bound, and one run list. A call packs
/// each distinct input block once into mapped memory, syncs each input parent once, executes the run list once, waits
/// once, syncs each output parent once and unpacks (adding partial outputs over K on the host where the pattern
/// splits K).
/// </summary>
/// <remarks>
/// Regions: an input buffer that holds one operand has one region per distinct block of that operand, and every run
/// that reads a block is bound to its region (a 512³ matmul on a 64x64 tile packs each A and B block once, not once per
/// run that reads it; a layer norm's gamma is one region every run reads). A buffer that packs several operands has one
/// slot per invocation (a block read by several invocations is packed once and copied). An output buffer has one slot
/// per invocation. A scratch buffer is one region every run uses. Unused buffers are not bound at all.
/// A plan serves one call at a time; <see cref="NpuSession"/> pools plans by their grid.
/// </remarks>
internal sealed class BlockPlan : LaunchPlan
{
    private readonly PlanBuffer[] _buffers;
    private readonly OperandPlacement[] _operands;
    private readonly byte[] _accumulator;

    /// <param name="kernel">The loaded kernel.</param>
    /// <param name="binding">The method's binding.</param>
    /// <param name="key">The call's block counts.</param>
    /// <param name="opened">The kernel open on the pinned context: its memory groups place the buffers.</param>
    internal BlockPlan(LoadedKernel kernel, KernelBinding binding, GridKey key, Kernel opened) : base(kernel, binding, key, ownsRunList: true)
    {
        var manifest = binding.Manifest;
        var buffers = new List<PlanBuffer>();
        try
        {
            foreach (var arg in kernel.Arguments.Where(a => a.Use == ArgumentUse.Buffer))
                buffers.Add(new PlanBuffer(this, opened, manifest.Buffers[arg.Target], arg, key.StripLength));
            _buffers = buffers.ToArray();
            _operands = new OperandPlacement[Grid.Operands.Length];
            for (int i = 0; i < _operands.Length; i++)
            {
                var geometry = Grid.Operands[i];
                var layout = OperandLayout.Of(manifest, geometry.Operand.Name, key.StripLength);
                _operands[i] = new OperandPlacement(Grid, geometry, layout, _buffers.First(b => b.Manifest == layout.Buffer));
            }
            // Only outputs whose blocks sum several invocations' partials need it (a whole-array design's block is the whole output).
            int accumulatorBytes = _operands.Where(o => o.Accumulates).Select(o => o.Geometry.BlockElements * 4).DefaultIfEmpty(0).Max();
            _accumulator = new byte[accumulatorBytes];
        }
        catch
        {
            _buffers ??= buffers.ToArray();   // the buffers made before the failure
            Dispose();
            throw;
        }
    }

    internal override bool UsesTensors => false;

    /// <summary>Packs every input operand into mapped memory: each distinct block once, zero-padded past the operand's edge.</summary>
    internal void Pack(in NpuOperands operands)
    {
        for (int i = 0; i < _operands.Length; i++)
            if (_operands[i].Geometry.Operand.IsInput) _operands[i].Pack(operands, i);
    }

    /// <summary>Syncs each input parent buffer to the device, once.</summary>
    internal void SyncInputs()
    {
        foreach (var b in _buffers) if (b.Manifest.Role == BufferRole.Input) b.Parent.Sync(SyncDirection.ToDevice);
    }

    /// <summary>Syncs each output parent buffer from the device, once.</summary>
    internal void SyncOutputs()
    {
        foreach (var b in _buffers) if (b.Manifest.Role == BufferRole.Output) b.Parent.Sync(SyncDirection.FromDevice);
    }

    /// <summary>Writes every output block into the method's outputs, adding partials over K and converting to the method's type.</summary>
    internal void Unpack(in NpuOperands operands)
    {
        for (int i = 0; i < _operands.Length; i++)
            if (!_operands[i].Geometry.Operand.IsInput) _operands[i].Unpack(operands, i, Binding.MethodTypes[i], _accumulator);
    }

    protected override void BindBuffers(PlanRuns runs)
    {
        foreach (var buffer in _buffers) buffer.Bind(runs);
    }

    /// <summary>Releases the run list, runs and buffers.</summary>
    public override void Dispose()
    {
        base.Dispose();
        foreach (var b in _buffers ?? []) b.Dispose();   // null while the constructor has not got that far
    }

    /// <summary>One data buffer of the kernel: its parent allocation, cut into the slots runs are bound to, laid out by <see cref="PlanBufferLayout"/>.</summary>
    private sealed class PlanBuffer : IDisposable
    {
        // The slot each run is bound to, for a buffer of several slots: the block it reads or writes, or its own slot.
        private readonly int[]? _slotOfRun;

        public PlanBuffer(BlockPlan plan, Kernel kernel, ManifestBuffer manifest, ArgumentBinding argument, int stripLength)
        {
            Manifest = manifest;
            Argument = argument;
            var layout = PlanBufferLayout.For(manifest, plan.Grid, stripLength);
            SlotBytes = layout.SlotBytes;
            SlotCount = layout.SlotCount;
            ExclusiveGeometry = layout.ExclusiveGeometry;
            if (SlotCount > 1)
                _slotOfRun = ExclusiveGeometry is { } g ? plan.Grid.BlockTable(g) : Enumerable.Range(0, plan.Grid.Invocations).ToArray();
            Parent = new Bo(kernel.Device, checked((ulong)layout.Bytes), BoFlags.HostOnly, kernel.GroupId(argument.Argument.Index));
        }

        public ManifestBuffer Manifest { get; }
        public ArgumentBinding Argument { get; }
        public Bo Parent { get; }
        public int SlotBytes { get; }
        public int SlotCount { get; }
        public bool Exclusive => ExclusiveGeometry is not null;
        private OperandGeometry? ExclusiveGeometry { get; }

        /// <summary>
        /// Binds the buffer to the runs: the whole of it to every run when it has one slot, else each run to a sub-buffer
        /// over its slot (the runs' set makes the sub-buffers, and makes them again with the runs after an eviction).
        /// </summary>
        public void Bind(PlanRuns runs)
        {
            int index = Argument.Argument.Index;
            if (_slotOfRun is null) runs.SetBuffer(index, Parent);
            else runs.SetSlots(index, Parent, SlotBytes, SlotCount, _slotOfRun);
        }

        public Span<byte> Slot(int slot) => Parent.Map().Slice(slot * SlotBytes, SlotBytes);

        public void Dispose() => Parent?.Dispose();
    }

    /// <summary>Where one method operand goes: its buffer, its offset in a slot, and which invocations read or write which block.</summary>
    private sealed class OperandPlacement
    {
        private readonly LaunchGeometry _grid;
        private readonly PlanBuffer _buffer;
        private readonly int _byteOffset, _elementSize;
        // Packed inputs: for each invocation, -1 to pack its block there, else the invocation whose slot already holds it.
        private readonly int[]? _copyFrom;
        // Outputs: the invocations contributing to each block, block by block (CSR).
        private readonly int[]? _contributorStart, _contributors;

        public OperandPlacement(LaunchGeometry grid, OperandGeometry geometry, OperandLayout layout, PlanBuffer buffer)
        {
            _grid = grid;
            Geometry = geometry;
            _buffer = buffer;
            _byteOffset = checked((int)layout.ByteOffset);
            _elementSize = layout.ElementSize;
            KernelType = layout.ElementType;
            if (geometry.Operand.IsInput && !buffer.Exclusive && buffer.SlotCount > 1)
            {
                _copyFrom = new int[grid.Invocations];
                var first = new int[geometry.DistinctBlocks];
                Array.Fill(first, -1);
                for (int i = 0; i < grid.Invocations; i++)
                {
                    int block = grid.BlockOf(geometry, i);
                    _copyFrom[i] = first[block];
                    if (first[block] < 0) first[block] = i;
                }
            }
            if (!geometry.Operand.IsInput)
            {
                _contributorStart = new int[geometry.DistinctBlocks + 1];
                for (int i = 0; i < grid.Invocations; i++) _contributorStart[grid.BlockOf(geometry, i) + 1]++;
                for (int b = 0; b < geometry.DistinctBlocks; b++) _contributorStart[b + 1] += _contributorStart[b];
                _contributors = new int[grid.Invocations];
                var next = (int[])_contributorStart.Clone();
                for (int i = 0; i < grid.Invocations; i++) _contributors[next[grid.BlockOf(geometry, i)]++] = i;
                for (int b = 0; b < geometry.DistinctBlocks && !Accumulates; b++) Accumulates = _contributorStart[b + 1] - _contributorStart[b] > 1;
            }
        }

        /// <summary>True for an output some block of which several invocations contribute to, summed on the host.</summary>
        public bool Accumulates { get; }

        public OperandGeometry Geometry { get; }
        public ElementType KernelType { get; }
        private int BlockBytes => Geometry.BlockElements * _elementSize;

        public void Pack(in NpuOperands operands, int operand)
        {
            var g = Geometry;
            var shape = operands.Shape(operand);
            bool wholeRows = IsWholeRows(shape);
            if (_buffer.Exclusive)
            {
                for (int block = 0; block < g.DistinctBlocks; block++)
                    PackBlock(operands, operand, shape, wholeRows, block, _buffer.Slot(block).Slice(_byteOffset, BlockBytes));
                return;
            }
            if (_copyFrom is null)
            {
                PackBlock(operands, operand, shape, wholeRows, 0, _buffer.Slot(0).Slice(_byteOffset, BlockBytes));
                return;
            }
            for (int i = 0; i < _copyFrom.Length; i++)
            {
                var destination = _buffer.Slot(i).Slice(_byteOffset, BlockBytes);
                if (_copyFrom[i] < 0) PackBlock(operands, operand, shape, wholeRows, _grid.BlockOf(g, i), destination);
                else _buffer.Slot(_copyFrom[i]).Slice(_byteOffset, BlockBytes).CopyTo(destination);
            }
        }

        private void PackBlock(in NpuOperands operands, int operand, in OperandShape shape, bool wholeRows, int block, Span<byte> destination)
        {
            var (row0, col0, rows, cols) = Extent(shape, block);
            int rowBytes = Geometry.BlockCols * _elementSize, copied = cols * _elementSize;
            if (wholeRows)
            {
                // The block's rows are whole rows of a dense operand: one copy (a whole-array design's operand is one block).
                operands.Data(operand).Slice(row0 * rowBytes, rows * rowBytes).CopyTo(destination);
                destination[(rows * rowBytes)..].Clear();
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                var row = destination.Slice(r * rowBytes, rowBytes);
                operands.Row(operand, row0 + r).Slice(col0 * _elementSize, copied).CopyTo(row);
                row[copied..].Clear();
            }
            destination[(rows * rowBytes)..].Clear();
        }

        /// <summary>Whether every block's rows are whole, dense rows of the operand, so a block is one contiguous run of bytes.</summary>
        private bool IsWholeRows(in OperandShape shape) => shape.Cols == Geometry.BlockCols && shape.Stride == shape.Cols;

        /// <summary>Where <paramref name="block"/> starts in the operand and how much of it lies inside (the rest is padding).</summary>
        private (int Row0, int Col0, int Rows, int Cols) Extent(in OperandShape shape, int block)
        {
            var g = Geometry;
            int row0 = block / g.ColBlocks * g.BlockRows, col0 = block % g.ColBlocks * g.BlockCols;
            return (row0, col0, Math.Clamp(shape.Rows - row0, 0, g.BlockRows), Math.Clamp(shape.Cols - col0, 0, g.BlockCols));
        }

        public void Unpack(in NpuOperands operands, int operand, ElementType methodType, byte[] accumulator)
        {
            var g = Geometry;
            var shape = operands.Shape(operand);
            int methodSize = ElementTypes.Size(methodType);
            var accumulatorType = ElementConversion.AccumulatorFor(KernelType);
            bool wholeRows = IsWholeRows(shape);
            for (int block = 0; block < g.DistinctBlocks; block++)
            {
                var (row0, col0, rows, cols) = Extent(shape, block);
                if (rows == 0 || cols == 0) continue;
                int start = _contributorStart![block], count = _contributorStart[block + 1] - start;
                ReadOnlySpan<byte> source;
                ElementType sourceType;
                int sourceSize;
                if (count == 1)
                {
                    source = _buffer.Slot(_contributors![start]).Slice(_byteOffset, BlockBytes);
                    (sourceType, sourceSize) = (KernelType, _elementSize);
                }
                else
                {
                    var sum = accumulator.AsSpan(0, g.BlockElements * 4);
                    sum.Clear();
                    for (int c = 0; c < count; c++)
                        ElementConversion.Accumulate(KernelType, _buffer.Slot(_contributors![start + c]).Slice(_byteOffset, BlockBytes), sum, g.BlockElements);
                    source = sum;
                    (sourceType, sourceSize) = (accumulatorType, 4);
                }
                int rowBytes = g.BlockCols * sourceSize;
                if (wholeRows)
                {
                    ElementConversion.Convert(sourceType, source[..(rows * rowBytes)], methodType,
                        operands.Data(operand).Slice(row0 * cols * methodSize, rows * cols * methodSize), rows * cols);
                    continue;
                }
                for (int r = 0; r < rows; r++)
                    ElementConversion.Convert(sourceType, source.Slice(r * rowBytes, cols * sourceSize), methodType,
                        operands.Row(operand, row0 + r).Slice(col0 * methodSize, cols * methodSize), cols);
            }
        }
    }
}
