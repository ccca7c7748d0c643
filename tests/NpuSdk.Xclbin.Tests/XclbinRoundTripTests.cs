using System.Text;
using NpuSdk.Xclbin;

using NpuSdk.Testing;

namespace NpuSdk.Xclbin.Tests;

public class XclbinRoundTripTests
{
    private static readonly XclbinSectionKind[] MlirAieSections =
    [
        XclbinSectionKind.MemTopology, XclbinSectionKind.AiePartition, XclbinSectionKind.EmbeddedMetadata,
        XclbinSectionKind.IpLayout, XclbinSectionKind.Connectivity, XclbinSectionKind.AskGroupConnectivity,
        XclbinSectionKind.AskGroupTopology,
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void MlirAieLayoutReadsBackAsWritten(int buffers)
    {
        var spec = XclbinSpec.MlirAie(buffers, uuidSeed: "round-trip");
        var file = XclbinFile.Read(XclbinWriter.Write(spec), "t.xclbin");

        Assert.Equal(XclbinWriter.DeriveUuid(spec), file.Uuid);
        Assert.Equal(MlirAieSections, file.Sections.Select(s => s.Kind));
        Assert.Equal(["HOST", "SRAM"], file.MemoryBanks.Select(b => b.Tag));
        Assert.All(file.MemoryBanks, b => Assert.Equal(MemoryType.Dram, b.Type));
        var ip = Assert.Single(file.IpLayout);
        Assert.Equal("MLIR_AIE:MLIRAIE", ip.Name);
        Assert.Equal(7u, ip.Type);
        Assert.Equal(0x09010001u, ip.Properties);

        var kernel = Assert.Single(file.Kernels);
        Assert.Equal("MLIR_AIE", kernel.Name);
        Assert.Equal(["MLIRAIE"], kernel.Instances);
        AssertArgumentsMatch(spec, file, kernel);
    }

    [Fact]
    public void MlirAieRegisterOffsetsFollowTheToolchain()
    {
        var kernel = XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(3))).Kernels[0];
        // opcode u64 at 0, instr at 8, ninstr u32 at 0x10, then the buffers 8 bytes apart from 0x14.
        ulong[] expected = [0x0, 0x8, 0x10, 0x14, 0x1c, 0x24];
        Assert.Equal(expected, kernel.Arguments.Select(a => a.Offset));
        Assert.Equal(1, kernel.FindArgument("instr")!.MemoryGroup);
        Assert.Null(kernel.FindArgument("opcode")!.MemoryGroup);
        Assert.Equal(0, kernel.FindArgument("bo2")!.MemoryGroup);
    }

    [Fact]
    public void RialltoLayoutHasItsExtraSections()
    {
        var spec = XclbinSpec.Riallto("color_detect", uuidSeed: "r");
        var file = XclbinFile.Read(XclbinWriter.Write(spec));

        foreach (var kind in MlirAieSections.Concat([XclbinSectionKind.Bitstream, XclbinSectionKind.BuildMetadata,
                     XclbinSectionKind.SystemMetadata, XclbinSectionKind.Pdi]))
            Assert.NotNull(file.FindSection(kind));
        var kernel = Assert.Single(file.Kernels);
        Assert.Equal("color_detect", kernel.Name);
        Assert.Equal(["instr", "ninstr", "in", "tmp", "out"], kernel.Arguments.Select(a => a.Name));
        Assert.Equal([0x0ul, 0x8ul, 0x10ul, 0x18ul, 0x20ul], kernel.Arguments.Select(a => a.Offset));
        Assert.Equal(["Riallto"], kernel.Instances);
        AssertArgumentsMatch(spec, file, kernel);
        Assert.Contains("color_detect", Encoding.UTF8.GetString(file.GetSectionData(file.FindSection(XclbinSectionKind.BuildMetadata)!)));
    }

    [Fact]
    public void EqualSpecsGiveIdenticalBytesAndDifferentKernelsDifferentUuids()
    {
        var a = XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "x"));
        Assert.Equal(a, XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "x")));

        var uuids = new[]
        {
            XclbinFile.Read(a).Uuid,
            XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "y"))).Uuid,
            XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(3, uuidSeed: "x"))).Uuid,
            XclbinFile.Read(XclbinWriter.Write(XclbinSpec.MlirAie(2, kernelName: "OTHER", uuidSeed: "x"))).Uuid,
        };
        Assert.Equal(uuids.Length, uuids.Distinct().Count());
        foreach (var u in uuids)
        {
            var bytes = u.ToByteArray();
            Assert.Equal(0x50, bytes[6] & 0xF0); // RFC 4122 version 5
            Assert.Equal(0x80, bytes[8] & 0xC0); // RFC 4122 variant
        }
    }

    [Fact]
    public void AnExplicitUuidIsWrittenAsGiven()
    {
        var uuid = XclbinUuid.Parse("9f2a61c0-43d5-4f1e-8a77-0b51c2de9e10");
        var spec = XclbinSpec.MlirAie(2);
        spec.Uuid = uuid;
        var file = XclbinFile.Read(XclbinWriter.Write(spec));
        Assert.Equal("9f2a61c0-43d5-4f1e-8a77-0b51c2de9e10", file.Uuid.ToString());
    }

    [Fact]
    public void UnknownKindsZeroSizeSectionsAndTrailingBytesAreTolerated()
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "tolerant")));
        builder.Sections.Insert(2, (77u, "mystery", [1, 2, 3, 4, 5]));
        builder.Sections.Add(((uint)XclbinSectionKind.KeyValueMetadata, "empty", []));
        builder.Sections.Add((1234u, "", []));
        builder.Trailing = Enumerable.Repeat((byte)0xEE, 100).ToArray();
        var file = XclbinFile.Read(builder.Build());

        var unknown = file.Sections.Single(s => (uint)s.Kind == 77u);
        Assert.False(unknown.IsKnownKind);
        Assert.Equal("UNKNOWN(77)", unknown.KindName);
        Assert.Equal("mystery", unknown.Name);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, file.GetSectionData(unknown));
        Assert.Equal(0ul, file.Sections.Single(s => (uint)s.Kind == 1234u).Size);
        Assert.Equal(10, file.Sections.Count);
        Assert.Equal(5, file.Kernels[0].Arguments.Count);
    }

    [Fact]
    public void GroupConnectivityWinsOverConnectivity()
    {
        // XRT takes group ids from ASK_GROUP_CONNECTIVITY when present: point bo0 at the SRAM group there only.
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2)));
        var group = builder.Sections[builder.IndexOf(XclbinSectionKind.AskGroupConnectivity)].Data.ToArray();
        int count = BitConverter.ToInt32(group, 0);
        for (int i = 0; i < count; i++)
            if (BitConverter.ToInt32(group, 4 + i * 12) == 3) BitConverter.TryWriteBytes(group.AsSpan(4 + i * 12 + 8), 1);
        builder.Replace(XclbinSectionKind.AskGroupConnectivity, group);
        var file = XclbinFile.Read(builder.Build());
        Assert.Equal(1, file.Kernels[0].FindArgument("bo0")!.MemoryGroup);
        Assert.Equal(0, file.Connectivity.Single(c => c.ArgIndex == 3).MemoryIndex);
    }

    [Fact]
    public void HeaderFieldsAreReadFromTheirOffsets()
    {
        var bytes = XclbinWriter.Write(XclbinSpec.MlirAie(1, uuidSeed: "header"));
        var header = XclbinFile.Read(bytes).Header;
        Assert.Equal(-1, header.SignatureLength);
        Assert.Equal((ulong)bytes.Length, header.Length);
        Assert.Equal((uint)7, header.SectionCount);
        Assert.Equal(BitConverter.ToUInt64(bytes, 296), header.UniqueId);
        Assert.Equal(bytes[330], header.VersionMajor);
        Assert.Equal(bytes[331], header.VersionMinor);
        Assert.Equal(BitConverter.ToUInt16(bytes, 328), header.VersionPatch);
        Assert.Equal(bytes[416..432], header.Uuid.ToByteArray());
        Assert.True(header.InterfaceUuid.IsEmpty);
        Assert.Equal("", header.PlatformVbnv);
    }

    [Fact]
    public void TheParsedFileDoesNotChangeWhenTheCallerReusesItsArray()
    {
        var bytes = XclbinWriter.Write(XclbinSpec.MlirAie(1));
        var original = (byte[])bytes.Clone();
        var file = XclbinFile.Read(bytes);
        Array.Clear(bytes);
        Assert.Equal(original, file.GetBytes());
        Assert.Equal(original[416..432], file.Uuid.ToByteArray());
    }

    internal static void AssertArgumentsMatch(XclbinSpec spec, XclbinFile file, XclbinKernel kernel)
    {
        Assert.Equal(spec.Arguments.Count, kernel.Arguments.Count);
        ulong offset = 0;
        for (int i = 0; i < spec.Arguments.Count; i++)
        {
            var expected = spec.Arguments[i];
            var actual = kernel.Arguments[i];
            Assert.Equal(i, actual.Index);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.AddressQualifier, actual.AddressQualifier);
            Assert.Equal(expected.HostType, actual.HostType);
            Assert.Equal(expected.Size, actual.Size);
            Assert.Equal(offset, actual.Offset);
            offset += expected.Size;
            int? group = expected.MemoryTag is null ? null : file.GroupTopology.Single(b => b.Tag == expected.MemoryTag).Index;
            Assert.Equal(group, actual.MemoryGroup);
        }
    }
}
