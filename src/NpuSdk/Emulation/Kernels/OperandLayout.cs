using System.Runtime.InteropServices;

namespace NpuSdk.Emulation.Kernels;

/// <summary>
/// Where one manifest operand lives in an invocation: its buffer argument, its element offset inside that buffer
/// (operands packed in one buffer follow each other) and its element count. Built once per kernel, so an
/// invocation only slices.
/// </summary>
internal sealed class OperandLayout
{
    private OperandLayout(string manifestName, string arg, string operand, int offset, int elements, int elementSize)
    {
        ManifestName = manifestName;
        Arg = arg;
        Operand = operand;
        Offset = offset;
        Elements = elements;
        ElementSize = elementSize;
    }

    public string ManifestName { get; }
    public string Arg { get; }
    public string Operand { get; }
    public int Offset { get; }
    public int Elements { get; }
    public int ElementSize { get; }

    /// <summary>
    /// Locates <paramref name="operand"/> in <paramref name="manifest"/>. <paramref name="stripLength"/> stands for K
    /// in a K-strip shape; the K-strip kernel lays out its operands per invocation with the K it reads from bo0.
    /// </summary>
    public static OperandLayout Of(KernelManifest manifest, string operand, int stripLength = 0)
    {
        foreach (var buffer in manifest.Buffers)
        {
            int offset = 0;
            foreach (var part in buffer.Parts)
            {
                int elements = 1;
                foreach (var dim in part.Shape)
                    elements *= dim == KernelManifestParser.StripLength ? stripLength
                        : manifest.Tile.TryGetValue(dim, out int v) ? v
                        : int.Parse(dim, System.Globalization.CultureInfo.InvariantCulture);
                if (part.Operand == operand)
                    return new OperandLayout(manifest.Name, buffer.Arg, operand, offset, elements, KernelManifestParser.ElementSize(buffer.ElementType));
                offset += elements;
            }
        }
        throw new KernelManifestException($"Kernel manifest '{manifest.Name}' has no operand '{operand}'.");
    }

    /// <summary>The operand's bytes in the invocation's device view, or an error naming the buffer and the size it needs.</summary>
    public Span<byte> Bytes(in ReferenceInvocation invocation)
    {
        var buffer = invocation.Buffer(Arg);
        long end = (long)(Offset + Elements) * ElementSize;
        if (buffer.Length < end)
            throw new ArgumentException($"Kernel '{ManifestName}': {Arg} holds {buffer.Length} bytes, but operand '{Operand}' needs bytes {(long)Offset * ElementSize}..{end} ({Elements} elements of {ElementSize} bytes).");
        return buffer.Slice(Offset * ElementSize, Elements * ElementSize);
    }

    public Span<T> View<T>(in ReferenceInvocation invocation) where T : struct => MemoryMarshal.Cast<byte, T>(Bytes(invocation));
}
