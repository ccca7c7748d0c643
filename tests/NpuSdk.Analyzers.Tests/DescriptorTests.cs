using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>Every rule is declared once, tracked in the release file, documented, and linked to its page.</summary>
public class DescriptorTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(LoopPatternAnalyzer).Assembly.GetTypes()
        .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
        .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
        .ToArray();

    [Fact]
    public void SevenRulesWithDistinctIds()
    {
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"NPU200{i}"), Descriptors.Select(d => d.Id).Distinct().Order());
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void EachRuleIsTrackedDocumentedAndLinked()
    {
        var root = Repository.Root;
        var unshipped = File.ReadAllLines(Path.Combine(root, "analyzers", "NpuSdk.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in Descriptors)
        {
            var page = Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"{descriptor.Id} has no page at {page}.");
            Assert.StartsWith($"# {descriptor.Id}: {descriptor.Title}", File.ReadAllText(page));
            Assert.Equal($"https://github.com/npusdk/npusdk/blob/main/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            var row = Assert.Single(unshipped, l => l.StartsWith(descriptor.Id + " ", StringComparison.Ordinal));
            Assert.Contains($"| {descriptor.Category} | {descriptor.DefaultSeverity} |", row);
            Assert.Contains("{0}", descriptor.MessageFormat.ToString());
        }
    }

    [Fact]
    public void AnalyzerAssemblyDoesNotReferenceWorkspaces()
    {
        // The generator ships next to the analyzers; Workspaces must only be loaded by the code-fix assembly.
        var references = typeof(LoopPatternAnalyzer).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain(references, name => name!.Contains("Workspaces", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NestedTypesReportOnce()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Outer
            {
                public sealed class Inner
                {
                    public void Upload(Bo input, int tiles)
                    {
                        for (int t = 0; t < tiles; t++) {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                    }
                }
            }
            """);
    }
}
