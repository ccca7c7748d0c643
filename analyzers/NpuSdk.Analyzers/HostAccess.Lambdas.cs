using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Code a library call runs (List.ForEach, Parallel.For, Task.Run): its lambdas, method groups and delegates. A call
    /// whose code only waits is a wait ("await Task.Run(() => run.Wait())"); one whose code may sync, launch, touch
    /// mapped memory or run code not followed makes the flow forget everything. What each lambda of the method does is
    /// worked out in one pass, inner lambdas folded into outer ones, so nested lambdas cost no more than their size.
    /// </summary>
    internal sealed partial class BufferFacts
    {
        [Flags]
        private enum CodeEffect
        {
            None = 0,
            Waits = 1,
            /// <summary>Syncs, launches, touches mapped memory, or runs code not followed.</summary>
            Touches = 2,
        }

        // By the lambda's syntax: the control-flow graph refers to a lambda without its body.
        private readonly Dictionary<SyntaxNode, CodeEffect> _lambdaEffects = new Dictionary<SyntaxNode, CodeEffect>();

        /// <summary>One pass with an explicit stack: each lambda's effect is what its own operations and its inner lambdas do.</summary>
        private void GatherLambdas(IOperation body)
        {
            var pending = new Stack<(IOperation Operation, bool Leaving)>();
            var open = new Stack<CodeEffect>();
            pending.Push((body, false));
            while (pending.Count > 0)
            {
                var (operation, leaving) = pending.Pop();
                if (leaving)
                {
                    var effect = open.Pop();
                    _lambdaEffects[operation.Syntax] = effect;
                    if (open.Count > 0) open.Push(open.Pop() | effect);
                    continue;
                }
                if (operation is IAnonymousFunctionOperation)
                {
                    open.Push(CodeEffect.None);
                    pending.Push((operation, true));
                }
                else if (open.Count > 0 && EffectOf(operation) is var own && own != CodeEffect.None)
                {
                    open.Push(open.Pop() | own);
                }
                foreach (var child in operation.ChildOperations) pending.Push((child, false));
            }
        }

        /// <summary>The code a library call runs: a wait when all it does is wait, forgets everything when it may do more.</summary>
        private (AccessKind, ISymbol?) ClassifyCodeRun(IInvocationOperation call)
        {
            var effect = call.Arguments.Where(a => a.Value.Type?.TypeKind == TypeKind.Delegate)
                .Aggregate(CodeEffect.None, (sum, a) => sum | DelegateEffect(a.Value));
            if ((effect & CodeEffect.Touches) != 0) return (AccessKind.Opaque, null);
            return ((effect & CodeEffect.Waits) != 0 ? AccessKind.Wait : AccessKind.None, null);
        }

        /// <summary>A lambda (its gathered effect), a method group of the compilation (its summary), or anything else (not followed).</summary>
        private CodeEffect DelegateEffect(IOperation value)
        {
            var code = value.WithoutConversions();
            if (code is IDelegateCreationOperation creation) code = creation.Target;
            switch (code)
            {
                case IAnonymousFunctionOperation _:
                case IFlowAnonymousFunctionOperation _:
                    return _lambdaEffects.TryGetValue(code.Syntax, out var effect) ? effect : CodeEffect.Touches;
                case IMethodReferenceOperation group when LoopFixes.IsUserCode(_types, group.Method):
                    return SummaryEffect(_summaryOf(group.Method));
                default:
                    return CodeEffect.Touches;
            }
        }

        /// <summary>What one operation inside a lambda does; the lambdas it passes on are folded in by nesting.</summary>
        private CodeEffect EffectOf(IOperation op)
        {
            if (!(op is IInvocationOperation || op is IObjectCreationOperation || op is IPropertyReferenceOperation)) return CodeEffect.None;
            var kind = _types.Classify(op);
            if (kind is NpuCallKind.RunWait or NpuCallKind.RunListWait) return CodeEffect.Waits;
            if (kind != NpuCallKind.None) return CodeEffect.Touches;
            switch (op)
            {
                case IInvocationOperation { TargetMethod.MethodKind: MethodKind.DelegateInvoke }:
                    return CodeEffect.Touches;
                case IInvocationOperation call when LoopFixes.IsUserCode(_types, call.TargetMethod):
                    return SummaryEffect(_summaryOf(call.TargetMethod));
                case IInvocationOperation call:
                    if (_tensors.Classify(call.TargetMethod) != TensorCallKind.None) return CodeEffect.Touches;
                    return call.Arguments.Where(a => a.Value.Type?.TypeKind == TypeKind.Delegate && !IsLambda(a.Value))
                        .Aggregate(CodeEffect.None, (sum, a) => sum | DelegateEffect(a.Value));
                case IObjectCreationOperation { Constructor: { } constructor } when LoopFixes.IsUserCode(_types, constructor):
                    return SummaryEffect(_summaryOf(constructor));
                case IPropertyReferenceOperation property:
                    return IsViewSpan(property) || _tensors.IsBufferProperty(property.Property) ? CodeEffect.Touches : CodeEffect.None;
                default:
                    return CodeEffect.None;
            }
        }

        private static CodeEffect SummaryEffect(MethodSummary summary) =>
            summary.MaySync ? CodeEffect.Touches : summary.Waits ? CodeEffect.Waits : CodeEffect.None;

        private static bool IsLambda(IOperation value) =>
            value.WithoutConversions() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation };
    }
}
