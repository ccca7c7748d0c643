using System.Buffers.Binary;
using System.Text;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Xclbin;

/// <summary>
/// Walks the written AIE_PARTITION the way XRT's <c>get_aie_partition</c> does (aie_partition, aie_pdi,
/// cdo_group records; {count, offset} arrays and string offsets relative to the section), checking that
/// every reference lands inside the section.
/// </summary>
public class AiePartitionTests
{
    [Theory]
    [InlineData(XclbinLayout.MlirAie)]
    [InlineData(XclbinLayout.Riallto)]
    public void EveryReferenceInThePartitionLandsInsideIt(XclbinLayout layout)
    {
        var spec = layout == XclbinLayout.MlirAie ? XclbinSpec.MlirAie(2, uuidSeed: "p") : XclbinSpec.Riallto("app", uuidSeed: "p");
        var file = XclbinFile.Read(XclbinWriter.Write(spec));
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
