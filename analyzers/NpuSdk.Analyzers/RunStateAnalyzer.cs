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
            // "run?.Wait()" is reported as a whole: the fix checks the state inside the null-conditional chain.
            IOperation reported = wait;
            while (reported.Parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, reported)) reported = access;
            if (IsDiscarded(reported))
                context.ReportDiagnostic(Diagnostic.Create(NpuDiagnostics.RunStateIgnored, reported.Syntax.GetLocation(), reported.Syntax.ToString()));
        }

        /// <summary>
        /// The state is dropped when the value reaches a statement of its own or a discard, also through either arm
        /// of a ternary. A void lambda or expression-bodied method also makes its body an expression statement.
        /// </summary>
        private static bool IsDiscarded(IOperation wait)
        {
            var value = wait;
            while (value.Parent is IConditionalOperation ternary && (ReferenceEquals(ternary.WhenTrue, value) || ReferenceEquals(ternary.WhenFalse, value)))
                value = ternary;
            return value.Parent is IExpressionStatementOperation
                || (value.Parent is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && assignment.Parent is IExpressionStatementOperation);
        }
    }
}
