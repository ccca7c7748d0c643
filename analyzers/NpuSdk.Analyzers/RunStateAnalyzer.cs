using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// NPU2007: Run.Wait and RunList.Wait return the command state instead of throwing, so a statement that
    /// drops it (or assigns it to a discard, or to a local nothing reads) turns a timed-out or failed run into
    /// silently stale results. A wait returned from a lambda run on a worker (Task.Run) whose awaited result is
    /// dropped is dropped too. A run whose State property is read after the dropped wait is checked that way.
    /// Each code block is walked once.
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
                start.RegisterOperationBlockAction(block => Analyze(types, block));
            });
        }

        private static void Analyze(NpuTypes types, OperationBlockAnalysisContext context)
        {
            foreach (var block in context.OperationBlocks)
            {
                var waits = new List<IInvocationOperation>();
                var stateReads = new Dictionary<ISymbol, List<int>>(SymbolEqualityComparer.Default);
                var localReads = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
                foreach (var op in block.DescendantsAndSelf())
                {
                    switch (op)
                    {
                        case IInvocationOperation call when types.Classify(call) is NpuCallKind.RunWait or NpuCallKind.RunListWait:
                            waits.Add(call);
                            break;
                        case IPropertyReferenceOperation { Property.Name: "State" } state when SymbolEqualityComparer.Default.Equals(state.Property.ContainingType, types.Run)
                            && LoopFixes.VariableSymbol(state.Instance) is { } run:
                            if (!stateReads.TryGetValue(run, out var positions)) stateReads[run] = positions = new List<int>();
                            positions.Add(state.Syntax.SpanStart);
                            break;
                        case ILocalReferenceOperation local when !(local.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, local)):
                            localReads[local.Local] = (localReads.TryGetValue(local.Local, out var n) ? n : 0) + 1;
                            break;
                    }
                }
                foreach (var wait in waits)
                {
                    // "run?.Wait()" is reported as a whole: the fix checks the state inside the null-conditional chain.
                    IOperation reported = wait;
                    while (reported.Parent is IConditionalAccessOperation access && ReferenceEquals(access.WhenNotNull, reported)) reported = access;
                    bool dropped = IsDiscarded(reported) || StoredInUnreadLocal(reported, localReads) || ReturnedToADroppedTask(reported, localReads);
                    if (!dropped) continue;
                    if (LoopFixes.VariableSymbol(wait.Instance) is { } run && stateReads.TryGetValue(run, out var reads) && reads.Any(p => p > wait.Syntax.SpanStart)) continue;
                    context.ReportDiagnostic(Diagnostic.Create(NpuDiagnostics.RunStateIgnored, reported.Syntax.GetLocation(), reported.Syntax.ToString()));
                }
            }
        }

        /// <summary>
        /// "await Task.Run(() => run.Wait(t));": the lambda returns the state, the task that runs it is awaited (or
        /// blocked on) where it starts, and what the await gives back is dropped, so the state is too.
        /// </summary>
        private static bool ReturnedToADroppedTask(IOperation wait, Dictionary<ISymbol, int> localReads)
        {
            var value = wait;
            while (value.Parent is IConversionOperation) value = value.Parent;
            if (!(value.Parent is IReturnOperation returned)) return false;
            IOperation? lambda = returned.Parent;
            while (lambda is IBlockOperation) lambda = lambda.Parent;
            if (!(lambda is IAnonymousFunctionOperation)) return false;
            var start = lambda.Parent;
            while (start is IDelegateCreationOperation || start is IConversionOperation || start is IArgumentOperation) start = start.Parent;
            if (!(start is IInvocationOperation { TargetMethod.Name: "Run" or "StartNew" } run)
                || run.TargetMethod.ContainingType?.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
                return false;
            IOperation task = run;
            while (task.Parent is IConversionOperation || task.Parent is IParenthesizedOperation) task = task.Parent;
            if (task.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured) task = configured;
            var result = task.Parent switch
            {
                IAwaitOperation awaited => awaited,
                IPropertyReferenceOperation { Property.Name: "Result" } blocked => blocked,
                IInvocationOperation { TargetMethod.Name: "GetAwaiter", Parent: IInvocationOperation { TargetMethod.Name: "GetResult" } getResult } => getResult,
                // Task.Wait() gives back no state at all.
                IInvocationOperation { TargetMethod.Name: "Wait" } => (IOperation?)null,
                _ => task,
            };
            if (result is null) return true;
            if (ReferenceEquals(result, task)) return false;
            return IsDiscarded(result) || StoredInUnreadLocal(result, localReads);
        }

        /// <summary>"var state = run.Wait();" (or an assignment) to a local that nothing reads.</summary>
        private static bool StoredInUnreadLocal(IOperation wait, Dictionary<ISymbol, int> localReads)
        {
            var parent = wait.Parent;
            while (parent is IConversionOperation) parent = parent.Parent;
            ISymbol? local = parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
                _ => null,
            };
            return local is not null && !localReads.ContainsKey(local);
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
