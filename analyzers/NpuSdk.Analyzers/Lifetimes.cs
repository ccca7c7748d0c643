using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>How long a new buffer, device, context or kernel is kept.</summary>
    internal enum Lifetime
    {
        /// <summary>Dropped when the iteration (or the call) that made it ends.</summary>
        Iteration,
        /// <summary>Kept by a local (or a local collection) of one call: it dies with that call.</summary>
        Call,
        /// <summary>Returned to callers not followed here (a method summarized for calls from other types): they decide.</summary>
        Returned,
        /// <summary>Kept by a field, a property, a static, a caller, or something this analysis cannot follow: a plan or a cache.</summary>
        Beyond,
    }

    /// <summary>
    /// Where a created value goes, following it through any store: a local (and every use of that local), a tuple,
    /// an argument of a constructor (a record or struct that holds it), a collection or object initializer, an
    /// Add-like call on a collection, an array or indexer element, a field or property, a return or yield return
    /// (then to each call of the method, including collecting LINQ operators such as ToArray), with a depth bound.
    /// </summary>
    internal sealed class Lifetimes
    {
        private const int MaxDepth = 6;
        private readonly NpuTypes _types;
        private readonly Func<IOperation, MethodIndex> _indexOf;
        private readonly Func<IMethodSymbol, CallSite[]>? _callsOf;

        /// <summary>With <paramref name="callsOf"/> a returned value lives as its callers keep it; without, it is <see cref="Lifetime.Returned"/>.</summary>
        public Lifetimes(NpuTypes types, Func<IOperation, MethodIndex> indexOf, Func<IMethodSymbol, CallSite[]>? callsOf)
        {
            _types = types;
            _indexOf = indexOf;
            _callsOf = callsOf;
        }

        /// <summary>The lifetime of the value, and for <see cref="Lifetime.Call"/> the method whose call keeps it.</summary>
        public (Lifetime Lifetime, IMethodSymbol? Holder) Of(IOperation value, IMethodSymbol owner) => Of(value, owner, 0);

        private (Lifetime, IMethodSymbol?) Of(IOperation value, IMethodSymbol owner, int depth)
        {
            if (depth > MaxDepth) return (Lifetime.Beyond, null);
            var child = value;
            var parent = value.Parent;
            while (parent is IConversionOperation || parent is IParenthesizedOperation
                || (parent is IConditionalOperation ternary && !ReferenceEquals(ternary.Condition, child))
                || (parent is ICoalesceOperation coalesce && ReferenceEquals(coalesce.WhenNull, child))
                || parent is IArrayInitializerOperation || parent is IArrayCreationOperation
                // "kind switch { Small => new Bo(...), ... }": each arm's value is the switch's value.
                || (parent is ISwitchExpressionArmOperation arm && ReferenceEquals(arm.Value, child))
                || (parent is ISwitchExpressionOperation switchExpression && !ReferenceEquals(switchExpression.Value, child)))
            {
                child = parent;
                parent = parent.Parent;
            }
            switch (parent)
            {
                // A composite that holds the value: follow the composite.
                case ITupleOperation tuple:
                    return Of(tuple, owner, depth + 1);
                case IArgumentOperation { Parent: IObjectCreationOperation holder } when holder.Constructor is not null && !IsSdk(holder.Constructor):
                    return Of(holder, owner, depth + 1);
                case IAnonymousObjectCreationOperation anonymous:
                    return Of(anonymous, owner, depth + 1);
                case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } } member
                    when ReferenceEquals(member.Value, child) && InitializedObject(member) is { } initialized:
                    return Of(initialized, owner, depth + 1);
                case IArgumentOperation { Parent: IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } added }
                    when InitializedObject(added) is { } collection:
                    return Of(collection, owner, depth + 1);

                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return OfLocal(declarator.Symbol, owner, declarator, value, depth);
                case IDeconstructionAssignmentOperation deconstruction when ReferenceEquals(deconstruction.Value, child):
                    return OfDeconstruction(deconstruction.Target, owner, value, depth);
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, child):
                    return OfTarget(assignment.Target, owner, value, depth);
                case ICoalesceAssignmentOperation cache when ReferenceEquals(cache.Value, child):
                    return OfTarget(cache.Target, owner, value, depth);
                case IArgumentOperation { Parent: IInvocationOperation call } argument:
                    return OfArgument(call, argument, owner, depth);
                case IReturnOperation returned:
                    // A lambda's result goes to the library call that runs it (Select, ToDictionary): collected.
                    if (returned.EnclosingLambda() is not null) return (Lifetime.Beyond, null);
                    return OfCalls(owner, depth);
                case IInvalidOperation _:
                    // Code that does not bind (an unknown member beside it, a half-typed line): where the value goes
                    // cannot be followed, so it is not called a per-iteration allocation.
                    return (Lifetime.Beyond, null);
                default:
                    return (Lifetime.Iteration, null);
            }
        }

        private (Lifetime, IMethodSymbol?) OfArgument(IInvocationOperation call, IArgumentOperation argument, IMethodSymbol owner, int depth)
        {
            var method = call.TargetMethod;
            if (argument.Parameter?.RefKind is RefKind.Out or RefKind.Ref) return OfTarget(argument.Value, owner, argument.Value, depth);
            // "Plan().ToArray()", "Enumerable.ToList(tiles)": the elements are collected into the result.
            if (method.ContainingType?.Name == "Enumerable" && method.Name.StartsWith("To", StringComparison.Ordinal))
                return Of(call, owner, depth + 1);
            if (!IsStoreMethod(method.Name)) return (Lifetime.Iteration, null);
            var collection = call.Instance ?? (method.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            return collection is null ? (Lifetime.Beyond, null) : OfHolder(collection, owner, depth);
        }

        /// <summary>
        /// "var (input, output) = Pair(...)": the parts go to the variables of the pattern; the value lives as long as the
        /// longest-kept of them (which part is which is not followed).
        /// </summary>
        private (Lifetime, IMethodSymbol?) OfDeconstruction(IOperation pattern, IMethodSymbol owner, IOperation value, int depth)
        {
            (Lifetime, IMethodSymbol?) result = (Lifetime.Iteration, null);
            foreach (var part in pattern.DescendantsAndSelf())
            {
                if (part is ITupleOperation || part is IDeclarationExpressionOperation || part is IConversionOperation) continue;
                result = Max(result, OfTarget(part, owner, value, depth + 1));
                if (result.Item1 == Lifetime.Beyond) break;
            }
            return result;
        }

        /// <summary>A store into a variable, a member or an element: as long as the variable or the holder lives.</summary>
        private (Lifetime, IMethodSymbol?) OfTarget(IOperation target, IMethodSymbol owner, IOperation value, int depth)
        {
            switch (target)
            {
                case ILocalReferenceOperation local:
                    return OfLocal(local.Local, owner, local, value, depth);
                case IArrayElementReferenceOperation element:
                    return OfHolder(element.ArrayReference, owner, depth);
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance is not null:
                    return OfHolder(indexer.Instance, owner, depth);
                case IDiscardOperation _:
                    return (Lifetime.Iteration, null);
                default:
                    // A field, a property, a static, a ref or out parameter: outlives the call.
                    return (Lifetime.Beyond, null);
            }
        }

        /// <summary>A collection or array that holds the value: a local one lives as long as that local.</summary>
        private (Lifetime, IMethodSymbol?) OfHolder(IOperation holder, IMethodSymbol owner, int depth)
        {
            while (holder is IConversionOperation conversion) holder = conversion.Operand;
            return holder is ILocalReferenceOperation local ? Max((Lifetime.Call, owner), OfLocal(local.Local, owner, local, null, depth)) : (Lifetime.Beyond, null);
        }

        /// <summary>
        /// A local keeps the value for the call when it is declared outside the loop that made the value; any use of
        /// the local that keeps it longer (stored, added, returned) counts.
        /// </summary>
        private (Lifetime, IMethodSymbol?) OfLocal(ILocalSymbol local, IMethodSymbol owner, IOperation site, IOperation? value, int depth)
        {
            var index = _indexOf(site);
            (Lifetime, IMethodSymbol?) result = (Lifetime.Iteration, null);
            var declarator = index.Declarator(local);
            if (value is not null && declarator is not null && Loop(value) is { } loop && !MethodIndex.Contains(loop, declarator))
                result = (Lifetime.Call, owner);
            foreach (var reference in index.References(local))
            {
                if (IsWriteTarget(reference)) continue;
                result = Max(result, Of(reference, owner, depth + 1));
                if (result.Item1 == Lifetime.Beyond) break;
            }
            return result;
        }

        /// <summary>Returned: kept as long as the callers keep it (each call of the method in this type); no caller known means kept.</summary>
        private (Lifetime, IMethodSymbol?) OfCalls(IMethodSymbol owner, int depth)
        {
            if (_callsOf is null) return (Lifetime.Returned, null);
            // A helper's value repeats as its callers do: the caller that keeps it least decides.
            (Lifetime, IMethodSymbol?)? least = null;
            foreach (var call in _callsOf(owner))
            {
                var kept = Of(call.Operation, call.Owner, depth + 1);
                if (least is null || kept.Item1 < least.Value.Item1) least = kept;
            }
            return least ?? (Lifetime.Beyond, null);
        }

        private static (Lifetime, IMethodSymbol?) Max((Lifetime, IMethodSymbol?) a, (Lifetime, IMethodSymbol?) b) => b.Item1 > a.Item1 ? b : a;

        private static IOperation? Loop(IOperation operation) => EnclosingLoops.Innermost(operation);

        private bool IsSdk(IMethodSymbol method) => SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _types.Bo.ContainingAssembly);

        private static bool IsStoreMethod(string name) =>
            name is "Add" or "Enqueue" or "Push" or "Insert" or "TryAdd" or "AddOrUpdate" or "GetOrAdd" or "Set" or "AddRange" or "Append" or "Prepend";

        private static bool IsWriteTarget(IOperation reference) =>
            (reference.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, reference))
            || reference.Parent is IDeclarationExpressionOperation;

        /// <summary>The object or collection an initializer belongs to ("new Plan { Input = bo }", "new List&lt;Bo&gt; { bo }").</summary>
        private static IOperation? InitializedObject(IOperation initializerPart)
        {
            for (var parent = initializerPart.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IObjectOrCollectionInitializerOperation) continue;
                if (parent is IMemberInitializerOperation) continue;
                return parent is IObjectCreationOperation || parent is IAnonymousObjectCreationOperation ? parent : null;
            }
            return null;
        }
    }
}
