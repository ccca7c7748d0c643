using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>Real code of this repository, not snippets written for a rule.</summary>
public class RepositoryCodeTests
{
    [Fact]
    public async Task QuickstartInTheRecommendedStyleHasNoDiagnosticsAndItsPerTileLoopHasThePorts()
    {
        // Program.cs: one launch, syncs outside loops, the state checked: nothing to report. PerTileLoop.cs is the port's
        // loop kept beside it for comparison: a blocking wait and a sync per tile, which the rules must still see.
        string folder = Path.Combine(Repository.Root, "samples", "Quickstart");
        string program = File.ReadAllText(Path.Combine(folder, "Program.cs"));
        var files = new Dictionary<string, string>
        {
            ["Program.cs"] = program,
            ["PerTileLoop.cs"] = File.ReadAllText(Path.Combine(folder, "PerTileLoop.cs")),
            ["GlobalUsings.cs"] = "global using System; global using System.IO; global using System.Linq;",
            ["NpuKernelBodies.cs"] = NpuKernelBodyStandIns(program),
        };
        var compilation = NpuVerifier.CompileProject(files, OutputKind.ConsoleApplication);
        NpuVerifier.AssertCompiles(compilation);
        var diagnostics = await NpuVerifier.AnalyzeAsync(compilation);
        Assert.Empty(diagnostics.Where(d => !d.Location.SourceTree!.FilePath.EndsWith("PerTileLoop.cs", StringComparison.Ordinal)));
        Assert.Contains(diagnostics, d => d.Id == "NPU2001");
        Assert.Contains(diagnostics, d => d.Id == "NPU2002");
    }

    /// <summary>
    /// The quickstart calls [NpuKernel] partial methods whose bodies the NpuSdk generator writes at build time;
    /// this harness runs only the analyzers, so an empty body stands in for each, keeping the program compilable.
    /// </summary>
    private static string NpuKernelBodyStandIns(string source)
    {
        var root = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source).GetRoot();
        var text = new System.Text.StringBuilder("using NpuSdk;\nusing NpuSdk.Xrt;\n");
        foreach (var method in root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>())
        {
            if (method.Body is not null || method.ExpressionBody is not null || method.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax type) continue;
            if (!method.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "NpuKernel" or "NpuKernelAttribute")) continue;
            text.Append($"{type.Modifiers} {type.Keyword} {type.Identifier} {{ {method.Modifiers} void {method.Identifier}{method.ParameterList} {{ }} }}\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task RuntimeSourcesAreAnalyzedWithoutACrashOrAReport()
    {
        // The runtime itself defines the types the rules resolve, and drives runs and buffers in its own
        // loops (run lists, disposal, the emulator): a large body of code in other styles.
        var source = Path.Combine(Repository.Root, "src", "NpuSdk");
        var files = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !p.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(p => Path.GetRelativePath(source, p), File.ReadAllText);
        files["GlobalUsings.cs"] = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading;";
        Assert.True(files.Count > 10, $"Found only {files.Count} files under {source}.");
        var compilation = NpuVerifier.CompileProject(files, OutputKind.DynamicallyLinkedLibrary, withRuntime: false)
            .WithOptions(new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable));
        Assert.NotNull(compilation.GetTypeByMetadataName("NpuSdk.Xrt.Bo")); // so the rules do run here
        var diagnostics = await NpuVerifier.AnalyzeAsync(compilation);
        Assert.True(diagnostics.IsEmpty, string.Join("\n", diagnostics));
    }

    [Fact]
    public async Task CodeBeingTypedDoesNotCrashTheAnalyzers()
    {
        // Half-written code, as the IDE sees it between keystrokes: unknown members, missing arguments, a
        // missing semicolon, an unfinished loop.
        var source = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, input, output)
                    run.Wait(;
                    input.Sync(SyncDirection.Sideways);
                    output.Sync();
                    var b = new Bo(device, );
                    kernel.Strat();
                    for (;;
                }
                output.Read(
        """);
        var compilation = NpuVerifier.Compile(source);
        Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        await NpuVerifier.AnalyzeAsync(compilation); // asserts that no analyzer threw (AD0001)
    }
}
