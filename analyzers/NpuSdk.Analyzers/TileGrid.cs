using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What a loop says about the tiles it walks: its trip count, a flattened grid, a plan of sub-buffers.</summary>
    internal static class TileGrid
    {
        /// <summary>
        /// The number of iterations when the compiler knows it: "for (int i = c0; i &lt; c1; i++)" (or &lt;=) and
        /// "foreach (var t in Enumerable.Range(c0, count))" with constants; else null.
        /// </summary>
        public static int? Iterations(IOperation loop)
        {
            switch (loop)
            {
                case IForLoopOperation forLoop when forLoop.Condition is IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition
                    && condition.LeftOperand.WithoutConversions() is ILocalReferenceOperation counter
                    && forLoop.Locals.Contains(counter.Local, SymbolEqualityComparer.Default)
                    && condition.RightOperand.ConstantValue is { HasValue: true, Value: int end }:
                    var start = forLoop.Before.SelectMany(b => b.DescendantsAndSelf()).OfType<IVariableDeclaratorOperation>().FirstOrDefault()?.Initializer?.Value.ConstantValue;
                    if (!(start is { HasValue: true, Value: int first })) return null;
                    return end - first + (condition.OperatorKind == BinaryOperatorKind.LessThanOrEqual ? 1 : 0);
                case IForEachLoopOperation forEach when forEach.Collection.WithoutConversions() is IInvocationOperation { TargetMethod.Name: "Range" } range
                    && range.TargetMethod.ContainingType.Name == "Enumerable" && range.Arguments.Length == 2
                    && range.Arguments[1].Value.ConstantValue is { HasValue: true, Value: int count }:
                    return count;
                default:
                    return null;
            }
        }

        /// <summary>
        /// A single loop over a grid of tiles: its index is split into coordinates with both / and %
        /// ("i = call / tiles, j = call % tiles"), one launch per (i, j) as in a nest of two loops.
        /// </summary>
        public static bool IsFlattened(IOperation loop)
        {
            if (IsPairSelector(loop)) return true;
            var counters = loop switch
            {
                ILoopOperation any => any.Locals,
                _ => default,
            };
            if (counters.IsDefaultOrEmpty) return false;
            bool divided = false, remainder = false;
            foreach (var op in ((ILoopOperation)loop).Body.Descendants())
            {
                if (!(op is IBinaryOperation binary) || !(binary.LeftOperand.WithoutConversions() is ILocalReferenceOperation local) || !counters.Contains(local.Local, SymbolEqualityComparer.Default)) continue;
                divided |= binary.OperatorKind == BinaryOperatorKind.Divide;
                remainder |= binary.OperatorKind == BinaryOperatorKind.Remainder;
                if (divided && remainder) return true;
            }
            return false;
        }

        /// <summary>
        /// The result selector of SelectMany ("from i in rows from j in columns select ..."): one lambda run once per
        /// pair, a grid of two loops flattened into one.
        /// </summary>
        private static bool IsPairSelector(IOperation loop)
        {
            if (!(loop is IAnonymousFunctionOperation lambda) || lambda.Symbol.Parameters.Length != 2) return false;
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation) parent = parent.Parent;
            return parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "SelectMany" } call } argument
                && call.TargetMethod.ContainingType?.Name == "Enumerable" && ReferenceEquals(call.Arguments[call.Arguments.Length - 1], argument);
        }

        /// <summary>
        /// A sync of each sub-buffer of one plan: the loop walks a collection (foreach, or an index into it) whose
        /// elements this method made as sub-buffers ("plan.Add(new Bo(parent, size, offset))", a Select that makes
        /// them, or an array filled with them). Syncing the parent once moves the same bytes in one transfer.
        /// </summary>
        public static bool SubBuffersOfOnePlan(NpuTypes types, MethodIndex index, IOperation buffer, IOperation loop)
        {
            if (!(LoopFixes.VariableSymbol(WalkedCollection(buffer, loop)) is { } symbol)) return false;
            bool IsSubBuffer(IOperation? value)
            {
                value = value?.WithoutConversions();
                if (value is ILocalReferenceOperation local && index.Declarator(local.Local)?.Initializer is { } initializer) value = initializer.Value.WithoutConversions();
                return value is IObjectCreationOperation creation && types.Classify(creation) == NpuCallKind.BufferAllocation
                    && creation.Arguments.Length > 0 && types.IsBo(creation.Arguments[0].Value.Type);
            }
            if (index.Declarator(symbol)?.Initializer is { } made && made.Value.DescendantsAndSelf().Any(IsSubBuffer)) return true;
            if (index.ElementStores(symbol).Any(s => s is ISimpleAssignmentOperation assignment && IsSubBuffer(assignment.Value))) return true;
            return index.References(symbol).Any(r => r.Parent is IInvocationOperation { TargetMethod.Name: "Add" } add && ReferenceEquals(add.Instance, r)
                && add.Arguments.Any(a => IsSubBuffer(a.Value)));
        }

        /// <summary>
        /// The collection whose elements the loop walks, when the buffer is one of them: the foreach variable over it, or
        /// an element of it ("slices[t]", "plan[t]"); else null.
        /// </summary>
        public static IOperation? WalkedCollection(IOperation buffer, IOperation loop)
        {
            IOperation? collection = buffer.WithoutConversions() switch
            {
                ILocalReferenceOperation local when loop is IForEachLoopOperation forEach && forEach.Locals.Contains(local.Local, SymbolEqualityComparer.Default) => forEach.Collection,
                IParameterReferenceOperation element when loop is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(element.Parameter.ContainingSymbol, lambda.Symbol)
                    => ElementSource(lambda),
                IArrayElementReferenceOperation element => element.ArrayReference,
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance,
                _ => null,
            };
            return collection?.WithoutConversions();
        }

        /// <summary>The collection a per-element lambda walks: the receiver of List.ForEach, or the first argument of Array.ForEach and LINQ.</summary>
        private static IOperation? ElementSource(IAnonymousFunctionOperation lambda)
        {
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation || parent is IConversionOperation) parent = parent.Parent;
            if (!(parent is IArgumentOperation { Parent: IInvocationOperation call } argument)) return null;
            if (call.Instance is not null) return call.Instance;
            return call.Arguments.Length > 1 && !ReferenceEquals(call.Arguments[0], argument) ? call.Arguments[0].Value : null;
        }

    }
}
