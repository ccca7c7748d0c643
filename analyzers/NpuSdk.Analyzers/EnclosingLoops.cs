using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>How a lambda runs: not known, once per element in order or overlapping, or once, awaited where it is started (Inline).</summary>
    internal enum LambdaLoop { None, Sequential, Parallel, Inline }

    /// <summary>
    /// The code regions that repeat an operation inside its own method or local function: each enclosing
    /// <see cref="ILoopOperation"/>, and each lambda that a library call runs once per element (List.ForEach,
    /// Array.ForEach, Parallel.For/ForEach, LINQ). Any other lambda (stored, passed to user code, run once) ends them:
    /// how often it runs is not known here. <see cref="OperationWalk"/> applies these rules top-down.
    /// </summary>
    internal static class EnclosingLoops
    {
        /// <summary>
        /// The innermost loop or per-element lambda that repeats the operation in its own method or local function, or
        /// null. The walk stops at a local function or at a lambda whose running is not known.
        /// </summary>
        public static IOperation? Innermost(IOperation operation)
        {
            if (IsElementMethodGroup(operation)) return operation.Parent;
            var child = operation;
            for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
            {
                if (parent is ILocalFunctionOperation) return null;
                if (parent is IAnonymousFunctionOperation lambda)
                {
                    var kind = ElementLoop(lambda);
                    if (kind == LambdaLoop.None) return null;
                    if (kind != LambdaLoop.Inline) return lambda;
                }
                if (parent is ILoopOperation loop && RepeatsChild(loop, child)) return loop;
            }
            return null;
        }

        /// <summary>A method group passed straight to a per-element library call (List.ForEach(LaunchTile)).</summary>
        public static bool IsElementMethodGroup(IOperation operation) =>
            operation is IMethodReferenceOperation && operation.Parent is IDelegateCreationOperation creation && ElementLoop(creation) != LambdaLoop.None;

        /// <summary>True for a lambda or method group whose iterations overlap on worker threads (Parallel.For, PLINQ).</summary>
        public static bool IsParallel(IOperation loop) =>
            (loop is IAnonymousFunctionOperation || loop is IDelegateCreationOperation) && ElementLoop(loop) == LambdaLoop.Parallel;

        /// <summary>
        /// How a lambda passed straight to a library call runs: once per element, in order (List.ForEach,
        /// Array.ForEach, the LINQ operators when enumerated) or overlapping (Parallel.*, PLINQ), else not known.
        /// </summary>
        internal static LambdaLoop ElementLoop(IOperation lambda)
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

        internal static bool RepeatsChild(ILoopOperation loop, IOperation child)
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
