using System.Buffers.Binary;

namespace NpuSdk.Testing;

/// <summary>A file in the temp directory, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] content, string extension)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "npusdk-test-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(Path, content);
    }

    public TempFile(string content, string extension) : this(System.Text.Encoding.UTF8.GetBytes(content), extension) { }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}

/// <summary>Instruction streams in the shapes the toolchains write them, for the reader's and the npu tool's tests.</summary>
internal static class InstructionStreams
{
    internal static byte[] Transaction(byte deviceGeneration, byte rows, byte columns, byte memTileRows, uint operations, int payloadWords)
    {
        var d = new byte[16 + payloadWords * 4];
        d[1] = 1; d[2] = deviceGeneration; d[3] = rows; d[4] = columns; d[5] = memTileRows;
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8), operations);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), (uint)d.Length);
        for (int i = 0; i < payloadWords; i++) BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16 + i * 4), 0xA0000000u + (uint)i);
        return d;
    }

    internal static byte[] ToBytes(uint[] words)
    {
        var d = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(i * 4), words[i]);
        return d;
    }
}
