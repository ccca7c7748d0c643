using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Whether an expression has the same value on every iteration of a loop (or per-element lambda), as far as can be told: then a
    /// device, xclbin, context or kernel opened from it is the same one re-opened, not the next of several.
    /// Unlike the hoisting check, a local declared in the loop counts when its one initializer is itself
    /// the same every iteration (the uuid from re-registering the same xclbin, say).
    /// </summary>
    internal static class LoopInvariance
    {
        private const int MaxDepth = 8;

        public static bool SameEveryIteration(NpuTypes types, MethodIndex index, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed) =>
            Same(types, index, value, loop, parameterIsFixed, 0);

        private static bool Same(NpuTypes types, MethodIndex index, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed, int depth)
        {
            if (depth > MaxDepth) return false;
            bool Inner(IOperation operation) => Same(types, index, operation, loop, parameterIsFixed, depth + 1);
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
                    return declarator?.Initializer is not null && Inner(declarator.Initializer.Value);
                case IFieldReferenceOperation field:
                    return field.Instance is null || Inner(field.Instance);
                case IPropertyReferenceOperation property:
                    // config["xclbin"] is the same entry unless the loop stores into that indexer.
                    return (property.Instance is null || Inner(property.Instance)) && property.Arguments.All(a => Inner(a.Value))
                        && (property.Arguments.IsEmpty || !StoresInto(index, property.Instance!, loop));
                case IInterpolatedStringOperation interpolated:
                    return interpolated.Parts.OfType<IInterpolationOperation>().All(part => Inner(part.Expression));
                case IInvocationOperation pure when IsPureLibraryCall(pure.TargetMethod):
                    // Path.Combine(dir, "matmul.xclbin"), name.ToUpperInvariant(): a function of its inputs.
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
                case IInvocationOperation call when types.Classify(call) == NpuCallKind.Setup || IsGroupId(types, call):
                    return (call.Instance is null || Inner(call.Instance)) && call.Arguments.All(a => Inner(a.Value));
                case IObjectCreationOperation creation when types.Classify(creation) == NpuCallKind.Setup:
                    return creation.Arguments.All(a => Inner(a.Value));
                default:
                    return value.ConstantValue.HasValue;
            }
        }

        /// <summary>Library methods whose result depends only on their inputs: string, Path, Math and Convert.</summary>
        private static bool IsPureLibraryCall(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null || type.ContainingNamespace?.ToDisplayString() is not ("System" or "System.IO")) return false;
            return type.Name is "String" or "Path" or "Math" or "Convert" || (method.Name == "ToString" && type.IsValueType);
        }

        private static bool IsGroupId(NpuTypes types, IInvocationOperation call) =>
            call.TargetMethod.Name == "GroupId" && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, types.Kernel);

        private static bool StoresInto(MethodIndex index, IOperation array, IOperation loop)
        {
            var symbol = LoopFixes.VariableSymbol(array);
            return symbol is null || index.ElementStores(symbol).Any(store => MethodIndex.Contains(loop, store));
        }
    }
}
