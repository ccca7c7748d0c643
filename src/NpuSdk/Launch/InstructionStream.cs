using System.Buffers.Binary;
using System.Globalization;
using NpuSdk.Xclbin;

namespace NpuSdk.Launch;

/// <summary>
/// Reads an NPU instruction stream: <c>*.insts.bin</c> is raw little-endian u32 words; <c>*.insts.txt</c>
/// is one hex word per line, unless it starts with a binary transaction header (newer toolchains write
/// binary data even into <c>.txt</c> files), in which case it is read as raw words too.
/// </summary>
internal static class InstructionStream
{
    internal static uint[] Load(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        string name = Path.GetFileName(path);
        bool text = path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) && !IsTransactionBinary(data);
        uint[] words = text ? ParseText(data, name) : ParseBinary(data, name);
        if (words.Length == 0) throw new XclbinFormatException("instructions", 0, "the instruction stream is empty; an NPU run needs at least one word.", name);
        return words;
    }

    // Transaction data starts 00 01 devgen rows cols memrows 00 00: byte 0 is zero, which no hex text line starts with.
    private static bool IsTransactionBinary(byte[] data) => data.Length >= 16 && data[0] == 0 && data[1] == 1;

    private static uint[] ParseBinary(byte[] data, string name)
    {
        if (data.Length % 4 != 0)
            throw new XclbinFormatException("instructions", data.Length - data.Length % 4, $"a binary instruction stream is whole 32-bit words; {data.Length} bytes leave {data.Length % 4} over.", name);
        var words = new uint[data.Length / 4];
        for (int i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(i * 4));
        return words;
    }

    private static uint[] ParseText(byte[] data, string name)
    {
        var words = new List<uint>();
        int lineStart = 0;
        for (int i = 0; i <= data.Length; i++)
        {
            if (i < data.Length && data[i] != (byte)'\n') continue;
            var line = System.Text.Encoding.ASCII.GetString(data, lineStart, i - lineStart).Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                var digits = line.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? line[2..] : line;
                if (!uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint word))
                    throw new XclbinFormatException("instructions", lineStart, $"line {words.Count + 1} ('{line}') is not a hex 32-bit word.", name);
                words.Add(word);
            }
            lineStart = i + 1;
        }
        return words.ToArray();
    }
}
