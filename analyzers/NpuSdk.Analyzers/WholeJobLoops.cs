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
    /// launches and waits is a whole job when, after its wait, it observes the result and the next iteration
    /// needs that observation:
    /// <list type="bullet">
    /// <item>loop-carried data: a variable written from the read-back results (or from a helper that waits) is
    /// read before the next launch or by the loop's condition (a layer loop feeding each output to the next
    /// layer), or a buffer swapped after the wait is launched again (ping-pong buffers);</item>
    /// <item>a clock read after the wait: each iteration's latency is what the loop measures (a timed benchmark);</item>
    /// <item>input that arrives from outside (an await, an await foreach, a concurrent collection, a channel, a
    /// stream or a socket) with results read back in the same iteration: one request served at a time.</item>
    /// </list>
    /// </summary>
    internal sealed class WholeJobLoops
    {
        private const int TaintPasses = 3;
        private readonly NpuTypes _types;
        private readonly Func<IOperation, MethodIndex> _indexOf;
        private readonly Func<IMethodSymbol, bool> _startsRuns;
        private readonly Func<IMethodSymbol, bool> _waits;
        private readonly Dictionary<IOperation, bool> _known = new Dictionary<IOperation, bool>();

        public WholeJobLoops(NpuTypes types, Func<IOperation, MethodIndex> indexOf, Func<IMethodSymbol, bool> startsRuns, Func<IMethodSymbol, bool> waits)
        {
            _types = types;
            _indexOf = indexOf;
            _startsRuns = startsRuns;
            _waits = waits;
        }

        public bool IsWholeJob(IOperation loop)
        {
            if (_known.TryGetValue(loop, out var known)) return known;
            bool result = Judge(loop);
            _known[loop] = result;
            return result;
        }

        private bool Judge(IOperation loop)
        {
            var summary = _indexOf(loop).Summary(loop);
            bool launches = summary.Launches || summary.UserCalls.Any(_startsRuns);
            bool waits = summary.Waits || summary.UserCalls.Any(_waits);
            if (!launches || !waits) return false;
            // Where the first launch's arguments have been evaluated, and where the first wait starts.
            int firstLaunch = int.MaxValue, firstWait = int.MaxValue;
            // The header too: a for's condition and a while's condition read what the last iteration left.
            var operations = loop.Descendants().ToList();
            foreach (var op in operations)
            {
                if (!(op is IInvocationOperation call)) continue;
                var kind = _types.Classify(call);
                bool userCall = kind == NpuCallKind.None && LoopFixes.IsUserCode(_types, call.TargetMethod);
                if (kind == NpuCallKind.Launch || (userCall && _startsRuns(call.TargetMethod.OriginalDefinition)))
                    firstLaunch = Math.Min(firstLaunch, call.Syntax.Span.End);
                if (kind is NpuCallKind.RunWait or NpuCallKind.RunListWait || (userCall && _waits(call.TargetMethod.OriginalDefinition)))
                    firstWait = Math.Min(firstWait, call.Syntax.SpanStart);
            }
            if (firstWait == int.MaxValue) return false;

            if (operations.Any(op => op.Syntax.SpanStart > firstWait && IsClockRead(op))) return true;

            var results = ReadBack(operations, firstWait);
            bool readsBack = results.Count > 0 || operations.Any(op => op.Syntax.SpanStart > firstWait
                && (ReadsDevice(op) || (op is IInvocationOperation read && _types.Classify(read) == NpuCallKind.HostRead)));
            if (readsBack && ReceivesInput(loop, operations)) return true;
            foreach (var op in operations)
            {
                if (!(LoopFixes.VariableSymbol(op) is { } symbol) || IsWriteTarget(op)) continue;
                if (results.Contains(symbol) && (op.Syntax.SpanStart < firstLaunch || InHeader(loop, op))) return true;
                // A buffer reassigned after the wait (a swap) and launched again: the output is the next input.
                if (_types.IsBo(op.Type) && op.Syntax.SpanStart <= firstLaunch && WrittenAfter(symbol, loop, firstWait) && InLaunch(op)) return true;
            }
            return false;
        }

        /// <summary>
        /// Variables written after the first wait from data the kernel produced: destinations of Read and of copies out
        /// of mapped memory, variables assigned from mapped reads or from a helper that waits, and (a few passes) the
        /// variables computed from those.
        /// </summary>
        private HashSet<ISymbol> ReadBack(List<IOperation> operations, int firstWait)
        {
            var results = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in operations)
            {
                if (op.Syntax.SpanStart < firstWait || !(op is IInvocationOperation call)) continue;
                var kind = _types.Classify(call);
                if (kind == NpuCallKind.HostRead && call.Arguments.Length > 0) AddTarget(results, call.Arguments[0].Value);
                if (call.TargetMethod.Name is "CopyTo" or "TryCopyTo" && call.Instance is not null && ReadsDevice(call.Instance) && call.Arguments.Length > 0)
                    AddTarget(results, call.Arguments[0].Value);
            }
            for (int pass = 0; pass < TaintPasses; pass++)
            {
                int before = results.Count;
                foreach (var op in operations)
                {
                    // An assignment completes after its value: "x = Layer(x)" writes x after the wait inside Layer.
                    if (op.Syntax.Span.End < firstWait) continue;
                    var (target, value) = op switch
                    {
                        IVariableDeclaratorOperation { Initializer: { } initializer } declarator => ((IOperation?)declarator, (IOperation?)initializer.Value),
                        IAssignmentOperation assignment => (assignment.Target, assignment.Value),
                        _ => ((IOperation?)null, (IOperation?)null),
                    };
                    if (target is null || value is null) continue;
                    bool derived = value.DescendantsAndSelf().Any(v => (LoopFixes.VariableSymbol(v) is { } read && results.Contains(read)) || ReadsDevice(v)
                        || (v is IInvocationOperation helper && LoopFixes.IsUserCode(_types, helper.TargetMethod) && _waits(helper.TargetMethod.OriginalDefinition)));
                    if (!derived) continue;
                    if (target is IVariableDeclaratorOperation declared) results.Add(declared.Symbol);
                    else AddTarget(results, target);
                }
                if (results.Count == before) break;
            }
            return results;
        }

        private static void AddTarget(HashSet<ISymbol> results, IOperation target)
        {
            while (target is IConversionOperation conversion) target = conversion.Operand;
            var holder = target switch
            {
                IArrayElementReferenceOperation element => element.ArrayReference,
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance,
                IInvocationOperation { TargetMethod.Name: "AsSpan" or "AsMemory" } view => view.Instance ?? (view.Arguments.Length > 0 ? view.Arguments[0].Value : null),
                _ => target,
            };
            if (LoopFixes.VariableSymbol(holder) is { } symbol) results.Add(symbol);
        }

        /// <summary>An expression that reads mapped device memory: Map() or a span local assigned from it.</summary>
        private bool ReadsDevice(IOperation value) =>
            value is IInvocationOperation call && _types.Classify(call) == NpuCallKind.Map;

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

        /// <summary>Input that arrives from outside: the iteration awaits, or the loop takes it from a queue, a channel, a stream or a socket.</summary>
        private static bool ReceivesInput(IOperation loop, List<IOperation> body)
        {
            if (loop is IForEachLoopOperation { IsAsynchronous: true }) return true;
            if (body.Any(op => op is IAwaitOperation)) return true;
            var header = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForEachLoopOperation forEach => forEach.Collection,
                _ => null,
            };
            var candidates = header is null ? body : body.Concat(header.DescendantsAndSelf());
            return candidates.Any(op => op is IInvocationOperation call && IsReceive(call.TargetMethod));
        }

        private static bool IsReceive(IMethodSymbol method)
        {
            string ns = method.ContainingType?.ContainingNamespace?.ToDisplayString() ?? "";
            if (ns == "System.Collections.Concurrent" || ns == "System.Threading.Channels" || ns.StartsWith("System.Net", StringComparison.Ordinal)) return true;
            return ns == "System.IO" && method.Name.StartsWith("Read", StringComparison.Ordinal);
        }

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

        private static bool IsWriteTarget(IOperation reference) =>
            reference.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference);
    }
}
