using System.Buffers.Binary;
using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;

namespace NpuSdk.Xclbin.Tests;

/// <summary>
/// Walks the written AIE_PARTITION the way XRT's <c>get_aie_partition</c> does (aie_partition, aie_pdi,
/// cdo_group records; {count, offset} arrays and string offsets relative to the section), checking that
/// every reference lands inside the section.
/// </summary>
public class AiePartitionTests
{
    private static XclbinFile Written(XclbinLayout layout) => XclbinFile.Read(XclbinWriter.Write(
        layout == XclbinLayout.MlirAie ? XclbinSpec.MlirAie(2, uuidSeed: "p") : XclbinSpec.Riallto("app", uuidSeed: "p")));

    [Theory]
    [InlineData(XclbinLayout.MlirAie)]
    [InlineData(XclbinLayout.Riallto)]
    public void EveryReferenceInThePartitionLandsInsideIt(XclbinLayout layout)
    {
        var file = Written(layout);
        var p = file.GetSectionData(file.FindSection(XclbinSectionKind.AiePartition)!);
        Assert.True(p.Length >= 184, "aie_partition is 184 bytes");

        Assert.Equal(0, p[0]); // schema version
        Assert.Equal("QoS", CString(p, U32(p, 4)));
        Assert.Equal(2048u, U32(p, 8));
        Assert.True(BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(32)) > 0, "column width");
        var (columns, columnsAt) = Array(p, 40, 2);
        Assert.Equal(1u, columns);
        Assert.InRange(BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan((int)columnsAt)), 0, 7);

        var (pdis, pdiAt) = Array(p, 120, 96);
        Assert.Equal(1u, pdis);
        var pdiUuid = new XclbinUuid(p[(int)pdiAt..((int)pdiAt + 16)]);
        Assert.Equal(file.Uuid, pdiUuid);
        var (imageSize, imageAt) = Array(p, (int)pdiAt + 16, 1);
        Assert.True(imageSize > 0);
        Assert.Equal(0xAA995566u, U32(p, (int)imageAt + 0x10));

        var (groups, groupAt) = Array(p, (int)pdiAt + 24, 96);
        Assert.Equal(1u, groups);
        Assert.Equal("DPU", CString(p, U32(p, (int)groupAt)));
        Assert.Equal(1, p[groupAt + 4]); // PRIMARY
        var (kernelIds, kernelIdsAt) = Array(p, (int)groupAt + 16, 8);
        Assert.Equal(1u, kernelIds);
        Assert.Equal(0x901ul, BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan((int)kernelIdsAt)));
        var (pre, preAt) = Array(p, (int)groupAt + 24, 4);
        Assert.Equal(1u, pre);
        Assert.Equal(0xC1u, U32(p, (int)preAt));
    }

    [Theory]
    [InlineData(XclbinLayout.MlirAie)]
    [InlineData(XclbinLayout.Riallto)]
    public void TheReaderGivesTheWrittenColumnsNameAndPdi(XclbinLayout layout)
    {
        var file = Written(layout);
        var partition = file.ReadAiePartition()!;
        Assert.Equal(4, partition.ColumnWidth);
        Assert.Equal([(ushort)1], partition.StartColumns);
        Assert.Equal("QoS", partition.Name);
        Assert.Equal(2048u, partition.OperationsPerCycle);
        Assert.Equal([file.Uuid], partition.Pdis);
    }

    [Fact]
    public void AFileWithoutAPartitionOrWithAnEmptyOneHasNone()
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "none")));
        builder.Replace(XclbinSectionKind.AiePartition, []);
        Assert.Null(XclbinFile.Read(builder.Build()).ReadAiePartition());
        builder.Sections.RemoveAt(builder.IndexOf(XclbinSectionKind.AiePartition));
        Assert.Null(XclbinFile.Read(builder.Build()).ReadAiePartition());
    }

    public static TheoryData<string, int, string> Corruptions() => new()
    {
        { "truncated", 0, "shorter than the 184-byte aie_partition record" },
        { "start columns past the end", 40, "start_columns holds 1000000 element(s) of 2 bytes" },
        { "PDIs past the end", 120, "aie_pdi holds 1000000 element(s) of 96 bytes" },
        { "name outside the section", 4, "does not end with a NUL inside" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void AMalformedPartitionIsAFormatErrorAtTheFieldAndTheKernelsStillRead(string corruption, int field, string problem)
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "bad-partition")));
        var p = builder.Sections[builder.IndexOf(XclbinSectionKind.AiePartition)].Data.ToArray();
        switch (corruption)
        {
            case "truncated": p = p[..100]; break;
            case "name outside the section": BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(field), (uint)p.Length + 8); break;
            default: BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(field), 1_000_000); break;
        }
        builder.Replace(XclbinSectionKind.AiePartition, p);
        var file = XclbinFile.Read(builder.Build(), "bad.xclbin");
        Assert.Single(file.Kernels);

        var ex = Assert.Throws<XclbinFormatException>(file.ReadAiePartition);
        Assert.Equal("AIE_PARTITION", ex.Section);
        Assert.Equal((long)file.FindSection(XclbinSectionKind.AiePartition)!.Offset + field, ex.Offset);
        Assert.Contains(problem, ex.Message);
    }

    private static uint U32(byte[] p, int at) => BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(at));

    /// <summary>An {u32 count, u32 offset} array reference whose elements of <paramref name="elementSize"/> bytes fit the section.</summary>
    private static (uint Count, uint Offset) Array(byte[] p, int at, int elementSize)
    {
        uint count = U32(p, at), offset = U32(p, at + 4);
        Assert.InRange((long)offset + (long)count * elementSize, 0, p.Length);
        return (count, offset);
    }

    private static string CString(byte[] p, uint at)
    {
        int end = System.Array.IndexOf(p, (byte)0, (int)at);
        Assert.True(end >= 0, "string is NUL-terminated inside the section");
        return Encoding.ASCII.GetString(p, (int)at, end - (int)at);
    }
}
