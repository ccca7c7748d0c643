using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// The generated forms of a method share its name (spans and tensors) or take its name with Async (memory): an ordinary
/// call must pick one of them, whatever its arguments are written as.
/// </summary>
public sealed class OverloadTests
{
    private const string Declaration = """
        using System;
        using NpuSdk;

        public static partial class Ops
        {
            [NpuKernel("matmul_64x64.xclbin", Tile = 64, Pattern = NpuPattern.TileMatMul)]
            public static partial void Tile64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
        }
        """;

    private const string Caller = """
        using NpuSdk;

        public static class Caller
        {
            public static void Call(NpuSession session, sbyte[] a, sbyte[] b, sbyte[] c) =>
                Ops.Tile64(session, new(a, 64, 64), new(b, 64, 64), new(c, 64, 64));

            public static void OnTensors(NpuSession session, NpuTensor<sbyte> a, NpuTensor<sbyte> b, NpuTensor<sbyte> c) => Ops.Tile64(session, a, b, c);
        }
        """;

    private static GeneratorHarness Kernel(string test) => new GeneratorHarness(test).AddMlirAieKernel("matmul_64x64.xclbin", buffers: 3);

    [Fact]
    public void Arguments_written_new_call_the_span_form_not_an_ambiguous_pair()
    {
        var (run, output) = Kernel(nameof(Arguments_written_new_call_the_span_form_not_an_ambiguous_pair)).Run(Declaration, Caller);

        Assert.Empty(run.Diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        // The call binds the span form; the tensor form stays reachable with tensors.
        var tree = output.SyntaxTrees.Single(t => t.ToString().Contains("public static class Caller", StringComparison.Ordinal));
        var model = output.GetSemanticModel(tree);
        var calls = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
            .Select(i => (IMethodSymbol)model.GetSymbolInfo(i).Symbol!).ToList();
        Assert.Equal("ReadOnlySpan2D", calls[0].Parameters[1].Type.Name);
        Assert.Equal("NpuTensor", calls[1].Parameters[1].Type.Name);
    }

    [Fact]
    public void Before_CSharp_13_the_forms_are_written_without_the_priority_and_still_compile()
    {
        var options = new CSharpParseOptions(LanguageVersion.CSharp12);
        var (run, output) = Kernel(nameof(Before_CSharp_13_the_forms_are_written_without_the_priority_and_still_compile)).Run(options, Declaration);

        Assert.Empty(run.Diagnostics);
        string generated = Assert.Single(run.GeneratedTrees).ToString();
        Assert.DoesNotContain("OverloadResolutionPriority", generated, StringComparison.Ordinal);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}

/// <summary>
/// A project that uses CommunityToolkit.HighPerformance's Span2D and Memory2D beside the SDK's (docs/api.md): the
/// [NpuKernel] declarations in files that import NpuSdk, and files that import the toolkit alias what they call.
/// </summary>
public sealed class ToolkitCoexistenceTests
{
    [Fact]
    public void A_file_importing_the_toolkit_calls_generated_methods_through_aliases()
    {
        var h = new GeneratorHarness(nameof(A_file_importing_the_toolkit_calls_generated_methods_through_aliases)).AddMlirAieKernel("matmul_64x64.xclbin", buffers: 3);
        var (run, output) = h.Run("""
            using NpuSdk;

            public static partial class Ops
            {
                [NpuKernel("matmul_64x64.xclbin", Tile = 64, Pattern = NpuPattern.TileMatMul)]
                public static partial void Tile64(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """, """
            using CommunityToolkit.HighPerformance;
            using NpuMatrix = NpuSdk.ReadOnlySpan2D<sbyte>;
            using NpuResult = NpuSdk.Span2D<sbyte>;
            using NpuSession = NpuSdk.NpuSession;

            public static class Image
            {
                public static void Run(NpuSession session, sbyte[] a, sbyte[] b, sbyte[] c)
                {
                    Span2D<sbyte> rows = new(c, 64, 64);      // the toolkit's
                    Ops.Tile64(session, new NpuMatrix(a, 64, 64), new NpuMatrix(b, 64, 64), new NpuResult(c, 64, 64));
                    rows[0, 0] = 1;
                }
            }
            """);
        var toolkit = MetadataReference.CreateFromFile(typeof(CommunityToolkit.HighPerformance.Span2D<>).Assembly.Location);

        Assert.Empty(run.Diagnostics);
        var errors = output.AddReferences(toolkit).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Importing_both_namespaces_makes_the_short_name_ambiguous_which_is_why_the_recipe_aliases()
    {
        var compilation = GeneratorHarness.Compile("""
            using CommunityToolkit.HighPerformance;
            using NpuSdk;

            public static class Both
            {
                public static void Run(int[] c) { Span2D<int> view = new(c, 2, 2); }
            }
            """).AddReferences(MetadataReference.CreateFromFile(typeof(CommunityToolkit.HighPerformance.Span2D<>).Assembly.Location));

        Assert.Contains(compilation.GetDiagnostics(), d => d.Id == "CS0104");
    }
}
