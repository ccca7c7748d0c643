using System.Buffers.Binary;
using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;

namespace NpuSdk.Xclbin.Tests;

/// <summary>Malformed images raise <see cref="XclbinFormatException"/> naming section and offset, and nothing else.</summary>
public class XclbinCorruptionTests
{
    private static readonly byte[] Valid = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "corruption"));

    [Fact]
    public void EveryTruncationIsAFormatErrorOrAValidParse()
    {
        int errors = 0;
        for (int length = 0; length < Valid.Length; length++)
        {
            if (ReadOrFormatError(Valid[..length]) is not null) errors++;
        }
        // The header declares the full length, so every proper prefix is reported as truncated.
        Assert.Equal(Valid.Length, errors);
    }

    [Fact]
    public void SeededMutationsOfHeaderAndTablesGiveFormatErrorsOrValidParses()
    {
        var file = XclbinFile.Read(Valid);
        var regions = new List<(int Start, int Length)> { (0, 456 + 40 * file.Sections.Count) };
        foreach (var s in file.Sections) regions.Add(((int)s.Offset, (int)s.Size));

        var random = new Random(20261121);
        int errors = 0, parses = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            var bytes = (byte[])Valid.Clone();
            var (start, length) = regions[random.Next(regions.Count)];
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits; e++)
            {
                int at = start + random.Next(length);
                bytes[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)(bytes[at] ^ (1 << random.Next(8))),
                    _ => (byte)(random.Next(2) == 0 ? 0x00 : 0xFF),
                };
            }
            if (ReadOrFormatError(bytes) is null) parses++; else errors++;
        }
        Assert.True(errors > 0 && parses > 0, $"mutations should give both outcomes (errors {errors}, parses {parses})");
    }

    [Fact]
    public void SeededInsertionsOfXmlConstructsGiveFormatErrorsOrValidParses()
    {
        // Namespaces, DTDs, entities, CDATA and raw control characters: the constructs the raw (non-normalizing,
        // DTD-ignoring) XML reading has to survive, inserted anywhere in a valid document.
        string[] constructs =
        [
            " xmlns=\"urn:a\"", " xmlns:x=\"urn:b\"", "x:", " xmlns=\"http://www.w3.org/XML/1998/namespace\"",
            " xmlns:xml=\"urn:c\"", " xml:space=\"bogus\"", "<!DOCTYPE project [<!ENTITY e \"eeee\">]>", "&e;", "&#0;",
            "&#xFFFFFF;", "<![CDATA[", "]]>", "<!--", "-->", "<?pi x?>", "\u0001", "\r\n", "\t", "\uFEFF", " a=\"1\" a=\"2\"",
        ];
        var builder = new AxlfBuilder(Valid);
        var xml = Encoding.UTF8.GetString(builder.Sections[builder.IndexOf(XclbinSectionKind.EmbeddedMetadata)].Data);
        var random = new Random(11);
        int errors = 0, parses = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var text = new StringBuilder(xml);
            for (int e = 1 + random.Next(2); e > 0; e--)
                text.Insert(random.Next(text.Length), constructs[random.Next(constructs.Length)]);
            builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(text.ToString()));
            var error = ReadOrFormatError(builder.Build());
            if (error is null) { parses++; continue; }
            errors++;
            Assert.Equal("EMBEDDED_METADATA", error.Section);
        }
        Assert.True(errors > 0 && parses > 0, $"insertions should give both outcomes (errors {errors}, parses {parses})");
    }

    [Fact]
    public void SeededMutationsOfTheXmlGiveFormatErrorsOrValidParses()
    {
        var builder = new AxlfBuilder(Valid);
        var xml = Encoding.UTF8.GetString(builder.Sections[builder.IndexOf(XclbinSectionKind.EmbeddedMetadata)].Data);
        const string alphabet = "<>/=\"' &;x0123456789abcdef-:!?\0\n";
        var random = new Random(7);
        for (int trial = 0; trial < 1500; trial++)
        {
            var text = new StringBuilder(xml);
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: text.Remove(at, Math.Min(1 + random.Next(8), text.Length - at)); break;
                    default: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }
            builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(text.ToString()));
            var error = ReadOrFormatError(builder.Build());
            if (error is not null) Assert.Equal("EMBEDDED_METADATA", error.Section);
        }
    }

    [Fact]
    public void ATruncatedHeaderIsNamed()
    {
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(Valid[..100], "short.xclbin"));
        Assert.Equal("header", ex.Section);
        Assert.Contains("short.xclbin", ex.Message);
        Assert.Contains("byte offset 100", ex.Message);
    }

    [Fact]
    public void AWrongMagicIsNamed()
    {
        var bytes = (byte[])Valid.Clone();
        bytes[0] = (byte)'X';
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal("header", ex.Section);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void ASectionPastTheEndIsNamedWithItsHeaderOffset()
    {
        var bytes = (byte[])Valid.Clone();
        int h = 456 + 2 * 40; // third section: EMBEDDED_METADATA
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(h + 32), (ulong)bytes.Length);
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal("EMBEDDED_METADATA", ex.Section);
        Assert.Equal(h + 24, ex.Offset);
        Assert.Contains("past the end", ex.Message);
    }

    [Fact]
    public void AHugeSizeDoesNotOverflow()
    {
        var bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(456 + 24), ulong.MaxValue - 3);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(456 + 32), 16);
        Assert.Equal("MEM_TOPOLOGY", Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes)).Section);
    }

    [Fact]
    public void OverlappingSectionsAreNamed()
    {
        var bytes = (byte[])Valid.Clone();
        ulong first = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(456 + 24));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(456 + 40 + 24), first + 4); // AIE_PARTITION inside MEM_TOPOLOGY
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Contains("overlaps", ex.Message);
        Assert.Equal((long)first + 4, ex.Offset);
    }

    [Fact]
    public void AHugeSectionCountIsRejectedWithoutAllocating()
    {
        var bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(448), uint.MaxValue);
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal("header", ex.Section);
        Assert.Equal(448, ex.Offset);
    }

    [Theory]
    [InlineData(XclbinSectionKind.MemTopology, 3)]
    [InlineData(XclbinSectionKind.IpLayout, 2)]
    [InlineData(XclbinSectionKind.Connectivity, 1000)]
    [InlineData(XclbinSectionKind.AskGroupTopology, int.MaxValue)]
    [InlineData(XclbinSectionKind.AskGroupConnectivity, -1)]
    public void ACountLargerThanItsSectionIsNamed(XclbinSectionKind kind, int count)
    {
        var file = XclbinFile.Read(Valid);
        var section = file.FindSection(kind)!;
        var bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)section.Offset), count);
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal(section.KindName, ex.Section);
        Assert.Equal((long)section.Offset, ex.Offset);
    }

    [Fact]
    public void AConnectionToAMissingMemoryIsNamed()
    {
        var file = XclbinFile.Read(Valid);
        var section = file.FindSection(XclbinSectionKind.AskGroupConnectivity)!;
        var bytes = (byte[])Valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((int)section.Offset + 4 + 8), 9);
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal("ASK_GROUP_CONNECTIVITY", ex.Section);
        Assert.Contains("memory 9", ex.Message);
    }

    [Theory]
    [InlineData("<project><platform>", "malformed XML")]
    [InlineData("<project xmlns=\"http://www.w3.org/XML/1998/namespace\"/>", "malformed XML")]
    [InlineData("<project><platform><device/></platform></project>", "project/platform/device/core")]
    [InlineData("<project><platform><device><core><kernel name=\"K\"><arg name=\"a\" addressQualifier=\"0\" id=\"1\" offset=\"0\" size=\"4\" hostSize=\"4\"/></kernel></core></device></platform></project>", "ids must run 0..n-1")]
    [InlineData("<project><platform><device><core><kernel name=\"K\"><arg name=\"a\" addressQualifier=\"0\" id=\"0\" offset=\"zz\" size=\"4\" hostSize=\"4\"/></kernel></core></device></platform></project>", "offset=\"zz\" is not a number")]
    [InlineData("<project><platform><device><core><kernel name=\"K\"><arg name=\"a\" addressQualifier=\"0\" id=\"0\" size=\"4\" hostSize=\"4\"/></kernel></core></device></platform></project>", "has no offset attribute")]
    [InlineData("<project><platform><device><core><kernel name=\"K\"><arg name=\"a\" addressQualifier=\"0\" id=\"0\" offset=\"0\" size=\"4\"/></kernel></core></device></platform></project>", "has no hostSize attribute")]
    [InlineData("<project><platform><device><core><kernel name=\"K\"><arg name=\"a\" addressQualifier=\"0\" id=\"99999999999999999999999\" offset=\"0\" size=\"4\" hostSize=\"4\"/></kernel></core></device></platform></project>", "too large")]
    public void BadMetadataIsNamed(string xml, string problem)
    {
        var builder = new AxlfBuilder(Valid);
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(xml));
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(builder.Build()));
        Assert.Equal("EMBEDDED_METADATA", ex.Section);
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void MetadataNumbersAreReadLikeXrt()
    {
        // Hex and decimal attributes, an OpenCL runtime-info argument (empty id), and a two-component
        // argument whose sizes add up and whose offset is the lower one, as XRT merges them.
        const string xml = """
            <project><platform><device><core><kernel name="K">
              <arg name="n" addressQualifier="0" id="1" offset="24" size="4" hostSize="4" type="unsigned int"/>
              <arg name="p" addressQualifier="1" id="0x0" offset="0x10" size="0x8" hostSize="0x8" type="int*"/>
              <arg name="global_size" addressQualifier="0" id="" offset="0x40" size="4" hostSize="4"/>
              <arg name="n_hi" addressQualifier="0" id="1" offset="0x14" size="4" hostSize="4" type="unsigned int"/>
            </kernel></core></device></platform></project>
            """;
        var builder = new AxlfBuilder(Valid);
        // A byte order mark first, and bytes after the terminating NUL that XRT's zero-terminated parse never sees.
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(xml + "\0<junk"), 0xFF]);
        var kernel = XclbinFile.Read(builder.Build()).Kernels.Single();
        Assert.Equal(["p", "n"], kernel.Arguments.Select(a => a.Name));
        Assert.Equal([0x10ul, 0x14ul], kernel.Arguments.Select(a => a.Offset));
        Assert.Equal([8ul, 8ul], kernel.Arguments.Select(a => a.Size));
        Assert.Equal("unsigned int", kernel.Arguments[1].HostType);
        Assert.Empty(kernel.Instances); // IP_LAYOUT names MLIR_AIE, not K
    }

    /// <summary>Reads; returns null on success, the format exception otherwise; anything else fails the test.</summary>
    private static XclbinFormatException? ReadOrFormatError(byte[] bytes)
    {
        try
        {
            var file = XclbinFile.Read(bytes);
            foreach (var s in file.Sections) _ = file.GetSectionData(s);
            return null;
        }
        catch (XclbinFormatException ex)
        {
            Assert.False(string.IsNullOrEmpty(ex.Section));
            Assert.InRange(ex.Offset, 0, bytes.Length);
            return ex;
        }
    }
}
