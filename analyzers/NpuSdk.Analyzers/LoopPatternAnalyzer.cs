using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// NPU2001-NPU2005: per-tile work inside loops. A call counts as "in a loop" when a loop of its own method
    /// repeats it, or when its method is called from a loop elsewhere in the same type (the ported wrappers
    /// put the per-tile launch in a helper called from the tile loops). A call in such a loop to a method of another
    /// type is judged by what that method does (its summary, over everything it calls) and reported at the call. The
    /// whole type is gathered first and judged at its end, because the call sites of a helper may come after the helper.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class LoopPatternAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            NpuDiagnostics.WaitInLaunchLoop, NpuDiagnostics.SyncInLoop, NpuDiagnostics.BufferInLoop,
            NpuDiagnostics.LaunchInTileLoop, NpuDiagnostics.SetupInLoop);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = NpuTypes.Resolve(start.Compilation);
                if (types is null) return;
                var summaries = MethodSummaries.For(types, TensorTypes.Resolve(start.Compilation));
                start.RegisterSymbolStartAction(symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    var facts = new TypeFacts(types, type);
                    symbolStart.RegisterOperationBlockAction(block =>
                    {
                        foreach (var operation in block.OperationBlocks) facts.AddBlock(operation, block.OwningSymbol, block.CancellationToken);
                    });
                    symbolStart.RegisterSymbolEndAction(end => new LoopPatternJudge(types, facts, summaries, end.CancellationToken).Report(end.ReportDiagnostic));
                }, SymbolKind.NamedType);
            });
        }
    }
}
