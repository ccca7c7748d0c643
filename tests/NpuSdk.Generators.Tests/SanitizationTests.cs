extern alias generator;

using System.Reflection;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NpuSdk.Launch;
using NpuSdk.Xclbin;
using CSharpText = generator::NpuSdk.Generators.Emit.CSharpText;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// Text from the project (kernel names in an xclbin, file paths, manifest text) with line breaks of every kind and other
/// hostile characters lands in generated code as text that compiles without a warning and means what the input said:
/// a literal holds it exactly, a comment or documentation element shows it on its one line.
/// </summary>
public sealed class SanitizationTests
{
    private const string Usings = "using System;\nusing NpuSdk;\n\n";

    private const string MatMul = """
        public static partial class Ops
        {
            [NpuKernel("k.xclbin", Tile = 16, Pattern = NpuPattern.TileMatMul)]
            public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
        }
        """;

    /// <summary>Each hostile input and how a comment or documentation element shows it: every invisible character as its C# escape.</summary>
    public static TheoryData<string, string> Texts => new()
    {
        { "a\nb", @"a\nb" },
        { "a\rb", @"a\rb" },
        { "a\r\nb", @"a\r\nb" },
        { "a\u0085b", @"a\u0085b" },
        { "a\u2028b", @"a\u2028b" },
        { "a\u2029b", @"a\u2029b" },
        { "say \"hi\"", "say \"hi\"" },
        { @"C:\k\n.xclbin", @"C:\k\n.xclbin" },
        { "*/ not the end /*", "*/ not the end /*" },
        { "<summary>&amp;</summary>", "<summary>&amp;</summary>" },
        { "nul\0x", @"nul\0x" },
        { "tab\tx", @"tab\tx" },
        { "bidi\u202Eevil", @"bidi\u202eevil" },
        { "lone\uD800x", @"lone\ud800x" },
        { "pair\U0001F600x", "pair\U0001F600x" },
        { "nonchar\uFFFF", @"nonchar\uffff" },
    };

    /// <summary>The inputs an xclbin can hold as a kernel name (its XML forbids NUL and U+FFFF, its decoder mends a lone surrogate; ':' separates the instance).</summary>
    public static TheoryData<string> KernelNames => new(Texts.Select(row => (string)row[0])
        .Where(s => s.IndexOfAny(['\0', '\uFFFF', '\uD800', ':']) < 0));

    [Theory]
    [MemberData(nameof(Texts), DisableDiscoveryEnumeration = true)]
    public void Each_context_compiles_without_a_warning_and_keeps_the_text(string text, string shown)
    {
        var tree = CSharpSyntaxTree.ParseText($$"""
            /// <summary>A probe.</summary>
            public static class Probe
            {
                // {{CSharpText.Comment(text)}}
                /// <summary>{{CSharpText.DocText(text)}}</summary>
                public const string Literal = {{CSharpText.StringLiteral(text)}};

                /// <summary>The text as a manifest is written.</summary>
                public const string Text = {{CSharpText.TextLiteral(text)}};
            }
            """, GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose));
        var compilation = CSharpCompilation.Create("Probe", [tree], GeneratorHarness.References, GeneratorHarness.CompilationOptions);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        var probe = compilation.GetTypeByMetadataName("Probe")!;
        Assert.Equal(text, Assert.IsAssignableFrom<IFieldSymbol>(Assert.Single(probe.GetMembers("Literal"))).ConstantValue);
        Assert.Equal(text, Assert.IsAssignableFrom<IFieldSymbol>(Assert.Single(probe.GetMembers("Text"))).ConstantValue);
        var comment = Assert.Single(tree.GetRoot().DescendantTrivia(), t => t.IsKind(SyntaxKind.SingleLineCommentTrivia));
        Assert.Equal("// " + shown, comment.ToString());
        string doc = probe.GetMembers("Literal").Single().GetDocumentationCommentXml()!;
        Assert.Equal(shown, XElement.Parse(doc).Element("summary")!.Value);
    }

    [Theory]
    [MemberData(nameof(KernelNames), DisableDiscoveryEnumeration = true)]
    public void A_kernel_name_from_the_xclbin_reaches_the_runtime_exactly(string name)
    {
        var h = new GeneratorHarness(nameof(A_kernel_name_from_the_xclbin_reaches_the_runtime_exactly) + Index(name))
            .AddMlirAieKernel("k.xclbin", 2, kernelName: name);
        var (run, output) = h.Run(Usings + MatMul);

        SnapshotTests.AssertCompilesClean(output);
        Assert.Equal(name, Descriptor(output).KernelName);
        string generated = Assert.Single(run.GeneratedTrees).ToString();
        Assert.Contains("// Ops.MatMul: tile-matmul on kernel " + CSharpText.Comment(name) + " of k.xclbin (design ", generated, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Texts), DisableDiscoveryEnumeration = true)]
    public void Output_paths_reach_the_runtime_exactly(string text, string shown)
    {
        var h = new GeneratorHarness(nameof(Output_paths_reach_the_runtime_exactly) + Index(text))
            .AddBinary("k.xclbin", XclbinWriter.Write(XclbinSpec.MlirAie(2, uuidSeed: "paths")), outputPath: text + ".xclbin")
            .AddText("k.insts.txt", "0x00000001\n", outputPath: text + ".insts.txt");
        var (run, output) = h.Run(Usings + MatMul);

        // Paths are kept with forward slashes, as the build copies them on any system.
        SnapshotTests.AssertCompilesClean(output);
        var descriptor = Descriptor(output);
        Assert.Equal(text.Replace('\\', '/') + ".xclbin", descriptor.XclbinPath);
        Assert.Equal(text.Replace('\\', '/') + ".insts.txt", descriptor.InstructionsPath);
        // (The one row with backslashes in it has no character a comment escapes.)
        string path = text.Contains('\\') ? shown.Replace('\\', '/') : shown;
        Assert.Contains($"// Ops.MatMul: tile-matmul on kernel MLIR_AIE of {path}.xclbin (design ", Assert.Single(run.GeneratedTrees).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KernelNames), DisableDiscoveryEnumeration = true)]
    public void The_manifests_kernel_name_reaches_the_runtime_exactly(string name)
    {
        // The name as JSON writes it (quotes and backslashes escaped, line breaks as \n or \u2028, '<' and '&' raw), in
        // the manifest's summary and kernel, with the file's lines ended by CR LF: the typed descriptor's strings carry it.
        string json = System.Text.Json.JsonSerializer.Serialize(name, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        string manifest = TestManifests.TileMatMulInt8().Replace("\"A test design.\"", json).Replace("\"MLIR_AIE\"", json).ReplaceLineEndings("\r\n");
        var h = new GeneratorHarness(nameof(The_manifests_kernel_name_reaches_the_runtime_exactly) + Index(name))
            .AddMlirAieKernel("k.xclbin", 2, kernelName: name)
            .AddText("k.kernel.json", manifest);
        var (run, output) = h.Run(Usings + """
            public static partial class Ops
            {
                [NpuKernel("k.xclbin")]
                public static partial void MatMul(ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);
            }
            """);

        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        SnapshotTests.AssertCompilesClean(output);
        var descriptor = Descriptor(output);
        Assert.Equal(name, descriptor.KernelName);
        Assert.Equal(name, descriptor.Design.Kernel);
        Assert.Equal(NpuPattern.TileMatMul, descriptor.Design.Pattern);
    }

    /// <summary>Loads the compiled output and reads the descriptor the generated code hands the runtime.</summary>
    private static NpuKernelDescriptor Descriptor(Compilation output)
    {
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var ops = Assembly.Load(image.ToArray()).GetType("Ops")!;
        var field = Assert.Single(ops.GetFields(BindingFlags.NonPublic | BindingFlags.Static), f => f.FieldType == typeof(NpuKernelDescriptor));
        return (NpuKernelDescriptor)field.GetValue(null)!;
    }

    // Theory rows share one test name; each gets a folder of its own from its text.
    private static string Index(string text) => string.Concat(text.Select(c => ((int)c).ToString("x4")));
}
