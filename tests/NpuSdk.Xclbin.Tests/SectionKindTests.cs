using NpuSdk.Xclbin;

namespace NpuSdk.Xclbin.Tests;

public class SectionKindTests
{
    [Fact]
    public void EveryNamedKindHasItsOwnPrintedName()
    {
        var kinds = Enum.GetValues<XclbinSectionKind>();
        var names = kinds.Select(XclbinSectionKinds.Name).ToList();
        Assert.All(names, n => Assert.DoesNotContain("UNKNOWN", n));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("UNKNOWN(36)", XclbinSectionKinds.Name((XclbinSectionKind)36));
    }

    [Theory]
    [InlineData(0u, "BITSTREAM")]
    [InlineData(2u, "EMBEDDED_METADATA")]
    [InlineData(6u, "MEM_TOPOLOGY")]
    [InlineData(7u, "CONNECTIVITY")]
    [InlineData(8u, "IP_LAYOUT")]
    [InlineData(18u, "PDI")]
    [InlineData(26u, "ASK_GROUP_TOPOLOGY")]
    [InlineData(27u, "ASK_GROUP_CONNECTIVITY")]
    [InlineData(32u, "AIE_PARTITION")]
    [InlineData(35u, "AIE_TRACE_METADATA")]
    public void KindNumbersFollowXrt(uint kind, string name) => Assert.Equal(name, XclbinSectionKinds.Name((XclbinSectionKind)kind));
}
