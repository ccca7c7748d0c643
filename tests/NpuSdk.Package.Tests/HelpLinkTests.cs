using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Package.Tests;

/// <summary>
/// Every diagnostic a user can meet links to a page that exists: each descriptor of the generator (NPU1xxx) and the
/// analyzers (NPU2xxx), and each warning the package's build files raise (NPU0001, NPU1000), has a help link into this
/// repository's docs/diagnostics/, and that file is there.
/// </summary>
public sealed partial class HelpLinkTests
{
    private const string Base = "https://github.com/npusdk/npusdk/blob/main/";

    /// <summary>Every DiagnosticDescriptor held in a static field of the generator or analyzer assembly.</summary>
    public static TheoryData<string, string> Descriptors()
    {
        var data = new TheoryData<string, string>();
        var assemblies = new[] { typeof(NpuSdk.Generators.NpuKernelGenerator).Assembly, typeof(NpuSdk.Analyzers.LoopPatternAnalyzer).Assembly };
        var descriptors = assemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .DistinctBy(d => d.Id);
        foreach (var d in descriptors.OrderBy(d => d.Id, StringComparer.Ordinal)) data.Add(d.Id, d.HelpLinkUri);
        return data;
    }

    /// <summary>Every HelpLink of a Warning or Error task in the build files the repository and the package use.</summary>
    public static TheoryData<string, string> BuildFileLinks()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "src/NpuSdk/build/NpuSdk.targets", "src/NpuSdk/build/NpuSdk.props", "native/NpuSdk.Native.targets" })
            foreach (Match m in TaskWithLink().Matches(File.ReadAllText(Path.Combine(Repository.Root, file))))
                data.Add(m.Groups["code"].Value, m.Groups["link"].Value);
        return data;
    }

    [Fact]
    public void TheDiagnosticsAreAllFound()
    {
        var ids = Descriptors().Select(row => (string)row[0]).ToArray();
        Assert.Contains("NPU1003", ids);
        Assert.Contains("NPU2007", ids);
        Assert.Equal(22 + 7, ids.Length);   // generator NPU1001-NPU1022, analyzers NPU2001-NPU2007
        Assert.Equal(["NPU0001", "NPU1000"], BuildFileLinks().Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(Descriptors))]
    [MemberData(nameof(BuildFileLinks))]
    public void EachHelpLinkIsAPageOfThisRepository(string id, string link)
    {
        Assert.StartsWith(Base, link);
        string page = link[Base.Length..];
        Assert.Equal($"docs/diagnostics/{id}.md", page);
        string path = Path.Combine(Repository.Root, page);
        Assert.True(File.Exists(path), $"{id} links to {link}, but {path} does not exist.");
        Assert.StartsWith($"# {id}", File.ReadAllText(path));
    }

    [GeneratedRegex(""""<(?:Warning|Error)\b[^>]*?Code="(?<code>NPU\d{4})"[^>]*?HelpLink="(?<link>[^"]+)"""", RegexOptions.Singleline)]
    private static partial Regex TaskWithLink();
}
