using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Loops that repeat an operation inside its own method or local function, found by walking
    /// <see cref="IOperation.Parent"/> to each enclosing <see cref="ILoopOperation"/>.
    /// </summary>
    internal static class EnclosingLoops
    {
        /// <summary>
        /// The loops that run the operation once per iteration, innermost first. The walk stops at a lambda or
        /// a local function: when (and how often) those run is decided by their callers, not by the loop
        /// around their declaration. A for-loop's initializers and a foreach's collection run once, so they
        /// do not count as inside that loop.
        /// </summary>
        public static ImmutableArray<ILoopOperation> Of(IOperation operation)
        {
            var loops = ImmutableArray.CreateBuilder<ILoopOperation>();
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation) break;
                if (parent is ILoopOperation loop && RepeatsChild(loop, child)) loops.Add(loop);
            }
            return loops.ToImmutable();
        }

        /// <summary>True when the operation sits in a lambda (whose running is not known here).</summary>
        public static bool IsInLambda(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation) return true;
                if (parent is ILocalFunctionOperation) return false;
            }
            return false;
        }

        /// <summary>The method or local function whose body holds the operation.</summary>
        public static IMethodSymbol? Owner(IOperation operation, ISymbol containingSymbol)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation localFunction) return localFunction.Symbol;
            }
            return containingSymbol as IMethodSymbol;
        }

        private static bool RepeatsChild(ILoopOperation loop, IOperation child)
        {
            switch (loop)
            {
                case IForLoopOperation forLoop:
                    return !forLoop.Before.Contains(child);
                case IForEachLoopOperation forEach:
                    return !ReferenceEquals(forEach.Collection, child);
                default:
                    return true;
            }
        }
    }
}
