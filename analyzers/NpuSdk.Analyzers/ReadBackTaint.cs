using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The variables a stretch of code writes from data a kernel produced, after the first wait: the destinations of
    /// Read and of copies out of mapped memory, variables assigned from mapped reads or from a helper that returns
    /// results, and (a few passes) the variables computed from those. Whole-job loops and a helper's carried state are
    /// judged by them.
    /// </summary>
    internal static class ReadBackTaint
    {
        private const int Passes = 3;

        /// <param name="operations">The operations of the stretch (a loop, a method body).</param>
        /// <param name="firstWait">Where the first wait starts: only writes after it carry results.</param>
        /// <param name="returnsResults">A call into the compilation whose returned value carries results (it waits, or reads back).</param>
        public static HashSet<ISymbol> WrittenFromResults(NpuTypes types, List<IOperation> operations, int firstWait, Func<IInvocationOperation, bool> returnsResults)
        {
            var results = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var op in operations)
            {
                if (op.Syntax.SpanStart < firstWait || !(op is IInvocationOperation call)) continue;
                if (types.Classify(call) == NpuCallKind.HostRead && call.Arguments.Length > 0) AddTarget(results, call.Arguments[0].Value);
                if (call.TargetMethod.Name is "CopyTo" or "TryCopyTo" && call.Instance is not null && ReadsDevice(types, call.Instance) && call.Arguments.Length > 0)
                    AddTarget(results, call.Arguments[0].Value);
            }
            for (int pass = 0; pass < Passes; pass++)
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
                    bool derived = value.DescendantsAndSelf().Any(v => (LoopFixes.VariableSymbol(v) is { } read && results.Contains(read)) || ReadsDevice(types, v)
                        || (v is IInvocationOperation helper && returnsResults(helper)));
                    if (!derived) continue;
                    if (target is IVariableDeclaratorOperation declared) results.Add(declared.Symbol);
                    else AddTarget(results, target);
                }
                if (results.Count == before) break;
            }
            return results;
        }

        /// <summary>An expression that reads mapped device memory: Map() itself.</summary>
        public static bool ReadsDevice(NpuTypes types, IOperation value) =>
            value is IInvocationOperation call && types.Classify(call) == NpuCallKind.Map;

        /// <summary>A Map() whose memory is read where it is taken: copied out, turned into an array, or an element read.</summary>
        public static bool IsDeviceRead(NpuTypes types, IOperation map)
        {
            var use = map;
            while (use.Parent is IConversionOperation || use.Parent is IParenthesizedOperation) use = use.Parent;
            return use.Parent switch
            {
                IInvocationOperation call when ReferenceEquals(call.Instance, use) => call.TargetMethod.Name is "CopyTo" or "TryCopyTo" or "ToArray",
                IPropertyReferenceOperation { Property.IsIndexer: true } element => !(element.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Target, element)),
                _ => false,
            };
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
    }
}
