using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;

namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>
/// Snippet tests run through <see cref="NpuTest"/> (Microsoft.CodeAnalysis.Testing): <c>{|NPU2001:code|}</c>
/// markup for each expected diagnostic, <c>{|#0:code|}</c> for locations a <see cref="DiagnosticResult"/> names.
/// Whole projects (the samples, the runtime's own sources, very large generated methods) are compiled and
/// analyzed directly, since they are checked by counts and contents rather than by markup.
/// </summary>
public static class NpuVerifier
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);
    private static readonly CSharpCompilationOptions CompilationOptions = new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>A diagnostic of a rule, for a test that also checks its arguments or additional locations.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>Asserts that the snippet compiles and that exactly the marked (and the given) NPU diagnostics are reported.</summary>
    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected) => VerifyAsync(markup, withRuntime: true, expected);

    /// <summary>As <see cref="VerifyAsync(string, DiagnosticResult[])"/>, optionally without the runtime assembly.</summary>
    public static Task VerifyAsync(string markup, bool withRuntime, params DiagnosticResult[] expected) =>
        Run(new NpuTest(withRuntime) { TestCode = markup }, expected);

    /// <summary>A console program (top-level statements) with the marked diagnostics.</summary>
    public static Task VerifyProgramAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new NpuTest { TestCode = markup };
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        return Run(test, expected);
    }

    /// <summary>
    /// Applies the fixes of rule <paramref name="id"/> until none is offered, one at a time and through each
    /// fix-all scope, and asserts that every way gives exactly <paramref name="fixedCode"/>, which must compile
    /// and report exactly the NPU diagnostics its markup shows (those no fix removes; none when it has no markup).
    /// </summary>
    public static Task VerifyFixAsync(string markup, string id, string fixedCode, int? iterations = null)
    {
        var test = new NpuTest(fixedId: id) { TestCode = markup, FixedCode = fixedCode };
        // Markup in the fixed code is what stays, fixable IDs included (a diagnostic of the rule that offers no fix).
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        if (iterations is { } count)
        {
            test.NumberOfIncrementalIterations = count;
            test.NumberOfFixAllIterations = count;
        }
        return test.RunAsync();
    }

    /// <summary>Asserts the marked diagnostics and that no fix of rule <paramref name="id"/> changes the code.</summary>
    public static Task VerifyNoFixAsync(string markup, string id, params DiagnosticResult[] expected)
    {
        var test = new NpuTest(fixedId: id) { TestCode = markup, FixedCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static Task Run(NpuTest test, DiagnosticResult[] expected)
    {
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Applies every offered NPU fix to a multi-file project, one at a time until none is offered, and
    /// returns the diagnostics before, the fixed files, and the compilation of the fixed files.
    /// </summary>
    public static async Task<(ImmutableArray<Diagnostic> Before, IReadOnlyDictionary<string, string> Fixed, Compilation FixedCompilation)> FixEverythingAsync(
        IReadOnlyDictionary<string, string> files, OutputKind outputKind)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Sample", "Sample", LanguageNames.CSharp,
            compilationOptions: CompilationOptions.WithOutputKind(outputKind), parseOptions: ParseOptions, metadataReferences: NpuTest.References));
        var solution = project.Solution;
        foreach (var (name, text) in files)
            solution = solution.AddDocument(DocumentId.CreateNewId(project.Id), name, SourceText.From(text));
        var before = await AnalyzeAsync((await solution.GetProject(project.Id)!.GetCompilationAsync())!);
        for (int round = 0; ; round++)
        {
            Assert.True(round < 50, "Fixes keep offering themselves.");
            var current = solution.GetProject(project.Id)!;
            CodeAction? action = null;
            foreach (var diagnostic in await AnalyzeAsync((await current.GetCompilationAsync())!))
            {
                action = await FirstFixAsync(current.GetDocument(diagnostic.Location.SourceTree)!, diagnostic);
                if (action is not null) break;
            }
            if (action is null) break;
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        }
        var fixedProject = solution.GetProject(project.Id)!;
        var fixedFiles = new Dictionary<string, string>();
        foreach (var document in fixedProject.Documents) fixedFiles[document.Name] = (await document.GetTextAsync()).ToString();
        return (before, fixedFiles, (await fixedProject.GetCompilationAsync())!);
    }

    /// <summary>Compiles several files into one assembly.</summary>
    public static CSharpCompilation CompileProject(IReadOnlyDictionary<string, string> files, OutputKind outputKind, bool withRuntime = true) =>
        CSharpCompilation.Create("Sample", files.Select(f => CSharpSyntaxTree.ParseText(f.Value, ParseOptions, f.Key)),
            withRuntime ? NpuTest.References : WithoutRuntime(), CompilationOptions.WithOutputKind(outputKind));

    /// <summary>The framework and the xclbin model, without the runtime assembly (for compiling the runtime's own sources).</summary>
    private static ImmutableArray<MetadataReference> WithoutRuntime() =>
        NpuTest.References.Where(r => Path.GetFileName(r.Display) != "NpuSdk.dll").ToImmutableArray();

    /// <summary>Compiles one file (half-typed code may not compile; the caller decides).</summary>
    public static CSharpCompilation Compile(string source) =>
        CSharpCompilation.Create("Snippet", new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, "Snippet.cs") }, NpuTest.References, CompilationOptions);

    public static void AssertCompiles(Compilation compilation)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"The code does not compile:\n{string.Join("\n", errors)}");
    }

    /// <summary>
    /// The NPU diagnostics of a compilation in source order; fails when an analyzer threw (AD0001). With
    /// <paramref name="concurrent"/> false the analyzers run one at a time, on the calling thread as far as the driver
    /// allows (a test can then give them a small stack).
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, bool concurrent = true)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null,
            concurrentAnalysis: concurrent, logAnalyzerExecutionTime: false);
        var all = await compilation.WithAnalyzers(NpuTest.Analyzers, options).GetAnalyzerDiagnosticsAsync();
        // An analyzer that throws shows up as AD0001; a negative test must not pass because of it.
        var crashes = all.Where(d => d.Id == "AD0001").ToList();
        Assert.True(crashes.Count == 0, "An analyzer threw:\n" + string.Join("\n", crashes));
        return all.Where(d => d.Id.StartsWith("NPU", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).ToImmutableArray();
    }

    private static async Task<CodeAction?> FirstFixAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        foreach (var provider in NpuTest.AllFixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
        }
        return actions.FirstOrDefault();
    }
}
