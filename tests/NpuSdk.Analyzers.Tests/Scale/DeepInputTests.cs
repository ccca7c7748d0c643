using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;
using NpuSdk.Testing;

namespace NpuSdk.Analyzers.Tests.Scale;

/// <summary>
/// Inputs whose depth is their size (issue 21): no analysis may recurse with it, since a stack overflow kills the
/// compiler with no diagnostic. The analyzers run one at a time on a thread with a 1 MB stack, where the helper chain's
/// old recursion overflowed at a few thousand frames (a recursion creeping back crashes this test's host, which the test
/// run reports). Shapes the compiler itself binds recursively (nested loops and lambdas) get the stack the compiler needs
/// and a depth it compiles in seconds; the benchmark in tests/NpuSdk.Benchmarks/Analyzers measures how the time grows.
/// Each test checks what is reported at the bottom, never how long it took.
/// </summary>
public class DeepInputTests
{
    private const int SmallStack = 1 << 20;
    private const int CompilerStack = 256 << 20;

    [Fact]
    public void ChainOfTwentyThousandHelpersIsFollowedToItsBottom()
    {
        var source = DeepShapes.HelperChain(20_000);
        var diagnostics = Analyze(source, SmallStack);
        // The last helper's own calls, reached through 20,000 callers, and the other type's call of the chain.
        int lastHelper = source.Split('\n').ToList().FindIndex(line => line.Contains("private void H19999()", StringComparison.Ordinal));
        var call = diagnostics.Where(d => d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan) == "chain.Run(1)").ToList();
        var bottom = diagnostics.Except(call).ToList();
        Assert.Equal(new[] { "NPU2001", "NPU2002", "NPU2003", "NPU2004" }, bottom.Select(d => d.Id).Order());
        Assert.All(bottom, d => Assert.True(d.Location.GetLineSpan().StartLinePosition.Line > lastHelper, d.ToString()));
        Assert.Contains(bottom, d => d.Id == "NPU2004" && d.GetMessage().Contains("2 loops deep"));
        Assert.Equal(new[] { "NPU2001", "NPU2002", "NPU2003", "NPU2004" }, call.Select(d => d.Id).Order());
        Assert.Contains(call, d => d.Id == "NPU2004" && d.GetMessage().Contains("4 loops deep"));
    }

    [Fact]
    public void ChainOfTwentyThousandTypesIsFollowedFromTheLoop()
    {
        var diagnostics = Analyze(DeepShapes.HelperChainAcrossTypes(20_000), SmallStack);
        Assert.Equal(new[] { "NPU2001", "NPU2004" }, diagnostics.Select(d => d.Id).Order());
        Assert.All(diagnostics, d => Assert.Equal("T0.H(kernel, input)", d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan)));
    }

    [Fact]
    public void SumOfTwentyThousandTermsIsFollowedToItsDeepestLeaf()
    {
        var diagnostics = Analyze(DeepShapes.Expression(20_000), SmallStack);
        Assert.Equal(new[] { "NPU2006", "NPU2006" }, diagnostics.Select(d => d.Id));
        Assert.Contains("output.Map()[0]", diagnostics[1].Location.SourceTree!.GetText().ToString(diagnostics[1].Location.SourceSpan));
    }

    [Fact]
    public void IfChainOfTwoThousandBranchesReportsEachSync()
    {
        const int branches = 2_000;
        var diagnostics = Analyze(DeepShapes.IfChain(branches), SmallStack);
        Assert.Equal(branches, diagnostics.Count(d => d.Id == "NPU2002"));
        Assert.Single(diagnostics, d => d.Id == "NPU2001");
        Assert.Equal(branches + 1, diagnostics.Length);
    }

    [Theory]
    [InlineData(nameof(DeepShapes.NestedLoops), 1)]
    [InlineData(nameof(DeepShapes.NestedLambdas), 0)]
    public void TwoHundredNestedLoopsOrLambdasReportEachLevel(string shape, int waits)
    {
        // A sync on every level, the launch at the bottom (and its wait, for statement loops).
        const int depth = 200;
        var diagnostics = Analyze(DeepShapes.Source(shape, depth), CompilerStack);
        Assert.Equal(depth, diagnostics.Count(d => d.Id == "NPU2002"));
        Assert.Contains(diagnostics, d => d.Id == "NPU2004" && d.GetMessage().Contains(depth + " loops deep"));
        Assert.Equal(waits, diagnostics.Count(d => d.Id == "NPU2001"));
        Assert.Equal(depth + 1 + waits, diagnostics.Length);
    }

    /// <summary>Compiles and analyzes the source on a thread of its own with the given stack; the code must compile.</summary>
    private static ImmutableArray<Diagnostic> Analyze(string source, int stackBytes)
    {
        ImmutableArray<Diagnostic> diagnostics = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var compilation = NpuVerifier.Compile(source);
                NpuVerifier.AssertCompiles(compilation);
                diagnostics = NpuVerifier.AnalyzeAsync(compilation, concurrent: false).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, stackBytes);
        thread.Start();
        thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return diagnostics;
    }
}
