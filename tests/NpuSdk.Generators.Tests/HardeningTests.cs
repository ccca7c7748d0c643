using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// Declarations that once made the generator throw or emit code that does not compile: each gives compilable code or
/// an NPU diagnostic, and hint names stay unique and built from characters <c>AddSource</c> accepts.
/// </summary>
public sealed class HardeningTests
{
    private const string Usings = "using System;\nusing NpuSdk;\n\n";
    private const string MatMul = "ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c";
    private const string Attribute = """[NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]""";

    private static GeneratorHarness Kernel(string test) => new GeneratorHarness(test).AddMlirAieKernel("k.xclbin", 2);

    /// <summary>Runs the generator; asserts no exception, no generated error, and returns the run.</summary>
    private static (GeneratorDriverRunResult Run, Compilation Output) Generate(string test, string source, LanguageVersion version = LanguageVersion.Preview)
    {
        var (run, output) = Kernel(test).Run(GeneratorHarness.ParseOptions.WithLanguageVersion(version), Usings + source);
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "CS8785" or "CS8784");
        var errors = GeneratorHarness.GeneratorErrors(run, output);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return (run, output);
    }

    private static void AssertCompilesClean(string test, string source, LanguageVersion version = LanguageVersion.Preview)
    {
        var (run, output) = Generate(test, source, version);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.NotEmpty(run.GeneratedTrees);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + string.Join("\n", run.GeneratedTrees.Select(t => t.ToString())));
    }

    private static void AssertReports(string test, string source, string id, LanguageVersion version = LanguageVersion.Preview)
    {
        var (run, _) = Generate(test, source, version);
        Assert.Contains(run.Diagnostics, d => d.Id == id);
    }

    [Fact]
    public void A_method_named_with_a_keyword_is_emitted_escaped() => AssertCompilesClean(nameof(A_method_named_with_a_keyword_is_emitted_escaped), $$"""
        public static partial class Ops
        {
            {{Attribute}}
            public static partial void @void({{MatMul}});
            {{Attribute}}
            public static partial void @class(ReadOnlySpan2D<sbyte> @in, ReadOnlySpan2D<sbyte> @out, Span2D<sbyte> @int);
        }
        """);

    [Fact]
    public void Verbatim_type_and_namespace_names_compile_and_keep_the_at_sign_out_of_hint_names()
    {
        var (run, output) = Generate(nameof(Verbatim_type_and_namespace_names_compile_and_keep_the_at_sign_out_of_hint_names), $$"""
            namespace @namespace.@if
            {
                public static partial class @class
                {
                    {{Attribute}}
                    public static partial void @void({{MatMul}});
                }
            }
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var hint = Assert.Single(run.Results.Single().GeneratedSources).HintName;
        Assert.DoesNotContain("@", hint);
        Assert.Matches("^[A-Za-z0-9_.+,`-]+$", hint);
    }

    [Fact]
    public void Names_that_differ_only_in_case_get_distinct_hint_names()
    {
        var (run, output) = Generate(nameof(Names_that_differ_only_in_case_get_distinct_hint_names), $$"""
            namespace D.x { public static partial class Ops { {{Attribute}} public static partial void MatMul({{MatMul}}); } }
            namespace D.X { public static partial class Ops { {{Attribute}} public static partial void MatMul({{MatMul}}); } }
            public static partial class Ops
            {
                {{Attribute}} public static partial void MatMul({{MatMul}});
                {{Attribute}} public static partial void matMul({{MatMul}});
            }
            public static partial class OPS { {{Attribute}} public static partial void MatMul({{MatMul}}); }
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var hints = run.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(5, hints.Count);
        Assert.Equal(5, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void An_extension_method_keeps_its_this() => AssertCompilesClean(nameof(An_extension_method_keeps_its_this), $$"""
        public static partial class SessionOps
        {
            {{Attribute}}
            public static partial void MatMul(this NpuSession session, {{MatMul}});

            public static void Use(NpuSession s, sbyte[] x) => s.MatMul(new ReadOnlySpan2D<sbyte>(x, 1, 1), new ReadOnlySpan2D<sbyte>(x, 1, 1), new Span2D<sbyte>(x, 1, 1));
        }
        """);

    [Fact]
    public void A_scoped_parameter_stays_scoped() => AssertCompilesClean(nameof(A_scoped_parameter_stays_scoped), $$"""
        public static partial class Ops
        {
            {{Attribute}}
            public static partial void MatMul(scoped ReadOnlySpan2D<sbyte> a, scoped ReadOnlySpan2D<sbyte> b, scoped Span2D<sbyte> c);
        }
        """);

    [Fact]
    public void Parameters_and_members_named_like_generated_names_do_not_collide() => AssertCompilesClean(nameof(Parameters_and_members_named_like_generated_names_do_not_collide), $$"""
        public partial class Ops
        {
            private static readonly int __npuMatMul = 1, __npuDescriptor = 2, __npuMatMulDescriptor = 3, __npu_MatMul = 4;
            private int session, descriptor, operands;
            {{Attribute}}
            public partial void MatMul(ReadOnlySpan2D<sbyte> __npuPlan, ReadOnlySpan2D<sbyte> __npuSession, Span2D<sbyte> __npuOperands);
            {{Attribute}}
            public static partial void MatMul2(NpuSession NpuLaunch, ReadOnlySpan2D<sbyte> NpuOperands, ReadOnlySpan2D<sbyte> global, Span2D<sbyte> NpuSdk);
        }
        """);

    [Fact]
    public void A_method_of_a_file_local_type_is_reported() => AssertReports(nameof(A_method_of_a_file_local_type_is_reported), $$"""
        file static partial class Ops
        {
            {{Attribute}}
            public static partial void MatMul({{MatMul}});
        }
        """, "NPU1002");

    [Fact]
    public void A_method_the_user_implemented_is_reported() => AssertReports(nameof(A_method_the_user_implemented_is_reported), $$"""
        public static partial class Ops
        {
            {{Attribute}}
            public static partial void MatMul({{MatMul}});
            public static partial void MatMul({{MatMul}}) { }
        }
        """, "NPU1001");

    [Theory]
    [InlineData("MLIR\\nAIE")]
    [InlineData("MLIR\\\"AIE")]
    [InlineData("MLIR\\u2028AIE")]
    [InlineData("MLIR\\\\AIE")]
    public void A_kernel_name_with_a_line_break_or_quote_never_breaks_a_literal(string escaped) =>
        AssertReports(nameof(A_kernel_name_with_a_line_break_or_quote_never_breaks_a_literal), $$"""
            public static partial class Ops
            {
                [NpuKernel("k.xclbin", Kernel = "{{escaped}}", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul({{MatMul}});
            }
            """, "NPU1005");

    [Fact]
    public void A_path_with_characters_a_literal_must_escape_binds() =>
        AssertCompilesClean(nameof(A_path_with_characters_a_literal_must_escape_binds), $$"""
            public static partial class Ops
            {
                [NpuKernel(@"k.xclbin", Instructions = "k.insts.txt", Kernel = "MLIR_AIE", Tile = 16, Pattern = NpuPattern.TileMatMul)]
                public static partial void MatMul({{MatMul}});
            }
            """);

    [Theory]
    [InlineData(LanguageVersion.CSharp9)]
    [InlineData(LanguageVersion.CSharp10)]
    [InlineData(LanguageVersion.CSharp11)]
    [InlineData(LanguageVersion.CSharp12)]
    [InlineData(LanguageVersion.Latest)]
    public void Projects_pinned_to_older_language_versions_compile(LanguageVersion version) =>
        AssertCompilesClean(nameof(Projects_pinned_to_older_language_versions_compile) + version, $$"""
            namespace Demo
            {
                public static partial class Ops
                {
                    {{Attribute}}
                    public static partial void MatMul({{MatMul}});
                    {{Attribute}}
                    public static partial void MatMulOn(NpuSession session, {{MatMul}});
                }
            }
            """, version);

    [Fact]
    public void A_project_pinned_below_the_emitted_code_gets_a_diagnostic() =>
        AssertReports(nameof(A_project_pinned_below_the_emitted_code_gets_a_diagnostic), $$"""
            public static partial class Ops
            {
                {{Attribute}}
                public static partial void MatMul({{MatMul}});
            }
            """, "NPU1012", LanguageVersion.CSharp8);

    [Fact]
    public void A_manifest_nested_thirty_thousand_deep_is_a_diagnostic_not_a_stack_overflow()
    {
        var deep = "{ \"name\": " + new string('[', 31_000) + new string(']', 31_000) + " }";
        var h = Kernel(nameof(A_manifest_nested_thirty_thousand_deep_is_a_diagnostic_not_a_stack_overflow)).AddText("k.kernel.json", deep);
        var (run, _) = h.Run(Usings + $$"""
            public static partial class Ops
            {
                {{Attribute}}
                public static partial void MatMul({{MatMul}});
            }
            """);
        Assert.All(run.Results, r => Assert.Null(r.Exception));
        var d = Assert.Single(run.Diagnostics, d => d.Id == "NPU1013");
        Assert.Contains("deep", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Nested_generic_and_record_containers_compile() => AssertCompilesClean(nameof(Nested_generic_and_record_containers_compile), $$"""
        namespace Outer.Inner;
        public partial record class Model<T> where T : struct
        {
            public partial struct Layer
            {
                {{Attribute}}
                public readonly partial void MatMul({{MatMul}});
            }
            internal sealed partial class Block<U> where U : class
            {
                {{Attribute}}
                internal static partial void MatMul({{MatMul}});
                {{Attribute}}
                protected internal partial void MatMulOn(Device device, {{MatMul}});
            }
        }
        """);
}
