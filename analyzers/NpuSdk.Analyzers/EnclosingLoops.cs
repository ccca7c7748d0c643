using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The code regions that repeat an operation inside its own method or local function, found by walking
    /// <see cref="IOperation.Parent"/>: each enclosing <see cref="ILoopOperation"/>, and each lambda that a
    /// library call runs once per element (List.ForEach, Array.ForEach, Parallel.For/ForEach, LINQ). Any other
    /// lambda (stored, passed to user code, run once) ends the walk: how often it runs is not known here.
    /// </summary>
    internal static class EnclosingLoops
    {
        /// <summary>
        /// The loops and per-element lambdas that run the operation once per iteration, innermost first. The walk
        /// stops at a local function or another lambda. A for-loop's initializers and a foreach's collection run
        /// once, so they do not count as inside that loop.
        /// </summary>
        public static ImmutableArray<IOperation> Of(IOperation operation)
        {
            var loops = ImmutableArray.CreateBuilder<IOperation>();
            // "tiles.ForEach(LaunchTile)": the method group runs once per element, like a lambda would.
            if (IsElementMethodGroup(operation)) loops.Add(operation.Parent!);
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation) break;
                if (parent is IAnonymousFunctionOperation lambda)
                {
                    var kind = ElementLoop(lambda);
                    if (kind == LambdaLoop.None) break;
                    // Run on a worker and awaited on the spot: part of the code around it.
                    if (kind != LambdaLoop.Inline) loops.Add(lambda);
                }
                if (parent is ILoopOperation loop && RepeatsChild(loop, child)) loops.Add(loop);
            }
            return loops.ToImmutable();
        }

        /// <summary>The statement loops a fix may move code across: those inside the innermost per-element lambda.</summary>
        public static ImmutableArray<ILoopOperation> Statements(ImmutableArray<IOperation> loops)
        {
            var statements = ImmutableArray.CreateBuilder<ILoopOperation>();
            foreach (var loop in loops)
            {
                if (!(loop is ILoopOperation statement)) break;
                statements.Add(statement);
            }
            return statements.ToImmutable();
        }

        /// <summary>True when the operation sits in a lambda that is not run once per element (whose running is not known here).</summary>
        public static bool IsInLambda(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation lambda && ElementLoop(lambda) == LambdaLoop.None) return true;
                if (parent is ILocalFunctionOperation) return false;
            }
            return false;
        }

        /// <summary>A method group passed straight to a per-element library call (List.ForEach(LaunchTile)).</summary>
        public static bool IsElementMethodGroup(IOperation operation) =>
            operation is IMethodReferenceOperation && operation.Parent is IDelegateCreationOperation creation && ElementLoop(creation) != LambdaLoop.None;

        /// <summary>True for a lambda or method group whose iterations overlap on worker threads (Parallel.For, PLINQ).</summary>
        public static bool IsParallel(IOperation loop) =>
            (loop is IAnonymousFunctionOperation || loop is IDelegateCreationOperation) && ElementLoop(loop) == LambdaLoop.Parallel;

        /// <summary>The method or local function whose body holds the operation.</summary>
        public static IMethodSymbol? Owner(IOperation operation, ISymbol containingSymbol)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation localFunction) return localFunction.Symbol;
            }
            return containingSymbol switch
            {
                IMethodSymbol method => method,
                // An expression-bodied property's operations belong to the property: its getter runs them.
                IPropertySymbol property => property.GetMethod,
                _ => null,
            };
        }

        /// <summary>How a lambda runs: not known, once per element in order or overlapping, or once, awaited where it is started (Inline).</summary>
        private enum LambdaLoop { None, Sequential, Parallel, Inline }

        /// <summary>
        /// How a lambda passed straight to a library call runs: once per element, in order (List.ForEach,
        /// Array.ForEach, the LINQ operators when enumerated) or overlapping (Parallel.*, PLINQ), else not known.
        /// </summary>
        private static LambdaLoop ElementLoop(IOperation lambda)
        {
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation) parent = parent.Parent;
            if (!(parent is IArgumentOperation { Parent: IInvocationOperation call })) return LambdaLoop.None;
            var method = call.TargetMethod;
            var type = method.ContainingType;
            string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
            switch (ns + "." + type.Name)
            {
                case "System.Threading.Tasks.Task" when method.Name == "Run":
                case "System.Threading.Tasks.TaskFactory" when method.Name == "StartNew":
                    return AwaitedWhereStarted(call) ? LambdaLoop.Inline : LambdaLoop.None;
                case "System.Linq.Enumerable":
                    return LambdaLoop.Sequential;
                case "System.Linq.ParallelEnumerable":
                case "System.Threading.Tasks.Parallel":
                    return method.Name.StartsWith("For", System.StringComparison.Ordinal) || type.Name == "ParallelEnumerable"
                        ? LambdaLoop.Parallel : LambdaLoop.None;
                case "System.Collections.Generic.List":
                case "System.Array":
                    return method.Name == "ForEach" ? LambdaLoop.Sequential : LambdaLoop.None;
                default:
                    return LambdaLoop.None;
            }
        }

        /// <summary>"await Task.Run(...)", "Task.Run(...).Wait()", ".Result", ".GetAwaiter().GetResult()": the caller waits for it right there.</summary>
        private static bool AwaitedWhereStarted(IInvocationOperation start)
        {
            IOperation task = start;
            while (task.Parent is IConversionOperation || task.Parent is IParenthesizedOperation) task = task.Parent;
            switch (task.Parent)
            {
                case IAwaitOperation _:
                    return true;
                case IPropertyReferenceOperation { Property.Name: "Result" }:
                    return true;
                case IInvocationOperation { TargetMethod.Name: "Wait" }:
                    return true;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured:
                    return configured.Parent is IAwaitOperation;
                case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter:
                    return awaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" };
                default:
                    return false;
            }
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
