using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using NpuSdk.CodeFixes;

namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>
/// The Microsoft.CodeAnalysis.Testing code-fix test with every NPU analyzer, and the fixes of the rules under
/// test. Snippets compile against the framework the tests run on plus the NpuSdk runtime assemblies, taken from
/// this process, so a test needs no reference pack from a package feed.
/// </summary>
public sealed class NpuTest : CSharpCodeFixTest<LoopPatternAnalyzer, RunStateCodeFix, DefaultVerifier>
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LocalReferences = new(() =>
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == frameworkDirectory);
        var sdk = new[] { typeof(Device).Assembly.Location, typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location, typeof(NpuSdk.KernelModel.KernelDesign).Assembly.Location };
        return framework.Concat(sdk).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    /// <summary>The framework of this process and the runtime and xclbin model: what a user project references.</summary>
    public static ImmutableArray<MetadataReference> References => LocalReferences.Value;

    /// <summary>The framework alone (for look-alike types in tests that the rules must ignore).</summary>
    public static ImmutableArray<MetadataReference> FrameworkReferences =>
        LocalReferences.Value.Where(r => !Path.GetFileName(r.Display!).StartsWith("NpuSdk", StringComparison.Ordinal)).ToImmutableArray();

    /// <summary>Every NPU analyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(
        new LoopPatternAnalyzer(), new MissingSyncAnalyzer(), new RunStateAnalyzer());

    /// <summary>Every NPU code fix.</summary>
    public static ImmutableArray<CodeFixProvider> AllFixes { get; } = ImmutableArray.Create<CodeFixProvider>(
        new WaitInLaunchLoopCodeFix(), new SyncInLoopCodeFix(), new HoistDeclarationCodeFix(), new MissingSyncCodeFix(), new RunStateCodeFix());

    public NpuTest(bool withRuntime = true, string? fixedId = null)
    {
        // An empty reference set: the assemblies come from this process (below), not from a downloaded pack.
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(withRuntime ? References : FrameworkReferences);
        FixedId = fixedId;
    }

    /// <summary>The rule whose fixes are applied; null applies none.</summary>
    public string? FixedId { get; }

    /// <inheritdoc/>
    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => Analyzers;

    /// <inheritdoc/>
    protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() =>
        FixedId is null ? Array.Empty<CodeFixProvider>() : AllFixes.Where(f => f.FixableDiagnosticIds.Contains(FixedId));

    /// <inheritdoc/>
    protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);

    /// <inheritdoc/>
    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
