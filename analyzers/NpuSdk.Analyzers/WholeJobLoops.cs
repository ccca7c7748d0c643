using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Loops whose every iteration is a complete job that the next one depends on, so its launch, wait and syncs
    /// cannot be batched across iterations (NPU2001, NPU2002 and NPU2004 leave them alone). An iteration that
    /// launches and waits (itself, or through a method of the compilation that does) is a whole job when, after its
    /// wait, it observes the result and the next iteration needs that observation:
    /// <list type="bullet">
    /// <item>loop-carried data: a variable written from the read-back results (or from a helper that waits or reads
    /// back) is read before the next launch or by the loop's condition (a layer loop feeding each output to the next
    /// layer), a buffer swapped after the wait is launched again (ping-pong buffers), an Aggregate's accumulator, or
    /// a helper called from a single loop that feeds its own next call (a field, or the array it is passed);</item>
    /// <item>a clock read after the wait: each iteration's latency is what the loop measures (a timed benchmark);</item>
    /// <item>requests served one at a time, results read back in the same iteration: input that arrives from outside
    /// (an await of something other than the NPU work, an await foreach, a concurrent collection, a channel, the
    /// console, a stream or a socket), or results handed to whoever asked before the next iteration (a yield return,
    /// a reply delegate or TaskCompletionSource, a method of the request walked, a write to a console, a stream, a
    /// channel or a socket).</item>
    /// </list>
    /// </summary>
    internal sealed class WholeJobLoops
    {
        private readonly NpuTypes _types;
        private readonly Func<IOperation, MethodIndex> _indexOf;
        private readonly Func<IMethodSymbol, MethodSummary> _summaryOf;
        private readonly Dictionary<IOperation, bool> _known = new Dictionary<IOperation, bool>();

        public WholeJobLoops(NpuTypes types, Func<IOperation, MethodIndex> indexOf, Func<IMethodSymbol, MethodSummary> summaryOf)
        {
            _types = types;
            _indexOf = indexOf;
            _summaryOf = summaryOf;
        }

        public bool IsWholeJob(IOperation loop)
        {
            if (_known.TryGetValue(loop, out var known)) return known;
            bool result = Judge(loop);
            _known[loop] = result;
            return result;
        }

        /// <summary>
        /// Looks only where the answer can be: the first launch and the first wait come from the method's index, the
        /// observations after the wait from the operations from the statement that waits to the end of the loop, and
        /// the loop-carried reads from the references of what was read back. A loop nested in loops is judged in time
        /// that does not grow with the code around it or inside it before its wait.
        /// </summary>
        private bool Judge(IOperation loop)
        {
            var index = _indexOf(loop);
            var summary = index.Summary(loop);
            bool launches = summary.Launches || summary.CallsLaunching;
            bool waits = summary.Waits || summary.CallsWaiting;
            if (!launches || !waits) return false;
            // Aggregate hands each result to the next element's call: "layers.Aggregate(x, (h, layer) => Forward(layer, h))".
            if (IsAccumulating(loop)) return true;
            int start = loop.Syntax.SpanStart, end = loop.Syntax.Span.End;
            // Where the first launch's arguments have been evaluated, and where the first wait starts.
            var firstLaunch = Earliest(index.Launches.In(start, end).FirstOrDefault(), index.UserCalls.First(start, end, UserCall.Launches));
            var firstWaitCall = Earliest(index.Waits.In(start, end).FirstOrDefault(), index.UserCalls.First(start, end, UserCall.Waits));
            if (firstWaitCall is null) return false;
            int launchEnd = firstLaunch?.Syntax.Span.End ?? int.MaxValue, firstWait = firstWaitCall.Syntax.SpanStart;
            // From the statement that waits: an assignment around the wait ("x = Layer(x)") completes after it.
            var afterWait = index.All.In(StatementOf(firstWaitCall, loop).Syntax.SpanStart, end).ToList();

            if (afterWait.Any(op => op.Syntax.SpanStart > firstWait && IsClockRead(op))) return true;

            var results = ReadBackTaint.WrittenFromResults(_types, afterWait, firstWait, ReturnsResults);
            bool readsBack = results.Count > 0 || afterWait.Any(op => op.Syntax.SpanStart >= firstWait
                && (ReadBackTaint.ReadsDevice(_types, op) || (op is IInvocationOperation read
                    && (_types.Classify(read) == NpuCallKind.HostRead || ReturnsResults(read)))));
            if (readsBack && (ReceivesInput(loop, index) || HandsResultsOut(loop, afterWait, results, firstWait))) return true;
            // The next iteration reads what this one read back, before its launch or in the loop's condition.
            foreach (var symbol in results)
                if (index.References(symbol).Any(r => MethodIndex.Contains(loop, r) && !IsWriteTarget(r) && (r.Syntax.SpanStart < launchEnd || InHeader(loop, r))))
                    return true;
            // A buffer reassigned after the wait (a swap) and launched again: the output is the next input.
            foreach (var launch in index.Launches.In(start, end).Concat(index.SetArgs.In(start, end)))
                foreach (var op in launch.Descendants())
                    if (LoopFixes.VariableSymbol(op) is { } buffer && _types.IsBo(op.Type) && op.Syntax.SpanStart <= launchEnd
                        && WrittenAfter(buffer, loop, firstWait) && InLaunch(op))
                        return true;
            return index.UserCalls.In(start, end).Any(call => CarriesState((IInvocationOperation)call, loop));
        }

        private static IOperation? Earliest(IOperation? a, IOperation? b) =>
            a is null ? b : b is null ? a : a.Syntax.SpanStart <= b.Syntax.SpanStart ? a : b;

        /// <summary>The statement of the loop body that holds the operation (walking up its expression, not the loops).</summary>
        private static IOperation StatementOf(IOperation operation, IOperation loop)
        {
            var statement = operation;
            while (statement.Parent is not null && !ReferenceEquals(statement.Parent, loop) && !(statement.Parent is IBlockOperation))
                statement = statement.Parent;
            return statement;
        }

        /// <summary>A lambda passed to Enumerable.Aggregate that reads its accumulator: every call consumes the previous one's result.</summary>
        private static bool IsAccumulating(IOperation loop)
        {
            if (!(loop is IAnonymousFunctionOperation lambda) || lambda.Symbol.Parameters.Length < 2) return false;
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation) parent = parent.Parent;
            if (!(parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Aggregate" } aggregate })
                || aggregate.TargetMethod.ContainingType?.Name != "Enumerable")
                return false;
            var accumulator = lambda.Symbol.Parameters[0];
            return lambda.Body.Descendants().Any(op => op is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, accumulator));
        }

        /// <summary>What a call into this compilation does, or null for any other call.</summary>
        private MethodSummary? Helper(IInvocationOperation call) =>
            LoopFixes.IsUserCode(_types, call.TargetMethod) ? _summaryOf(call.TargetMethod) : null;

        /// <summary>A call whose value carries results: a helper that waits or reads back ("x = Layer(x)", "y = Download()").</summary>
        private bool ReturnsResults(IInvocationOperation call) => Helper(call) is { } helper && (helper.Waits || helper.ReadsBack);

        /// <summary>
        /// A helper that launches, waits and feeds its own next call: it reads state (a field, or the array it is passed,
        /// the same one on every iteration) before its launch and overwrites it with results after its wait. Only for a
        /// single loop around the call: a nest of loops around one helper walks a grid of tiles, whatever the helper keeps.
        /// </summary>
        private bool CarriesState(IInvocationOperation call, IOperation loop)
        {
            if (!(Helper(call) is { LaunchesAndWaits: true } helper)) return false;
            if (!ReferenceEquals(EnclosingLoops.Innermost(call), loop) || EnclosingLoops.Innermost(loop) is not null) return false;
            if (helper.CarriesFieldState) return true;
            return call.Arguments.Any(a => a.Parameter is not null && helper.CarriedParameters.Contains(a.Parameter.Ordinal)
                && LoopFixes.VariableSymbol(a.Value) is { } array && !_indexOf(loop).WrittenInside(array, loop));
        }

        /// <summary>
        /// Each iteration hands its results to whoever asked for them before the next one starts: a yield return, a reply
        /// (a delegate, a TaskCompletionSource, a method of the request the loop walks), or a write to a console, a
        /// stream, a channel or a socket. The loop serves requests one at a time.
        /// </summary>
        private bool HandsResultsOut(IOperation loop, List<IOperation> operations, HashSet<ISymbol> results, int firstWait)
        {
            var element = ElementOf(loop);
            foreach (var op in operations)
            {
                // An operation completes after its operands: "yield return Infer(request)" hands out what Infer waited for.
                if (op.Syntax.Span.End < firstWait) continue;
                if (op is IReturnOperation { Kind: OperationKind.YieldReturn }) return true;
                if (!(op is IInvocationOperation call) || !call.Arguments.Any(a => CarriesResults(a.Value, results))) continue;
                var method = call.TargetMethod;
                if (method.MethodKind == MethodKind.DelegateInvoke || method.Name is "SetResult" or "TrySetResult") return true;
                if (IsOutput(method)) return true;
                if (element is not null && RootSymbol(call.Instance) is { } receiver && SymbolEqualityComparer.Default.Equals(receiver, element)) return true;
            }
            return false;
        }

        private bool CarriesResults(IOperation value, HashSet<ISymbol> results) => value.DescendantsAndSelf().Any(v =>
            (LoopFixes.VariableSymbol(v) is { } read && results.Contains(read)) || ReadBackTaint.ReadsDevice(_types, v)
            || (v is IInvocationOperation call && ReturnsResults(call)));

        /// <summary>The variable a foreach loop walks (the request), or null.</summary>
        private static ISymbol? ElementOf(IOperation loop) =>
            loop is IForEachLoopOperation forEach && forEach.Locals.Length == 1 ? forEach.Locals[0] : null;

        private static ISymbol? RootSymbol(IOperation? value)
        {
            while (value is IMemberReferenceOperation member && !(value is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation }))
                value = member.Instance;
            while (value is IConversionOperation conversion) value = conversion.Operand;
            return value is ILocalReferenceOperation local ? local.Local : null;
        }

        private static bool IsOutput(IMethodSymbol method)
        {
            string ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? "";
            bool writes = method.Name.StartsWith("Write", StringComparison.Ordinal) || method.Name.StartsWith("Send", StringComparison.Ordinal)
                || method.Name.StartsWith("TryWrite", StringComparison.Ordinal);
            return writes && (IsIoNamespace(ns) || ns == "System.Threading.Channels" || ns.StartsWith("System.Net", StringComparison.Ordinal)
                || method.ContainingType?.Name == "Console");
        }

        private bool WrittenAfter(ISymbol symbol, IOperation loop, int position) =>
            _indexOf(loop).Writes(symbol).Any(w => MethodIndex.Contains(loop, w) && w.Syntax.SpanStart > position);

        private bool InLaunch(IOperation reference)
        {
            for (var parent = reference.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IInvocationOperation call) return _types.Classify(call) is NpuCallKind.Launch or NpuCallKind.SetArg;
                if (!(parent is IArgumentOperation || parent is IConversionOperation || parent is IArrayInitializerOperation || parent is IArrayCreationOperation)) return false;
            }
            return false;
        }

        /// <summary>Input that arrives from outside: the iteration awaits something other than its NPU work, or the loop takes it from a queue, a channel, the console, a stream or a socket.</summary>
        private bool ReceivesInput(IOperation loop, MethodIndex index)
        {
            if (loop is IForEachLoopOperation { IsAsynchronous: true }) return true;
            int start = loop.Syntax.SpanStart, end = loop.Syntax.Span.End;
            // Awaiting the NPU work itself (a tile helper, a Task.Run around a wait) receives nothing.
            if (index.Awaits.In(start, end).Any(op => !IsNpuWork(((IAwaitOperation)op).Operation))) return true;
            return index.Receives.Any(start, end);
        }

        /// <summary>A call that takes input from outside: a concurrent collection, a channel, the console, a stream, a socket.</summary>
        internal static bool IsReceive(IMethodSymbol method)
        {
            string ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? "";
            if (ns == "System.Collections.Concurrent" || ns == "System.Threading.Channels" || ns.StartsWith("System.Net", StringComparison.Ordinal)) return true;
            return (IsIoNamespace(ns) || (ns == "System" && method.ContainingType?.Name == "Console")) && method.Name.StartsWith("Read", StringComparison.Ordinal);
        }

        private static bool IsIoNamespace(string ns) => ns == "System.IO" || ns.StartsWith("System.IO.", StringComparison.Ordinal);

        /// <summary>Code that launches, waits or syncs: an SDK call, or a call into the compilation that does.</summary>
        private bool IsNpuWork(IOperation operation) => operation.DescendantsAndSelf().Any(op => op is IInvocationOperation call
            && (_types.Classify(call) != NpuCallKind.None || (Helper(call) is { } helper && (helper.Launches || helper.Waits || helper.Syncs))));

        private static bool IsClockRead(IOperation op)
        {
            var member = op switch
            {
                IPropertyReferenceOperation property => (ISymbol)property.Property,
                IInvocationOperation call => call.TargetMethod,
                _ => null,
            };
            if (member?.ContainingType is not { } type) return false;
            string name = type.ContainingNamespace?.ToDisplayString() + "." + type.Name;
            return name switch
            {
                "System.Diagnostics.Stopwatch" => member.Name is "Elapsed" or "ElapsedMilliseconds" or "ElapsedTicks" or "Stop" or "Restart" or "GetTimestamp" or "GetElapsedTime",
                "System.DateTime" or "System.DateTimeOffset" => member.Name is "Now" or "UtcNow",
                "System.Environment" => member.Name is "TickCount" or "TickCount64",
                "System.TimeProvider" => member.Name is "GetTimestamp" or "GetElapsedTime" or "GetUtcNow",
                _ => false,
            };
        }

        private static bool InHeader(IOperation loop, IOperation op) => loop switch
        {
            IWhileLoopOperation whileLoop => whileLoop.Condition is { } condition && MethodIndex.Contains(condition, op),
            IForLoopOperation forLoop => forLoop.AtLoopBottom.Any(step => MethodIndex.Contains(step, op)),
            _ => false,
        };

        /// <summary>A variable written, or an array whose element is stored into ("results[t] = ..."): a slot, not a read.</summary>
        private static bool IsWriteTarget(IOperation reference)
        {
            var target = reference.Parent is IArrayElementReferenceOperation element && ReferenceEquals(element.ArrayReference, reference)
                && element.Parent is ISimpleAssignmentOperation ? element : reference;
            return target.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, target);
        }
    }
}
