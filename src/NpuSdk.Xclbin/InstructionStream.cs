using System;
using System.Collections.Generic;
using System.IO;

namespace NpuSdk.Xclbin;

/// <summary>How an instruction file is written.</summary>
public enum InstructionFileFormat
{
    /// <summary><c>*.insts.txt</c>: one hex u32 per line.</summary>
    Text,
    /// <summary><c>*.insts.bin</c>: raw little-endian u32 words.</summary>
    Binary,
}

/// <summary>
/// The header of binary transaction data (newer toolchains write it even into <c>.txt</c> files):
/// <c>00 01 devgen rows cols memrows 00 00</c>, u32 operation count, u32 total size in bytes.
/// </summary>
public sealed class TransactionHeader
{
    internal TransactionHeader(byte major, byte minor, byte deviceGeneration, byte rows, byte columns, byte memTileRows,
        uint operationCount, uint totalSize)
    {
        Major = major; Minor = minor; DeviceGeneration = deviceGeneration; Rows = rows; Columns = columns;
        MemTileRows = memTileRows; OperationCount = operationCount; TotalSize = totalSize;
    }

    /// <summary>Format major version (0).</summary>
    public byte Major { get; }
    /// <summary>Format minor version (1).</summary>
    public byte Minor { get; }
    /// <summary>AIE device generation.</summary>
    public byte DeviceGeneration { get; }
    /// <summary>Rows of the array.</summary>
    public byte Rows { get; }
    /// <summary>Columns of the array.</summary>
    public byte Columns { get; }
    /// <summary>Memory-tile rows.</summary>
    public byte MemTileRows { get; }
    /// <summary>Number of operations in the transaction.</summary>
    public uint OperationCount { get; }
    /// <summary>Total size in bytes, header included (equals the data's length).</summary>
    public uint TotalSize { get; }

    internal const int Size = 16;

    /// <summary>True when <paramref name="d"/> starts with a transaction header whose total size is its length.</summary>
    internal static bool Matches(byte[] d) =>
        d.Length >= Size && d[0] == 0 && d[1] == 1 && d[6] == 0 && d[7] == 0 && LittleEndian.U32(d, 12) == (uint)d.Length;

    internal static TransactionHeader Read(byte[] d) =>
        new(d[0], d[1], d[2], d[3], d[4], d[5], LittleEndian.U32(d, 8), LittleEndian.U32(d, 12));
}

/// <summary>
/// An NPU instruction stream loaded from <c>*.insts.txt</c> or <c>*.insts.bin</c>: the u32 words to place in
/// the kernel's instruction buffer, and, when the file holds binary transaction data, its header.
/// Malformed files raise <see cref="XclbinFormatException"/> naming the line or byte offset.
/// </summary>
public sealed class InstructionStream
{
    private readonly uint[] _words;

    private InstructionStream(uint[] words, InstructionFileFormat format, TransactionHeader? transaction, string? sourceName)
    {
        _words = words; Format = format; Transaction = transaction; SourceName = sourceName;
    }

    /// <summary>The words, in order.</summary>
    public IReadOnlyList<uint> Words => _words;
    /// <summary>Number of u32 words (the kernel's <c>ninstr</c> argument).</summary>
    public int WordCount => _words.Length;
    /// <summary>Size in bytes (4 per word).</summary>
    public int ByteCount => _words.Length * 4;
    /// <summary>How the file was written.</summary>
    public InstructionFileFormat Format { get; }
    /// <summary>True when the data is binary transaction data (see <see cref="Transaction"/>).</summary>
    public bool IsTransaction => Transaction is not null;
    /// <summary>The transaction header, or null for a plain instruction stream.</summary>
    public TransactionHeader? Transaction { get; }
    /// <summary>The file name, when known.</summary>
    public string? SourceName { get; }

    /// <summary>A copy of the words.</summary>
    public uint[] ToArray() => (uint[])_words.Clone();

    /// <summary>Loads a file; <c>.bin</c> files are read as binary, anything else as text (binary transaction data is detected in either).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="XclbinFormatException">The file is malformed.</exception>
    public static InstructionStream LoadFile(string path)
    {
        if (path is null) throw new ArgumentNullException(nameof(path));
        var format = string.Equals(Path.GetExtension(path), ".bin", StringComparison.OrdinalIgnoreCase)
            ? InstructionFileFormat.Binary : InstructionFileFormat.Text;
        return Parse(File.ReadAllBytes(path), format, Path.GetFileName(path));
    }

    /// <summary>Parses instruction file content.</summary>
    /// <param name="data">The file's bytes.</param>
    /// <param name="format">How the file is written; binary transaction data is recognised in either.</param>
    /// <param name="sourceName">A file name for messages.</param>
    /// <exception cref="XclbinFormatException">The content is malformed.</exception>
    public static InstructionStream Parse(byte[] data, InstructionFileFormat format, string? sourceName = null)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        if (TransactionHeader.Matches(data))
            return new InstructionStream(ReadWords(data, sourceName), format, TransactionHeader.Read(data), sourceName);
        var words = format == InstructionFileFormat.Binary ? ReadWords(data, sourceName) : ReadText(data, sourceName);
        if (words.Length == 0)
            throw new XclbinFormatException("instructions", 0, "the file holds no instruction words", sourceName);
        return new InstructionStream(words, format, null, sourceName);
    }

    private static uint[] ReadWords(byte[] d, string? source)
    {
        if (d.Length % 4 != 0)
            throw new XclbinFormatException("instructions", d.Length - d.Length % 4,
                $"the data is {d.Length} bytes, not a whole number of 4-byte words ({d.Length % 4} byte(s) left over)", source);
        var words = new uint[d.Length / 4];
        for (int i = 0; i < words.Length; i++) words[i] = LittleEndian.U32(d, i * 4L);
        return words;
    }

    /// <summary>One hex u32 per line; blank lines, <c>0x</c> prefixes, surrounding spaces and CRLF are accepted.</summary>
    private static uint[] ReadText(byte[] d, string? source)
    {
        var words = new List<uint>();
        int line = 1;
        int start = d.Length >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0; // editors' UTF-8 BOM
        while (start <= d.Length)
        {
            int end = Array.IndexOf(d, (byte)'\n', start);
            if (end < 0) end = d.Length;
            int a = start, b = end;
            while (a < b && IsSpace(d[a])) a++;
            while (b > a && IsSpace(d[b - 1])) b--;
            if (b - a >= 2 && d[a] == '0' && (d[a + 1] == 'x' || d[a + 1] == 'X')) a += 2;
            else if (a == b) { start = end + 1; line++; continue; }

            if (b - a < 1 || b - a > 8)
                throw Bad(d, start, end, line, "is not a hex u32 (1 to 8 hex digits)", source);
            uint word = 0;
            for (int i = a; i < b; i++)
            {
                int v = HexValue(d[i]);
                if (v < 0) throw Bad(d, start, end, line, "is not a hex u32 (1 to 8 hex digits)", source);
                word = word << 4 | (uint)v;
            }
            words.Add(word);
            start = end + 1;
            line++;
        }
        return words.ToArray();
    }

    private static XclbinFormatException Bad(byte[] d, int start, int end, int line, string problem, string? source)
    {
        int shown = Math.Min(end - start, 40);
        var text = new char[shown];
        for (int i = 0; i < shown; i++) text[i] = d[start + i] >= 0x20 && d[start + i] < 0x7F ? (char)d[start + i] : '.';
        return new XclbinFormatException($"line {line}", start, $"'{new string(text).TrimEnd('.')}' {problem}", source);
    }

    private static bool IsSpace(byte c) => c == ' ' || c == '\t' || c == '\r';

    private static int HexValue(byte c) =>
        c >= '0' && c <= '9' ? c - '0' :
        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
