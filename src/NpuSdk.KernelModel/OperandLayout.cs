using System;

namespace NpuSdk.KernelModel;

/// <summary>
/// Where one operand lives in one invocation's buffers: its buffer argument, its element offset inside that buffer
/// (operands packed in one buffer follow each other in the manifest's order) and its element count. This is the only
/// place the layout is decided: the launch plans pack by it and the emulator's references read by it.
/// </summary>
public sealed class OperandLayout
{
    private OperandLayout(string manifestName, ManifestBuffer buffer, int bufferIndex, string operand, int offset, int elements)
    {
        ManifestName = manifestName;
        Buffer = buffer;
        BufferIndex = bufferIndex;
        Operand = operand;
        Offset = offset;
        Elements = elements;
    }

    /// <summary>The manifest's name, for messages.</summary>
    public string ManifestName { get; }
    /// <summary>The buffer holding the operand.</summary>
    public ManifestBuffer Buffer { get; }
    /// <summary>The buffer's index in <see cref="KernelManifest.Buffers"/>.</summary>
    public int BufferIndex { get; }
    /// <summary>The buffer's argument name, e.g. <c>bo0</c>.</summary>
    public string Arg => Buffer.Arg;
    /// <summary>The operand's name.</summary>
    public string Operand { get; }
    /// <summary>The operand's first element inside the buffer.</summary>
    public int Offset { get; }
    /// <summary>The operand's element count.</summary>
    public int Elements { get; }
    /// <summary>The operand's element type.</summary>
    public ElementType ElementType => Buffer.ElementType!.Value;
    /// <summary>Bytes per element.</summary>
    public int ElementSize => ElementTypes.Size(ElementType);
    /// <summary>The operand's first byte inside the buffer.</summary>
    public long ByteOffset => (long)Offset * ElementSize;
    /// <summary>The operand's byte count.</summary>
    public long ByteCount => (long)Elements * ElementSize;

    /// <summary>
    /// Locates <paramref name="operand"/> in <paramref name="manifest"/>. <paramref name="stripLength"/> stands for
    /// <c>K</c> in a K-strip shape.
    /// </summary>
    /// <exception cref="KernelManifestException">The manifest has no such operand.</exception>
    public static OperandLayout Of(KernelManifest manifest, string operand, int stripLength = 0)
    {
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        for (int b = 0; b < manifest.Buffers.Count; b++)
        {
            var buffer = manifest.Buffers[b];
            long offset = 0;
            foreach (var part in buffer.Parts)
            {
                long elements = part.Elements(stripLength);
                if (part.Operand == operand) return new OperandLayout(manifest.Name, buffer, b, operand, checked((int)offset), checked((int)elements));
                offset += elements;
            }
        }
        throw new KernelManifestException($"there is no operand \"{operand}\"", manifest.SourcePath, 0, 0);
    }

    /// <summary>Elements of one invocation's slot in <paramref name="buffer"/>: its parts one after another.</summary>
    public static long SlotElements(ManifestBuffer buffer, int stripLength = 0)
    {
        if (buffer is null) throw new ArgumentNullException(nameof(buffer));
        long n = 0;
        foreach (var part in buffer.Parts) n += part.Elements(stripLength);
        return n;
    }
}
