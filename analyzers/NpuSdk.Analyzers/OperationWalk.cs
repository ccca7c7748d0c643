using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>Where an operation sits in its code block, as the loop rules see it.</summary>
    internal readonly struct WalkContext
    {
        public WalkContext(LoopChain loops, IMethodSymbol? owner, bool inUnknownLambda, bool inLambda = false, bool conditional = false)
        {
            Loops = loops;
            Owner = owner;
            InUnknownLambda = inUnknownLambda;
            InLambda = inLambda;
            Conditional = conditional;
        }

        /// <summary>The loops and per-element lambdas that repeat the operation in its own method or local function.</summary>
        public LoopChain Loops { get; }

        /// <summary>The method, local function or property getter whose body holds the operation.</summary>
        public IMethodSymbol? Owner { get; }

        /// <summary>True inside a lambda that is not run once per element (stored, or passed to code whose running is not known).</summary>
        public bool InUnknownLambda { get; }

        /// <summary>True inside any lambda of the owner (a return there returns from the lambda).</summary>
        public bool InLambda { get; }

        /// <summary>
        /// True when the operation may not run on every run of its owner: under a condition, a switch, a loop, a lambda,
        /// a cache (??=, ??), a null-conditional access or a catch.
        /// </summary>
        public bool Conditional { get; }

        public WalkContext With(LoopChain loops, bool inUnknownLambda, bool inLambda, bool conditional) =>
            new WalkContext(loops, Owner, inUnknownLambda, inLambda, conditional);
    }

    /// <summary>
    /// One top-down pass over a code block with an explicit stack: each operation gets its context from its parent's
    /// in constant time, so a block is walked in time linear in its size and in stack space independent of how deeply
    /// its loops, lambdas, conditions or expressions nest.
    /// </summary>
    internal static class OperationWalk
    {
        public static void Walk(IOperation root, IMethodSymbol? owner, Action<IOperation, WalkContext> visit, CancellationToken cancellationToken)
        {
            var stack = new Stack<(IOperation Operation, WalkContext Context)>();
            stack.Push((root, new WalkContext(LoopChain.Empty, owner, inUnknownLambda: false)));
            int visited = 0;
            while (stack.Count > 0)
            {
                if ((++visited & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var (operation, context) = stack.Pop();
                visit(operation, context);
                // Reversed onto the stack, so operations are visited in source order (the first of a kind is the first written).
                foreach (var child in operation.ChildOperations.Reverse())
                    stack.Push((child, ChildContext(operation, child, context)));
            }
        }

        /// <summary>
        /// A local function starts a method of its own; a lambda whose running is not known ends the loops (how often it
        /// runs is not known here); a per-element lambda is a loop; a lambda run on a worker and awaited where it starts
        /// is part of the code around it; a loop repeats its body and condition, not a for's initializer or a foreach's
        /// collection.
        /// </summary>
        private static WalkContext ChildContext(IOperation parent, IOperation child, WalkContext context)
        {
            switch (parent)
            {
                case ILocalFunctionOperation localFunction:
                    return new WalkContext(LoopChain.Empty, localFunction.Symbol, inUnknownLambda: false);
                case IAnonymousFunctionOperation lambda:
                    switch (EnclosingLoops.ElementLoop(lambda))
                    {
                        case LambdaLoop.None: return context.With(LoopChain.Empty, inUnknownLambda: true, inLambda: true, conditional: true);
                        case LambdaLoop.Inline: return context.With(context.Loops, context.InUnknownLambda, inLambda: true, conditional: true);
                        default: return context.With(context.Loops.Push(lambda), context.InUnknownLambda, inLambda: true, conditional: true);
                    }
                case ILoopOperation loop:
                    var loops = EnclosingLoops.RepeatsChild(loop, child) ? context.Loops.Push(loop) : context.Loops;
                    return context.With(loops, context.InUnknownLambda, context.InLambda, conditional: true);
                case IConditionalOperation _:
                case ISwitchOperation _:
                case ISwitchExpressionOperation _:
                case ICoalesceAssignmentOperation _:
                case ICoalesceOperation _:
                case IConditionalAccessOperation _:
                case ICatchClauseOperation _:
                    return context.Conditional ? context : context.With(context.Loops, context.InUnknownLambda, context.InLambda, conditional: true);
                default:
                    return context;
            }
        }
    }
}
