using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Whether an expression has the same value on every iteration of a loop (or per-element lambda), as far as can be
    /// told: then a device, xclbin, context or kernel opened from it is the same one re-opened, not the next of several,
    /// and a buffer synced through it is the same buffer synced again. Unlike the hoisting check, a local declared in the
    /// loop counts when its one initializer is itself the same every iteration (the uuid from re-registering the same
    /// xclbin, say), and so does a cache entry looked up with the same key, directly or through a method of the
    /// compilation that returns a kept value (a field, a cache entry).
    /// </summary>
    internal sealed class LoopInvariance
    {
        private const int MaxDepth = 8;
        private readonly NpuTypes _types;
        private readonly Func<IMethodSymbol, MethodSummary> _summaryOf;

        public LoopInvariance(NpuTypes types, Func<IMethodSymbol, MethodSummary> summaryOf)
        {
            _types = types;
            _summaryOf = summaryOf;
        }

        public bool SameEveryIteration(MethodIndex index, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed) =>
            Same(index, value, loop, parameterIsFixed, 0);

        /// <summary>In a helper (no loop of its own) an input is fixed when it reads only constants, fields, fixed parameters and kept values of such.</summary>
        public bool FixedInHelper(IOperation input, Func<IParameterSymbol, bool> parameterIsFixed) =>
            input.DescendantsAndSelf().All(op => op switch
            {
                IParameterReferenceOperation parameter => parameterIsFixed(parameter.Parameter),
                ILocalReferenceOperation _ => false,
                IInvocationOperation call => ReturnsKept(call),
                _ => true,
            });

        private bool Same(MethodIndex index, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed, int depth)
        {
            if (depth > MaxDepth) return false;
            bool Inner(IOperation operation) => Same(index, operation, loop, parameterIsFixed, depth + 1);
            switch (value)
            {
                case ILiteralOperation _:
                case IInstanceReferenceOperation _:
                    return true;
                case IParameterReferenceOperation parameter:
                    // A per-element lambda's own parameter is the element: it changes by design.
                    return parameterIsFixed(parameter.Parameter) && !index.WrittenInside(parameter.Parameter, loop)
                        && !(loop is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol));
                case ILocalReferenceOperation local:
                    if (index.WrittenInside(local.Local, loop)) return false;
                    if (!local.Local.DeclaringSyntaxReferences.Any(r => loop.Syntax.Span.Contains(r.Span))) return true;
                    var declarator = index.Declarator(local.Local);
                    // A foreach or for variable changes by design; a declared local is judged by its initializer.
                    if (declarator?.Initializer is not null) return Inner(declarator.Initializer.Value);
                    return LookedUpWithSameKey(index, local.Local, Inner);
                case IFieldReferenceOperation field:
                    return field.Instance is null || Inner(field.Instance);
                case IPropertyReferenceOperation property:
                    // config["xclbin"] is the same entry unless the loop stores into that indexer.
                    return (property.Instance is null || Inner(property.Instance)) && property.Arguments.All(a => Inner(a.Value))
                        && (property.Arguments.IsEmpty || !StoresInto(index, property.Instance!, loop));
                case IInterpolatedStringOperation interpolated:
                    return interpolated.Parts.OfType<IInterpolationOperation>().All(part => Inner(part.Expression));
                case IInvocationOperation pure when IsPureLibraryCall(pure.TargetMethod) || ReturnsKept(pure):
                    // Path.Combine(dir, "matmul.xclbin"), name.ToUpperInvariant(), Weights(layer): a function of its inputs.
                    return (pure.Instance is null || Inner(pure.Instance)) && pure.Arguments.All(a => Inner(a.Value));
                case IConversionOperation conversion:
                    return Inner(conversion.Operand);
                case IArrayElementReferenceOperation element:
                    // pool[0] is the same buffer unless the loop stores into the array.
                    return Inner(element.ArrayReference) && element.Indices.All(Inner) && !StoresInto(index, element.ArrayReference, loop);
                case IBinaryOperation binary:
                    return Inner(binary.LeftOperand) && Inner(binary.RightOperand);
                case IUnaryOperation unary:
                    return Inner(unary.Operand);
                case IInvocationOperation call when _types.Classify(call) == NpuCallKind.Setup || IsGroupId(call):
                    return (call.Instance is null || Inner(call.Instance)) && call.Arguments.All(a => Inner(a.Value));
                case IObjectCreationOperation creation when _types.Classify(creation) == NpuCallKind.Setup:
                    return creation.Arguments.All(a => Inner(a.Value));
                default:
                    return value.ConstantValue.HasValue;
            }
        }

        /// <summary>"cache.TryGetValue(key, out var weights)" with the same cache and key: the same entry every iteration.</summary>
        private static bool LookedUpWithSameKey(MethodIndex index, ILocalSymbol local, Func<IOperation, bool> same)
        {
            bool found = false;
            foreach (var reference in index.References(local))
            {
                var use = reference.Parent is IDeclarationExpressionOperation declaration ? declaration : reference;
                if (!(use.Parent is IArgumentOperation { Parent: IInvocationOperation lookup } argument) || argument.Parameter?.RefKind != RefKind.Out) continue;
                if (!lookup.TargetMethod.Name.StartsWith("TryGet", StringComparison.Ordinal) || lookup.Instance is null || !same(lookup.Instance)) return false;
                if (!lookup.Arguments.Where(a => !ReferenceEquals(a, argument)).All(a => same(a.Value))) return false;
                found = true;
            }
            return found;
        }

        /// <summary>A method of this compilation that returns a kept value (a field, a cache entry): the same object for the same inputs.</summary>
        private bool ReturnsKept(IInvocationOperation call) =>
            LoopFixes.IsUserCode(_types, call.TargetMethod) && call.TargetMethod.MethodKind != MethodKind.DelegateInvoke && _summaryOf(call.TargetMethod).ReturnsKept;

        /// <summary>Library methods whose result depends only on their inputs: string, Path, Math and Convert.</summary>
        private static bool IsPureLibraryCall(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null || type.ContainingNamespace?.ToDisplayString() is not ("System" or "System.IO")) return false;
            return type.Name is "String" or "Path" or "Math" or "Convert" || (method.Name == "ToString" && type.IsValueType);
        }

        private bool IsGroupId(IInvocationOperation call) =>
            call.TargetMethod.Name == "GroupId" && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, _types.Kernel);

        private static bool StoresInto(MethodIndex index, IOperation array, IOperation loop)
        {
            var symbol = LoopFixes.VariableSymbol(array);
            return symbol is null || index.ElementStores(symbol).Any(store => MethodIndex.Contains(loop, store));
        }
    }
}
