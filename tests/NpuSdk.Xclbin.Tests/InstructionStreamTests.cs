using System.Buffers.Binary;
using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;
using static NpuSdk.Testing.InstructionStreams;

namespace NpuSdk.Xclbin.Tests;

public class InstructionStreamTests
{
    private static readonly uint[] Words = [0x06030100, 0x00000105, 0x00000003, 0x00000068, 0xDEADBEEF];

    [Fact]
    public void TextToleratesBlankLinesPrefixesCrlfAndSpaces()
    {
        string text = "\uFEFF06030100\r\n\r\n0x00000105\n  3  \n0X68\r\n\t\ndeadbeef";
        var stream = InstructionStream.Parse(Encoding.UTF8.GetBytes(text), InstructionFileFormat.Text, "a.insts.txt");
        Assert.Equal(Words, stream.Words);
        Assert.Equal(Words.Length, stream.WordCount);
        Assert.Equal(Words.Length * 4, stream.ByteCount);
        Assert.False(stream.IsTransaction);
        Assert.Equal(InstructionFileFormat.Text, stream.Format);
    }

    [Fact]
    public void BinaryIsLittleEndianWords()
    {
        var stream = InstructionStream.Parse(ToBytes(Words), InstructionFileFormat.Binary);
        Assert.Equal(Words, stream.ToArray());
        Assert.False(stream.IsTransaction);
    }

    [Fact]
    public void LoadFileChoosesTheFormatByExtension()
    {
        using var text = new TempFile(string.Join("\n", Words.Select(w => w.ToString("x8"))) + "\n", ".insts.txt");
        using var binary = new TempFile(ToBytes(Words), ".insts.bin");
        Assert.Equal(Words, InstructionStream.LoadFile(text.Path).Words);
        var fromBinary = InstructionStream.LoadFile(binary.Path);
        Assert.Equal(Words, fromBinary.Words);
        Assert.Equal(InstructionFileFormat.Binary, fromBinary.Format);
        Assert.Equal(Path.GetFileName(binary.Path), fromBinary.SourceName);
    }

    [Theory]
    [InlineData(InstructionFileFormat.Binary)]
    [InlineData(InstructionFileFormat.Text)]
    public void TransactionDataIsDetectedInEitherFormat(InstructionFileFormat format)
    {
        var data = Transaction(deviceGeneration: 4, rows: 6, columns: 5, memTileRows: 1, operations: 3, payloadWords: 6);
        var stream = InstructionStream.Parse(data, format);
        Assert.True(stream.IsTransaction);
        var header = stream.Transaction!;
        Assert.Equal((byte)0, header.Major);
        Assert.Equal((byte)1, header.Minor);
        Assert.Equal((byte)4, header.DeviceGeneration);
        Assert.Equal((byte)6, header.Rows);
        Assert.Equal((byte)5, header.Columns);
        Assert.Equal((byte)1, header.MemTileRows);
        Assert.Equal(3u, header.OperationCount);
        Assert.Equal((uint)data.Length, header.TotalSize);
        Assert.Equal(data.Length / 4, stream.WordCount);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16)), stream.Words[4]);
    }

    [Fact]
    public void AStreamThatOnlyLooksLikeATransactionHeaderIsPlain()
    {
        // An old-style stream starts 00 01 03 06 05 01 00 00 too; the total-size check tells them apart.
        var stream = InstructionStream.Parse(ToBytes(Words), InstructionFileFormat.Binary);
        Assert.False(stream.IsTransaction);
    }

    [Fact]
    public void ABinaryLengthNotAMultipleOfFourNamesTheOffset()
    {
        var ex = Assert.Throws<XclbinFormatException>(() =>
            InstructionStream.Parse([.. ToBytes(Words), 0x01, 0x02], InstructionFileFormat.Binary, "x.insts.bin"));
        Assert.Equal(20, ex.Offset);
        Assert.Contains("x.insts.bin", ex.Message);
    }

    [Theory]
    [InlineData("06030100\nhello\n", 2, 9)]
    [InlineData("06030100\r\n123456789\r\n", 2, 10)]
    [InlineData("0x\n", 1, 0)]
    [InlineData("1 2\n", 1, 0)]
    [InlineData("06030100\n-5\n", 2, 9)]
    public void OtherTextIsRejectedNamingTheLine(string text, int line, long offset)
    {
        var ex = Assert.Throws<XclbinFormatException>(() =>
            InstructionStream.Parse(Encoding.UTF8.GetBytes(text), InstructionFileFormat.Text, "bad.insts.txt"));
        Assert.Equal($"line {line}", ex.Section);
        Assert.Equal(offset, ex.Offset);
    }

    [Theory]
    [InlineData(InstructionFileFormat.Text, "\n\n  \r\n")]
    [InlineData(InstructionFileFormat.Binary, "")]
    public void AnEmptyStreamIsRejected(InstructionFileFormat format, string content)
    {
        var ex = Assert.Throws<XclbinFormatException>(() => InstructionStream.Parse(Encoding.UTF8.GetBytes(content), format));
        Assert.Contains("no instruction words", ex.Message);
    }

    [Fact]
    public void SeededRandomContentGivesAStreamOrAFormatError()
    {
        var random = new Random(424242);
        const string alphabet = "0123456789abcdefxX \t\r\n\0zg-";
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] data = random.Next(3) == 0
                ? Transaction(1, 4, 4, 1, (uint)random.Next(), random.Next(6))
                : Encoding.ASCII.GetBytes(new string(Enumerable.Range(0, random.Next(40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
            if (data.Length > 0 && random.Next(2) == 0) data[random.Next(data.Length)] = (byte)random.Next(256);
            foreach (var format in new[] { InstructionFileFormat.Text, InstructionFileFormat.Binary })
            {
                try
                {
                    var stream = InstructionStream.Parse(data, format);
                    Assert.True(stream.WordCount > 0);
                }
                catch (XclbinFormatException ex)
                {
                    Assert.InRange(ex.Offset, 0, data.Length);
                }
            }
        }
    }
}
