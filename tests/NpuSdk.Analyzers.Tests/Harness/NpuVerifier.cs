using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NpuSdk.CodeFixes;

namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>
/// Compiles a snippet against the real NpuSdk runtime assembly and the framework, runs every NPU analyzer,
/// and compares the NPU diagnostics with the markup. Fixes are applied through a real Workspace, then the
/// fixed code is compiled and analyzed again.
/// </summary>
public static class NpuVerifier
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
        new LoopPatternAnalyzer(), new MissingSyncAnalyzer(), new RunStateAnalyzer());

    private static readonly ImmutableArray<CodeFixProvider> Fixes = ImmutableArray.Create<CodeFixProvider>(
        new WaitInLaunchLoopCodeFix(), new SyncInLoopCodeFix(), new HoistDeclarationCodeFix(), new MissingSyncCodeFix(), new RunStateCodeFix());

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The framework the tests run on, plus the runtime and its xclbin model: what a user project references.
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDirectory);
        var sdk = new[] { typeof(Device).Assembly.Location, typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location };
        return framework.Concat(sdk).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);
    private static readonly CSharpCompilationOptions CompilationOptions = new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>Asserts that the snippet compiles and that exactly the marked NPU diagnostics are reported.</summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(string markup, bool withRuntime = true)
    {
        var (source, expected) = Markup.Parse(markup);
        var compilation = Compile(source, withRuntime);
        AssertCompiles(compilation, source);
        var diagnostics = await AnalyzeAsync(compilation);
        var actual = diagnostics.Select(d => new ExpectedDiagnostic(d.Id, d.Location.SourceSpan)).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"Expected:\n{Describe(expected, source)}\nActual:\n{Describe(actual, source)}");
        return diagnostics;
    }

    /// <summary>
    /// Applies the fix of the first diagnostic with <paramref name="id"/>, repeatedly while one is offered
    /// (a fix-all by hand), then asserts the result compiles, reports no NPU diagnostic at all, and, when
    /// given, equals <paramref name="expectedFixed"/> up to whitespace.
    /// </summary>
    public static async Task<string> VerifyFixAsync(string markup, string id, string? expectedFixed = null)
    {
        await VerifyAsync(markup);
        var (source, _) = Markup.Parse(markup);
        var document = CreateDocument(source);
        for (int round = 0; ; round++)
        {
            Assert.True(round < 20, "The fix keeps offering itself: it does not remove its diagnostic.");
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostic = (await AnalyzeAsync(compilation)).FirstOrDefault(d => d.Id == id);
            if (diagnostic is null) break;
            var action = await FirstFixAsync(document, diagnostic);
            if (action is null)
            {
                Assert.True(round > 0, $"No fix offered for {id} at {diagnostic.Location.GetLineSpan()}.");
                break;
            }
            var operations = await action.GetOperationsAsync(CancellationToken.None);
            var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
            document = changed.GetDocument(document.Id)!;
        }
        var fixedText = (await document.GetTextAsync()).ToString();
        var fixedCompilation = Compile(fixedText, withRuntime: true);
        AssertCompiles(fixedCompilation, fixedText);
        var remaining = await AnalyzeAsync(fixedCompilation);
        Assert.True(remaining.IsEmpty, $"The fixed code still has diagnostics:\n{string.Join("\n", remaining)}\n--- fixed code ---\n{fixedText}");
        if (expectedFixed is not null)
            Assert.Equal(Normalize(expectedFixed), Normalize(fixedText));
        return fixedText;
    }

    /// <summary>Asserts that no fix is offered for any diagnostic with <paramref name="id"/>.</summary>
    public static async Task VerifyNoFixAsync(string markup, string id)
    {
        await VerifyAsync(markup);
        var (source, _) = Markup.Parse(markup);
        var document = CreateDocument(source);
        var compilation = (await document.Project.GetCompilationAsync())!;
        foreach (var diagnostic in (await AnalyzeAsync(compilation)).Where(d => d.Id == id))
            Assert.Null(await FirstFixAsync(document, diagnostic));
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
            compilationOptions: CompilationOptions.WithOutputKind(outputKind), parseOptions: ParseOptions, metadataReferences: References.Value));
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
            withRuntime ? References.Value : WithoutRuntime(), CompilationOptions.WithOutputKind(outputKind));

    /// <summary>The framework and the xclbin model, without the runtime assembly (for compiling the runtime's own sources).</summary>
    private static ImmutableArray<MetadataReference> WithoutRuntime() =>
        References.Value.Where(r => Path.GetFileName(r.Display) != "NpuSdk.dll").ToImmutableArray();

    public static void AssertCompiles(Compilation compilation) => AssertCompiles(compilation, "(project)");

    public static CSharpCompilation Compile(string source, bool withRuntime)
    {
        var references = withRuntime ? References.Value : References.Value.Where(r => !Path.GetFileName(r.Display!).StartsWith("NpuSdk", StringComparison.Ordinal)).ToImmutableArray();
        return CSharpCompilation.Create("Snippet", new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, "Snippet.cs") }, references, CompilationOptions);
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
    {
        var all = await compilation.WithAnalyzers(Analyzers).GetAnalyzerDiagnosticsAsync();
        // An analyzer that throws shows up as AD0001; a negative test must not pass because of it.
        var crashes = all.Where(d => d.Id == "AD0001").ToList();
        Assert.True(crashes.Count == 0, "An analyzer threw:\n" + string.Join("\n", crashes));
        return all.Where(d => d.Id.StartsWith("NPU", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id).ToImmutableArray();
    }

    private static async Task<CodeAction?> FirstFixAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        foreach (var provider in Fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
        {
            var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
            await provider.RegisterCodeFixesAsync(context);
        }
        return actions.FirstOrDefault();
    }

    private static Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Snippet", "Snippet", LanguageNames.CSharp,
            compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References.Value));
        return workspace.AddDocument(project.Id, "Snippet.cs", SourceText.From(source));
    }

    private static void AssertCompiles(Compilation compilation, string source)
    {
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"The code does not compile:\n{string.Join("\n", errors)}\n--- code ---\n{source}");
    }

    private static string Describe(IEnumerable<ExpectedDiagnostic> diagnostics, string source) =>
        string.Join("\n", diagnostics.Select(d => $"  {d.Id} at {d.Span}: '{source.Substring(d.Span.Start, d.Span.Length)}'"));

    private static string Normalize(string code) =>
        string.Join(" ", code.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
