using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NpuSdk.Cli;
using NpuSdk.Testing;
using NpuSdk.Xclbin;

namespace NpuSdk.Xclbin.Tests;

/// <summary>
/// Ways a real mlir-aie, Riallto or hand-assembled xclbin can differ from what the SDK's writer produces: XML
/// spelling (declaration, byte order mark, comments, namespaces, DOCTYPE, NUL padding, extra elements and
/// attributes, number spellings, raw white space in types), header fields, section order, alignment and padding,
/// zero-size and differing group sections, IP entries that are not compute units. For each, XRT's own parser and
/// the SDK's reader (and <c>npu inspect --json</c>) must agree; where XRT rejects a file, the reader must raise
/// its format exception naming the section.
/// </summary>
public class XrtRealWorldVariantTests
{
    private const string KernelTemplate = """
        <kernel name="MLIR_AIE" language="c" type="dpu">
          <arg name="opcode" addressQualifier="0" id="0" size="0x8" offset="0x00" hostOffset="0x0" hostSize="0x8" type="uint64_t"/>
          <arg name="instr" addressQualifier="1" id="1" size="0x8" offset="0x08" hostOffset="0x0" hostSize="0x8" type="char *"/>
          <arg name="ninstr" addressQualifier="0" id="2" size="0x4" offset="0x10" hostOffset="0x0" hostSize="0x4" type="uint32_t"/>
          <arg name="bo0" addressQualifier="1" id="3" size="0x8" offset="0x14" hostOffset="0x0" hostSize="0x8" type="void*"/>
          <arg name="bo1" addressQualifier="1" id="4" size="0x8" offset="0x1c" hostOffset="0x0" hostSize="0x8" type="void*"/>
          <instance name="MLIRAIE"/>
        </kernel>
        """;

    private static string Document(string kernels = KernelTemplate, string prolog = "", string rootAttributes = "") =>
        prolog + $"<project name=\"design\"{rootAttributes}>\n  <platform>\n    <device name=\"fpga0\">\n      <core name=\"OCL_REGION_0\">\n"
        + kernels + "\n      </core>\n    </device>\n  </platform>\n</project>\n";

    private static string Kernel(string from, string to) => KernelTemplate.Replace(from, to, StringComparison.Ordinal);

    /// <summary>An mlir-aie file (instr on SRAM, bo0 and bo1 on HOST) whose EMBEDDED_METADATA is <paramref name="xml"/>.</summary>
    private static byte[] WithXml(byte[] xml)
    {
        var builder = new AxlfBuilder(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "variants")));
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, xml);
        return builder.Build();
    }

    private static byte[] WithXml(string xml) => WithXml(Encoding.UTF8.GetBytes(xml + "\0"));

    private static AxlfBuilder Base(string seed = "variants") => new(XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: seed)));

    private static readonly Dictionary<string, Func<byte[]>> Agreeing = new()
    {
        ["xml: declaration, byte order mark and comments"] = () => WithXml(
            [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Document(kernels: "<!-- generated -->\n" + KernelTemplate,
                prolog: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- xclbinutil -->\n") + "\0")]),
        ["xml: a default namespace"] = () => WithXml(Document(rootAttributes: " xmlns=\"http://www.xilinx.com\"")),
        ["xml: a DOCTYPE"] = () => WithXml(Document(prolog: "<?xml version=\"1.0\"?>\n<!DOCTYPE project>\n")),
        ["xml: several top-level elements, the first project counts"] = () => WithXml("<?xml version=\"1.0\"?>\n<build tool=\"x\"/>\n"
            + Document() + Document(Kernel("name=\"MLIR_AIE\"", "name=\"SECOND\""))),
        ["xml: NUL padding to an 8-byte size"] = () => WithXml(Encoding.UTF8.GetBytes(Document() + new string('\0', 13))),
        ["xml: no terminating NUL"] = () => WithXml(Encoding.UTF8.GetBytes(Document())),
        ["xml: xclbinutil's extra elements and attributes"] = () => WithXml(Document(KernelTemplate
            .Replace("type=\"dpu\">", "type=\"dpu\" vlnv=\"xilinx.com:hls:MLIR_AIE:1.0\" preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" interrupt=\"true\">\n"
                + "  <port name=\"S_AXI_CONTROL\" mode=\"slave\" range=\"0x1000\" dataWidth=\"32\" portType=\"addressable\" base=\"0x0\"/>\n"
                + "  <extended-data subtype=\"DPU\" functional=\"0\" dpu_kernel_id=\"0x901\"/>", StringComparison.Ordinal)
            .Replace("id=\"3\"", "id=\"3\" port=\"S_AXI_CONTROL\" memSize=\"0\"", StringComparison.Ordinal)
            .Replace("<instance name=\"MLIRAIE\"/>", "<instance name=\"MLIRAIE\">\n  <addrRemap base=\"0x0\" range=\"0x1000\" port=\"S_AXI_CONTROL\"/>\n</instance>", StringComparison.Ordinal))),
        ["xml: attributes in another order"] = () => WithXml(Document(Kernel(
            "<arg name=\"bo0\" addressQualifier=\"1\" id=\"3\" size=\"0x8\" offset=\"0x14\" hostOffset=\"0x0\" hostSize=\"0x8\" type=\"void*\"/>",
            "<arg type=\"void*\" hostSize=\"0x8\" offset=\"0x14\" id=\"3\" hostOffset=\"0x0\" size=\"0x8\" name=\"bo0\" addressQualifier=\"1\"/>"))),
        ["xml: numbers in upper-case hex, decimal, octal, with a sign or trailing text"] = () => WithXml(Document(KernelTemplate
            .Replace("offset=\"0x1c\"", "offset=\"0X1C\"", StringComparison.Ordinal)
            .Replace("offset=\"0x14\"", "offset=\"024\"", StringComparison.Ordinal)
            .Replace("offset=\"0x10\"", "offset=\"+16\"", StringComparison.Ordinal)
            .Replace("size=\"0x4\"", "size=\"4 bytes\"", StringComparison.Ordinal)
            .Replace("id=\"4\"", "id=\" 4 \"", StringComparison.Ordinal)
            .Replace("addressQualifier=\"1\" id=\"1\"", "addressQualifier=\" 01 \" id=\"1\"", StringComparison.Ordinal))),
        ["xml: empty offset and size read as 0"] = () => WithXml(Document(Kernel("size=\"0x8\" offset=\"0x00\"", "size=\"\" offset=\"\""))),
        ["xml: host types with spaces, a tab and a line break"] = () => WithXml(Document(KernelTemplate
            .Replace("type=\"uint32_t\"", "type=\"unsigned int\"", StringComparison.Ordinal)
            .Replace("type=\"uint64_t\"", "type=\"unsigned\tlong\"", StringComparison.Ordinal)
            .Replace("hostSize=\"0x8\" type=\"void*\"/>\n  <instance", "hostSize=\"0x8\" type=\"const void\r\n*\"/>\n  <instance", StringComparison.Ordinal))),
        ["xml: entities and CDATA"] = () => WithXml(Document(KernelTemplate
            .Replace("type=\"char *\"", "type=\"std::vector&lt;char&gt; &amp;&#x20;\"", StringComparison.Ordinal)
            .Replace("<instance", "<![CDATA[ <arg name=\"fake\"/> ]]>\n<instance", StringComparison.Ordinal))),
        ["xml: two kernels with the same name"] = () => WithXml(Document(KernelTemplate + "\n" + Kernel("name=\"opcode\"", "name=\"op\""))),
        ["xml: a DOCTYPE whose entity is never expanded"] = () => WithXml(Document(Kernel("type=\"char *\"", "type=\"&big;\""),
            prolog: "<!DOCTYPE project [<!ENTITY big \"aaaaaaaaaaaaaaaa\">]>\n")),
        ["xml: an OpenCL runtime argument without id"] = () => WithXml(Document(Kernel("<instance",
            "<arg name=\"work_dim\" addressQualifier=\"0\" id=\"\" size=\"0x4\" offset=\"0x40\" hostOffset=\"0x0\" hostSize=\"0x4\" type=\"uint\"/>\n<instance"))),
        ["mlir-aie: eight buffers, beyond bo4"] = () => XclbinWriter.Write(XclbinSpec.MlirAie(8, uuidSeed: "variants-8")),
        ["Riallto: BITSTREAM, PDI, BUILD_METADATA, SYSTEM_METADATA"] = () => XclbinWriter.Write(XclbinSpec.Riallto("color_detect", uuidSeed: "variants-r")),
        ["header: other mode, signature length, timestamps, action mask, VBNV"] = HeaderFieldsChanged,
        ["header: a signed file, the signature after m_length"] = () =>
        {
            var builder = Base("signed");
            BinaryPrimitives.WriteInt32LittleEndian(builder.Header.AsSpan(8), 64);
            builder.Trailing = Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray();
            return builder.Build();
        },
        ["mlir-air style: two DPU kernels, each its own instance, IP entry and connections"] = TwoDpuKernels,
        ["sections: reversed order, 16-byte alignment, 0xCC padding, names filled, trailing bytes"] = SectionsRearranged,
        ["memory: an unused SRAM bank, a streaming type, duplicate connections"] = () =>
        {
            var builder = Base("banks");
            foreach (var kind in new[] { XclbinSectionKind.MemTopology, XclbinSectionKind.AskGroupTopology })
            {
                var banks = builder.Sections[builder.IndexOf(kind)].Data.ToArray();
                banks[8 + 40 + 1] = 0;   // bank 1 (SRAM) not used
                banks[8] = 7;            // bank 0 typed MEM_STREAMING
                builder.Replace(kind, banks);
            }
            var connections = XrtEdgeCaseTests.Connectivity((1, 0, 1), (1, 0, 1), (1, 0, 0), (3, 0, 0), (4, 0, 0), (4, 0, 0));
            builder.Replace(XclbinSectionKind.AskGroupConnectivity, connections);
            builder.Replace(XclbinSectionKind.Connectivity, connections);
            return builder.Build();
        },
        ["sections: a zero-size ASK_GROUP_CONNECTIVITY is empty, not absent"] = () => ReplaceWith(XclbinSectionKind.AskGroupConnectivity, []),
        ["sections: a group topology that differs from MEM_TOPOLOGY"] = GroupTopologyDiffers,
        ["sections: CONNECTIVITY with no entries and no group sections"] = () =>
        {
            var builder = WithoutGroupSections();
            builder.Replace(XclbinSectionKind.Connectivity, XrtEdgeCaseTests.Connectivity());
            return builder.Build();
        },
        ["sections: a zero-size CONNECTIVITY and no group sections"] = () =>
        {
            var builder = WithoutGroupSections();
            builder.Replace(XclbinSectionKind.Connectivity, []);
            return builder.Build();
        },
        ["sections: the first of two EMBEDDED_METADATA sections counts"] = () =>
        {
            var builder = Base();
            builder.Sections.Add(((uint)XclbinSectionKind.EmbeddedMetadata, "", Encoding.UTF8.GetBytes(Document(Kernel("MLIR_AIE", "OTHER")) + "\0")));
            return builder.Build();
        },
        ["ip layout: entries that are not compute units, and connections to unknown IPs and arguments"] = () =>
        {
            var builder = Base();
            builder.Replace(XclbinSectionKind.IpLayout, IpLayout((7, "MLIR_AIE:MLIRAIE"), (5, "MLIR_AIE:HBM"), (0, "MLIR_AIE:MB")));
            var connections = XrtEdgeCaseTests.Connectivity((1, 0, 1), (3, 1, 0), (4, 2, 0), (2, 9, 0), (12, 0, 0));
            builder.Replace(XclbinSectionKind.AskGroupConnectivity, connections);
            builder.Replace(XclbinSectionKind.Connectivity, connections);
            return builder.Build();
        },
    };

    private static readonly Dictionary<string, (Func<byte[]> Build, string Section)> Rejected = new()
    {
        ["a hexadecimal addressQualifier"] = (() => WithXml(Document(Kernel("addressQualifier=\"1\" id=\"1\"", "addressQualifier=\"0x1\" id=\"1\""))), "EMBEDDED_METADATA"),
        ["an offset past 64 bits"] = (() => WithXml(Document(Kernel("offset=\"0x1c\"", "offset=\"0x1FFFFFFFFFFFFFFFF\""))), "EMBEDDED_METADATA"),
        ["a size with no digits"] = (() => WithXml(Document(Kernel("size=\"0x4\"", "size=\"four\""))), "EMBEDDED_METADATA"),
        ["a size of white space only"] = (() => WithXml(Document(Kernel("size=\"0x4\"", "size=\" \""))), "EMBEDDED_METADATA"),
        ["prefixed element names"] = (() => WithXml(Document().Replace("<", "<x:", StringComparison.Ordinal).Replace("<x:/", "</x:", StringComparison.Ordinal)
            .Replace("<x:project ", "<x:project xmlns:x=\"urn:x\" ", StringComparison.Ordinal)), "EMBEDDED_METADATA"),
        ["text after the root element"] = (() => WithXml(Document() + "trailing"), "EMBEDDED_METADATA"),
        ["an argument without hostSize"] = (() => WithXml(Document(Kernel("hostSize=\"0x4\" ", ""))), "EMBEDDED_METADATA"),
        ["an argument without addressQualifier"] = (() => WithXml(Document(Kernel("addressQualifier=\"0\" id=\"2\"", "id=\"2\""))), "EMBEDDED_METADATA"),
        ["a runtime argument (empty id) without size"] = (() => WithXml(Document(Kernel("<instance",
            "<arg name=\"work_dim\" addressQualifier=\"0\" id=\"\" offset=\"0x40\" hostOffset=\"0x0\" hostSize=\"0x4\" type=\"uint\"/>\n<instance"))), "EMBEDDED_METADATA"),
        ["a kernel without a name"] = (() => WithXml(Document(Kernel("<kernel name=\"MLIR_AIE\"", "<kernel"))), "EMBEDDED_METADATA"),
        ["a zero-size ASK_GROUP_TOPOLOGY that connections point into"] = (() => ReplaceWith(XclbinSectionKind.AskGroupTopology, []), "ASK_GROUP_CONNECTIVITY"),
    };

    public static TheoryData<string> AgreeingVariants() => new(Agreeing.Keys);

    /// <summary>
    /// Variants XRT 2.13 parses but its device cannot load, so they are compared with the parser only: a kernel
    /// whose buffer arguments have no memory connection fails <c>xrt::kernel</c> with a range error, and IP entries
    /// that are not compute units but carry a kernel's name crash its compute-unit setup.
    /// </summary>
    private static readonly HashSet<string> ParseOnly =
    [
        "sections: a zero-size ASK_GROUP_CONNECTIVITY is empty, not absent",
        "sections: CONNECTIVITY with no entries and no group sections",
        "sections: a zero-size CONNECTIVITY and no group sections",
        "ip layout: entries that are not compute units, and connections to unknown IPs and arguments",
    ];

    public static TheoryData<string> DeviceLoadableVariants() => new(Agreeing.Keys.Where(k => !ParseOnly.Contains(k)));

    public static TheoryData<string, string> RejectedVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, (_, section)) in Rejected) data.Add(name, section);
        return data;
    }

    [XrtTheory]
    [MemberData(nameof(AgreeingVariants))]
    public void TheReaderAndInspectJsonAgreeWithXrt(string variant)
    {
        var bytes = Agreeing[variant]();
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);

        var file = XclbinFile.Read(bytes, variant);
        Assert.NotEmpty(file.Kernels);
        XrtAgreementTests.AssertAgrees(file, xrt.RootElement);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, NpuCommandLine.Run(["inspect", temp.Path, "--json"], stdout, stderr));
        using var json = JsonDocument.Parse(stdout.ToString());
        AssertJsonAgrees(json.RootElement, xrt.RootElement);
        Assert.Equal(0, NpuCommandLine.Run(["inspect", temp.Path], new StringWriter(), stderr));
        Assert.Equal("", stderr.ToString());
    }

    [XrtDeviceTheory]
    [MemberData(nameof(DeviceLoadableVariants))]
    public void XrtsNoopDeviceLoadsTheVariantWithTheReadersGroupIds(string variant)
    {
        var bytes = Agreeing[variant]();
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Load(temp.Path);

        var file = XclbinFile.Read(bytes, variant);
        var xrtKernels = xrt.RootElement.GetProperty("kernels").EnumerateArray().ToList();
        Assert.Equal(file.Kernels.Count, xrtKernels.Count);
        for (int k = 0; k < xrtKernels.Count; k++)
            Assert.Equal(file.Kernels[k].Arguments.Select(a => a.MemoryGroup ?? -1),
                xrtKernels[k].GetProperty("deviceGroupIds").EnumerateArray().Select(g => g.GetInt32()));
    }

    [XrtTheory]
    [MemberData(nameof(RejectedVariants))]
    public void WhatXrtRejectsIsAFormatErrorNamingTheSection(string variant, string section)
    {
        var bytes = Rejected[variant].Build();
        using var temp = new TempFile(bytes, ".xclbin");
        var xrtError = Assert.Throws<InvalidOperationException>(() => XrtXclbinDump.Dump(temp.Path).Dispose());
        Assert.Contains("xrt::xclbin failed", xrtError.Message);

        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(bytes, variant));
        Assert.Equal(section, ex.Section);
        Assert.InRange(ex.Offset, 0, bytes.Length);
    }

    [Theory]
    [MemberData(nameof(RejectedVariants))]
    public void RejectedVariantsAreFormatErrorsWithoutXrtToo(string variant, string section)
    {
        var ex = Assert.Throws<XclbinFormatException>(() => XclbinFile.Read(Rejected[variant].Build(), variant));
        Assert.Equal(section, ex.Section);
    }

    [XrtFact]
    public void OnlyTheFirstCoreDeclaresKernels()
    {
        var bytes = WithXml(Document().Replace("<core name=\"OCL_REGION_0\">", "<core name=\"empty\"/>\n<core name=\"OCL_REGION_0\">", StringComparison.Ordinal));
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);
        var file = XclbinFile.Read(bytes);
        Assert.Empty(file.Kernels);
        XrtAgreementTests.AssertAgrees(file, xrt.RootElement);
    }

    [Fact]
    public void EveryParseOnlyVariantExists() => Assert.Subset(Agreeing.Keys.ToHashSet(), ParseOnly);

    [Fact]
    public void NumbersReadTheWayXrtProgramsThem()
    {
        var args = XclbinFile.Read(Agreeing["xml: numbers in upper-case hex, decimal, octal, with a sign or trailing text"]()).Kernels[0].Arguments;
        Assert.Equal(0x1CUL, args[4].Offset);
        Assert.Equal(20UL, args[3].Offset);   // "024" is octal, as strtoul with base 0 reads it
        Assert.Equal(16UL, args[2].Offset);
        Assert.Equal(4UL, args[2].Size);      // "4 bytes": the number prefix, as on the device
        Assert.Equal(AddressQualifier.Global, args[1].AddressQualifier);
        Assert.Equal(4, args[4].Index);

        var empty = XclbinFile.Read(Agreeing["xml: empty offset and size read as 0"]()).Kernels[0].Arguments[0];
        Assert.Equal((0UL, 0UL), (empty.Offset, empty.Size));
    }

    /// <summary>Spellings of bo1's offset and what <c>strtoul(s, 0, 0)</c> makes of them (C's rules, not the reader's).</summary>
    public static TheoryData<string, ulong> OffsetSpellings() => new()
    {
        { "0x", 0 },          // "0" then text: the x has no hex digit after it
        { "08", 0 },          // octal "0" then an 8, which is not an octal digit
        { "0x8h", 8 },
        { "  +0x10", 16 },
        { "1e3", 1 },
        { "0b1", 0 },
        { "\t7", 7 },
        { "0XfF", 255 },
        { "0777", 511 },
    };

    [Theory]
    [MemberData(nameof(OffsetSpellings))]
    public void OffsetsAreReadLikeStrtoul(string offset, ulong expected)
    {
        var bytes = WithXml(Document(Kernel("offset=\"0x1c\"", $"offset=\"{offset}\"")));
        Assert.Equal(expected, XclbinFile.Read(bytes).Kernels[0].Arguments[4].Offset);
    }

    [XrtTheory]
    [MemberData(nameof(OffsetSpellings))]
    public void OffsetSpellingsAgreeWithXrt(string offset, ulong expected)
    {
        var bytes = WithXml(Document(Kernel("offset=\"0x1c\"", $"offset=\"{offset}\"")));
        using var temp = new TempFile(bytes, ".xclbin");
        using var xrt = XrtXclbinDump.Dump(temp.Path);
        Assert.Equal(expected, xrt.RootElement.GetProperty("kernels")[0].GetProperty("args")[4].GetProperty("offset").GetUInt64());
        XrtAgreementTests.AssertAgrees(XclbinFile.Read(bytes), xrt.RootElement);
    }

    [Fact]
    public void HostTypesKeepTheirWhiteSpaceAsWritten()
    {
        var args = XclbinFile.Read(Agreeing["xml: host types with spaces, a tab and a line break"]()).Kernels[0].Arguments;
        Assert.Equal(["unsigned\tlong", "char *", "unsigned int", "void*", "const void\r\n*"], args.Select(a => a.HostType));
    }

    [Theory]
    [InlineData("xml: a default namespace")]
    [InlineData("xml: a DOCTYPE")]
    [InlineData("xml: declaration, byte order mark and comments")]
    [InlineData("xml: xclbinutil's extra elements and attributes")]
    public void SpellingsOfTheSameXmlGiveTheSameKernel(string variant)
    {
        var plain = XclbinFile.Read(WithXml(Document())).Kernels.Single();
        var kernel = XclbinFile.Read(Agreeing[variant]()).Kernels.Single();
        Assert.Equal(plain.Name, kernel.Name);
        Assert.Equal(plain.Arguments.Select(a => (a.Index, a.Name, a.HostType, a.Offset, a.Size, a.MemoryGroup)),
            kernel.Arguments.Select(a => (a.Index, a.Name, a.HostType, a.Offset, a.Size, a.MemoryGroup)));
    }

    [Fact]
    public void EachDpuKernelGetsItsOwnInstanceAndGroups()
    {
        var file = XclbinFile.Read(Agreeing["mlir-air style: two DPU kernels, each its own instance, IP entry and connections"]());
        Assert.Equal(["mm_relu", "add_one"], file.Kernels.Select(k => k.Name));
        foreach (var kernel in file.Kernels)
        {
            Assert.Equal([kernel.Name], kernel.Instances);
            Assert.Equal([1, null, 0, 0, 0], kernel.Arguments.Select(a => a.MemoryGroup));
        }
    }

    [Fact]
    public void DoctypeEntitiesAreNeverExpanded()
    {
        var instr = XclbinFile.Read(Agreeing["xml: a DOCTYPE whose entity is never expanded"]()).Kernels[0].Arguments[1];
        Assert.Equal("&big;", instr.HostType);
    }

    [Fact]
    public void TwoKernelsWithOneNameBothHaveTheFirstOnesArguments()
    {
        var kernels = XclbinFile.Read(Agreeing["xml: two kernels with the same name"]()).Kernels;
        Assert.Equal(2, kernels.Count);
        Assert.All(kernels, k => Assert.Equal("opcode", k.Arguments[0].Name));
    }

    [Fact]
    public void AZeroSizeGroupConnectivityLeavesArgumentsWithoutGroups()
    {
        var file = XclbinFile.Read(Agreeing["sections: a zero-size ASK_GROUP_CONNECTIVITY is empty, not absent"]());
        Assert.Empty(file.GroupConnectivity);
        Assert.All(file.Kernels[0].Arguments, a => Assert.Null(a.MemoryGroup));

        var absent = XclbinFile.Read(WithoutGroupSections().Build()).Kernels[0];
        Assert.Equal(1, absent.FindArgument("instr")!.MemoryGroup);
        Assert.Equal(0, absent.FindArgument("bo1")!.MemoryGroup);
    }

    private static byte[] HeaderFieldsChanged()
    {
        var builder = Base("header");
        var h = builder.Header;
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(8), -1);                      // no signature
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(312), 0x0000_0190_5D3C_A1B2); // timestamp
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(320), 0x1234);               // feature ROM timestamp
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(328), 466);                  // version 2.13.466
        h[330] = 2;
        h[331] = 13;
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(332), 9);                    // an m_mode value other than the writer's
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(334), 0x3);                  // action mask
        for (int i = 0; i < 16; i++) h[336 + i] = (byte)(0xA0 + i);                    // interface uuid
        Array.Clear(h, 352, 64);
        Encoding.ASCII.GetBytes("xilinx_v70_gen5x8_qdma_2_202220_1").CopyTo(h, 352);
        return builder.Build();
    }

    private static byte[] TwoDpuKernels()
    {
        // kernels.json with two ps-kernels whose instances are named like the kernels, the Riallto-era ABI.
        static string Dpu(string name)
        {
            var x = new StringBuilder($"<kernel name=\"{name}\" language=\"c\" type=\"dpu\">\n");
            x.Append("<extended-data subtype=\"DPU\" functional=\"1\" dpu_kernel_id=\"0x901\"/>\n");
            string[] names = ["instr", "ninstr", "in", "tmp", "out"];
            for (int i = 0; i < names.Length; i++)
            {
                bool scalar = names[i] == "ninstr";
                x.Append($"<arg name=\"{names[i]}\" addressQualifier=\"{(scalar ? 0 : 1)}\" id=\"{i}\" size=\"0x8\" offset=\"0x{i * 8:x}\" ")
                 .Append($"hostOffset=\"0x0\" hostSize=\"0x8\" type=\"{(scalar ? "uint64_t" : "char *")}\"/>\n");
            }
            return x.Append($"<instance name=\"{name}\"/>\n</kernel>").ToString();
        }

        var builder = Base("two-dpu");
        builder.Replace(XclbinSectionKind.EmbeddedMetadata, Encoding.UTF8.GetBytes(Document(Dpu("mm_relu") + "\n" + Dpu("add_one")) + "\0"));
        builder.Replace(XclbinSectionKind.IpLayout, IpLayout((7, "mm_relu:mm_relu"), (7, "add_one:add_one")));
        var connections = XrtEdgeCaseTests.Connectivity(
            (0, 0, 1), (2, 0, 0), (3, 0, 0), (4, 0, 0),
            (0, 1, 1), (2, 1, 0), (3, 1, 0), (4, 1, 0));
        builder.Replace(XclbinSectionKind.Connectivity, connections);
        builder.Replace(XclbinSectionKind.AskGroupConnectivity, connections);
        return builder.Build();
    }

    private static byte[] SectionsRearranged()
    {
        var builder = Base("sections");
        builder.Sections.Reverse();
        for (int i = 0; i < builder.Sections.Count; i++)
        {
            var (kind, _, data) = builder.Sections[i];
            builder.Sections[i] = (kind, Enum.GetName((XclbinSectionKind)kind) is { } n ? n[..Math.Min(15, n.Length)] : "", data);
        }
        builder.Alignment = 16;
        builder.Padding = 0xCC;
        builder.Trailing = [1, 2, 3, 4, 5];
        return builder.Build();
    }

    private static byte[] GroupTopologyDiffers()
    {
        var builder = Base("groups");
        var topology = builder.Sections[builder.IndexOf(XclbinSectionKind.MemTopology)].Data;
        // A third group after HOST and SRAM, and bo1 connected to it through the group connectivity only.
        var groups = new byte[topology.Length + 40];
        topology.CopyTo(groups, 0);
        BinaryPrimitives.WriteInt32LittleEndian(groups, BinaryPrimitives.ReadInt32LittleEndian(topology) + 1);
        Array.Copy(topology, 8, groups, topology.Length, 40);
        Encoding.ASCII.GetBytes("GROUP_2\0\0\0\0\0\0\0\0\0").CopyTo(groups, topology.Length + 24);
        builder.Replace(XclbinSectionKind.AskGroupTopology, groups);
        builder.Replace(XclbinSectionKind.AskGroupConnectivity, XrtEdgeCaseTests.Connectivity((1, 0, 1), (3, 0, 0), (4, 0, 2)));
        return builder.Build();
    }

    private static byte[] ReplaceWith(XclbinSectionKind kind, byte[] data)
    {
        var builder = Base();
        builder.Replace(kind, data);
        return builder.Build();
    }

    private static AxlfBuilder WithoutGroupSections()
    {
        var builder = Base();
        builder.Sections.RemoveAll(s => s.Kind is (uint)XclbinSectionKind.AskGroupConnectivity or (uint)XclbinSectionKind.AskGroupTopology);
        return builder;
    }

    private static byte[] IpLayout(params (uint Type, string Name)[] entries)
    {
        var d = XrtEdgeCaseTests.IpLayout(entries.Select(e => e.Name).ToArray());
        for (int i = 0; i < entries.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8 + i * 80), entries[i].Type);
        return d;
    }

    /// <summary><c>npu inspect --json</c>'s uuid, kernel names and argument index, name, type, offset, size and groups match XRT's.</summary>
    private static void AssertJsonAgrees(JsonElement ours, JsonElement xrt)
    {
        Assert.Equal(xrt.GetProperty("uuid").GetString(), ours.GetProperty("uuid").GetString());
        var xrtKernels = xrt.GetProperty("kernels").EnumerateArray().ToList();
        var ourKernels = ours.GetProperty("kernels").EnumerateArray().ToList();
        Assert.Equal(xrtKernels.Select(k => k.GetProperty("name").GetString()), ourKernels.Select(k => k.GetProperty("name").GetString()));
        for (int k = 0; k < xrtKernels.Count; k++)
        {
            static (ulong, string?, string?, ulong, ulong, string) Arg(JsonElement a) =>
            (
                a.GetProperty("index").GetUInt64(), a.GetProperty("name").GetString(), a.GetProperty("type").GetString(),
                a.GetProperty("offset").GetUInt64(), a.GetProperty("size").GetUInt64(),
                string.Join(",", a.GetProperty("groups").EnumerateArray().Select(g => g.GetInt32()).Order())
            );
            Assert.Equal(xrtKernels[k].GetProperty("args").EnumerateArray().Select(Arg), ourKernels[k].GetProperty("args").EnumerateArray().Select(Arg));
        }
    }
}
