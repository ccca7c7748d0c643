using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// NPU2007: Run.Wait and RunList.Wait return the command state instead of throwing, so a statement that
    /// drops it (or assigns it to a discard) turns a timed-out or failed run into silently stale results.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class RunStateAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NpuDiagnostics.RunStateIgnored);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = NpuTypes.Resolve(start.Compilation);
                if (types is null) return;
                start.RegisterOperationAction(op => Analyze(types, op), OperationKind.Invocation);
            });
        }

        private static void Analyze(NpuTypes types, OperationAnalysisContext context)
        {
            var wait = (IInvocationOperation)context.Operation;
            var kind = types.Classify(wait);
            if (kind != NpuCallKind.RunWait && kind != NpuCallKind.RunListWait) return;
            bool discarded = wait.Parent is IExpressionStatementOperation
                || (wait.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && assignment.Parent is IExpressionStatementOperation);
            if (discarded)
                context.ReportDiagnostic(Diagnostic.Create(NpuDiagnostics.RunStateIgnored, wait.Syntax.GetLocation(), wait.Syntax.ToString()));
        }
    }
}
