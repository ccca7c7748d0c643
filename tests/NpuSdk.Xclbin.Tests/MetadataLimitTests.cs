using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;

namespace NpuSdk.Xclbin.Tests;

/// <summary>
/// The bounds on EMBEDDED_METADATA: a nesting depth and a size, each read up to its limit and refused one past it
/// with the format exception naming the limit and the byte where it was crossed. The generator reads xclbins inside
/// the compiler, so a crafted file must end in an error, not in a stalled build.
/// </summary>
public class MetadataLimitTests
{
    private const string Kernel = """
        <kernel name="MLIR_AIE"><arg name="opcode" addressQualifier="0" id="0" size="0x8" offset="0x0" hostSize="0x8" type="uint64_t"/></kernel>
        """;

    /// <summary>project/platform/device/core, the kernel, then a chain of <c>x</c> elements beside it down to <paramref name="depth"/>.</summary>
    private static string Nested(int depth)
    {
        var xml = new StringBuilder("<project><platform><device><core>").Append(Kernel);
        for (int level = 5; level <= depth; level++) xml.Append("<x>");
        for (int level = 5; level <= depth; level++) xml.Append("</x>");
        return xml.Append("</core></device></platform></project>").ToString();
    }

    private static byte[] WithMetadata(byte[] data)
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "limits")));
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, data);
        return builder.Build();
    }

    private static byte[] WithMetadata(string xml) => WithMetadata(Encoding.UTF8.GetBytes(xml + "\0"));

    [Fact]
    public void NestingAtTheLimitIsRead()
    {
        var file = XclbinFile.Read(WithMetadata(Nested(XclbinFile.MaxMetadataDepth)));
        Assert.Equal("opcode", Assert.Single(Assert.Single(file.Kernels).Arguments).Name);
    }

    [Theory]
    [InlineData(XclbinFile.MaxMetadataDepth + 1)]
    [InlineData(100_000)]
    public void NestingPastTheLimitIsAFormatErrorAtTheFirstElementTooDeep(int depth)
    {
        var bytes = WithMetadata(Nested(depth));
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes, "deep.xclbin"));
        Assert.Equal("EMBEDDED_METADATA", ex.Section);
        Assert.Contains($"nested more than {XclbinFile.MaxMetadataDepth} deep", ex.Message);
        Assert.Contains(nameof(XclbinFile.MaxMetadataDepth), ex.Message);

        // The element at depth MaxMetadataDepth + 1 is the (MaxMetadataDepth - 3)th <x>: four levels above the chain.
        int firstX = bytes.AsSpan().IndexOf("<x>"u8);
        Assert.Equal(firstX + 3L * (XclbinFile.MaxMetadataDepth - 4), ex.Offset);
    }

    [Fact]
    public void ADocumentOfExactlyTheSizeLimitIsRead()
    {
        string xml = Nested(6);
        // Filled out with a comment, and NUL padding past the document, which does not count.
        string filled = xml.Replace("<core>", "<core><!--" + new string('c', XclbinFile.MaxMetadataBytes - xml.Length - 7) + "-->", StringComparison.Ordinal);
        var data = Encoding.UTF8.GetBytes(filled + new string('\0', 4096));
        Assert.Equal(XclbinFile.MaxMetadataBytes, Array.IndexOf(data, (byte)0));

        var file = XclbinFile.Read(WithMetadata(data));
        Assert.Equal("MLIR_AIE", Assert.Single(file.Kernels).Name);
    }

    [Fact]
    public void ADocumentPastTheSizeLimitIsAFormatErrorNamingTheLimit()
    {
        string xml = Nested(6);
        string filled = xml.Replace("<core>", "<core><!--" + new string('c', XclbinFile.MaxMetadataBytes - xml.Length - 6) + "-->", StringComparison.Ordinal);
        var bytes = WithMetadata(filled);
        long start = bytes.AsSpan().IndexOf("<project>"u8);

        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes));
        Assert.Equal("EMBEDDED_METADATA", ex.Section);
        Assert.Contains($"{XclbinFile.MaxMetadataBytes + 1} bytes", ex.Message);
        Assert.Contains(nameof(XclbinFile.MaxMetadataBytes), ex.Message);
        Assert.Equal(start + XclbinFile.MaxMetadataBytes, ex.Offset);
    }

    [Fact]
    public void ManyKernelsAndUnitsAreBoundEachToItsOwnUnit()
    {
        // Thousands of kernels, each with its own compute unit and connection: each kernel gets its unit's group.
        const int count = 3000;
        var xml = new StringBuilder("<project><platform><device><core>");
        for (int k = 0; k < count; k++)
            xml.Append($"<kernel name=\"k{k}\"><arg name=\"buf\" addressQualifier=\"1\" id=\"0\" size=\"0x8\" offset=\"0x0\" hostSize=\"0x8\" type=\"void*\"/></kernel>");
        xml.Append("</core></device></platform></project>");

        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "many")));
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(xml + "\0"));
        builder.Replace(XclbinSectionKind.IpLayout, XrtEdgeCaseTests.IpLayout(Enumerable.Range(0, count).Select(k => $"k{k}:u{k}").ToArray()));
        var connections = XrtEdgeCaseTests.Connectivity(Enumerable.Range(0, count).Select(k => (0, k, k % 2)).ToArray());
        builder.Replace(XclbinSectionKind.Connectivity, connections);
        builder.Replace(XclbinSectionKind.AskGroupConnectivity, connections);

        var file = XclbinFile.Read(builder.Build());
        Assert.Equal(count, file.Kernels.Count);
        for (int k = 0; k < count; k += 997)
        {
            Assert.Equal([$"u{k}"], file.Kernels[k].Instances);
            Assert.Equal([k % 2], file.Kernels[k].Arguments[0].MemoryGroups);
        }
    }
}
