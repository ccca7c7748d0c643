using System.Linq;

namespace NpuSdk.KernelModel.Patterns;

/// <summary>
/// How a launch plan lays out one data buffer of the kernel: one parent allocation of <see cref="SlotCount"/> slots of
/// <see cref="SlotBytes"/> each. The runtime's plans allocate by it and <c>npu plan</c> counts bytes by it, so what the
/// tool prints is what a call moves.
/// </summary>
/// <remarks>
/// One operand alone in an input buffer: a slot per distinct block of that operand, which every invocation reading the
/// block is bound to. Several operands in an input buffer, or an output: a slot per invocation, unless nothing in it
/// changes from one invocation to the next (one slot). Scratch: one slot every run uses.
/// </remarks>
internal sealed class PlanBufferLayout
{
    private PlanBufferLayout(ManifestBuffer manifest, int slotBytes, int slotCount, OperandGeometry? exclusive)
    {
        Manifest = manifest;
        SlotBytes = slotBytes;
        SlotCount = slotCount;
        ExclusiveGeometry = exclusive;
    }

    /// <summary>The manifest's buffer.</summary>
    public ManifestBuffer Manifest { get; }

    /// <summary>Bytes of one slot: the buffer's parts for one invocation.</summary>
    public int SlotBytes { get; }

    /// <summary>Slots in the parent allocation.</summary>
    public int SlotCount { get; }

    /// <summary>The operand's geometry when the buffer holds one input operand alone (a slot per distinct block), else null.</summary>
    public OperandGeometry? ExclusiveGeometry { get; }

    /// <summary>True when the buffer holds one input operand alone.</summary>
    public bool Exclusive => ExclusiveGeometry is not null;

    /// <summary>Bytes of the parent allocation, which a call syncs once (inputs to the device, outputs back).</summary>
    public long Bytes => (long)SlotBytes * SlotCount;

    /// <summary>The layout of <paramref name="buffer"/> (input, output or scratch) in a plan over <paramref name="grid"/>.</summary>
    public static PlanBufferLayout For(ManifestBuffer buffer, LaunchGeometry grid, int stripLength)
    {
        int elementSize = ElementTypes.Size(buffer.ElementType!.Value);
        int slotBytes = checked((int)(OperandLayout.SlotElements(buffer, stripLength) * elementSize));
        var geometries = buffer.Role == BufferRole.Scratch ? new OperandGeometry[0]
            : buffer.Parts.Select(p => grid.Operands.First(o => o.Operand.Name == p.Operand)).ToArray();
        bool exclusive = buffer.Role == BufferRole.Input && geometries.Length == 1;
        int slots = buffer.Role switch
        {
            BufferRole.Scratch => 1,
            BufferRole.Output => grid.Invocations,
            _ when exclusive => geometries[0].DistinctBlocks,
            _ => geometries.All(g => g.DistinctBlocks == 1) ? 1 : grid.Invocations,
        };
        return new PlanBufferLayout(buffer, slotBytes, slots, exclusive ? geometries[0] : null);
    }
}
