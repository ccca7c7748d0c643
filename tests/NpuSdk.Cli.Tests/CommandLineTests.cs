using System.Reflection;
using NpuSdk.Cli;
using static NpuSdk.Cli.Tests.InspectCommandTests;

namespace NpuSdk.Cli.Tests;

/// <summary>What every <c>npu</c> command shares: the version, help per command, and one-line usage errors.</summary>
public class CommandLineTests
{
    [Fact]
    public void VersionIsTheToolAssemblysInformationalVersion()
    {
        var (exit, stdout, stderr) = Npu("--version");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        string expected = typeof(NpuCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected + "\n", stdout);
    }

    [Theory]
    [InlineData("inspect", "<FILE>")]
    [InlineData("emulation-xclbin", "--buffers")]
    [InlineData("doctor", "which backend a program gets")]
    public void EveryCommandHasHelpThatExitsZero(string command, string expected)
    {
        foreach (var args in new[] { new[] { command, "--help" }, new[] { command, "-h" }, new[] { "help", command } })
        {
            var (exit, stdout, stderr) = Npu(args);
            Assert.Equal(0, exit);
            Assert.Equal("", stderr);
            Assert.Contains(expected, stdout);
        }
    }

    [Fact]
    public void TopLevelHelpListsEveryCommand()
    {
        var (exit, stdout, _) = Npu("--help");
        Assert.Equal(0, exit);
        foreach (var command in new[] { "inspect", "emulation-xclbin", "doctor", "--version" })
            Assert.Contains(command, stdout);
    }

    [Fact]
    public void AKernelNameWithASpaceIsAUsageErrorNamingTheOption()
    {
        var (exit, _, stderr) = Npu("emulation-xclbin", Path.Combine(Path.GetTempPath(), "never-written.xclbin"), "--buffers", "3", "--kernel", "my kernel");
        Assert.Equal(1, exit);
        Assert.Contains("--kernel 'my kernel' is not a kernel name", SingleLine(stderr));
    }

    [Fact]
    public void SeveralProblemsStayOnOneLine()
    {
        var (exit, _, stderr) = Npu("emulation-xclbin", "--buffers", "x", "--instruction-words", "0");
        Assert.Equal(1, exit);
        string line = SingleLine(stderr);
        Assert.Contains("--buffers 'x' is not a whole number", line);
        Assert.Contains("--instruction-words '0' is not a whole number", line);
        Assert.Contains("OUT is missing", line);
    }
}
