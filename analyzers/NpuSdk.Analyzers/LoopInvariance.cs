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

        public static bool SameEveryIteration(NpuTypes types, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed) =>
            Same(types, value, loop, parameterIsFixed, 0);

        private static bool Same(NpuTypes types, IOperation value, IOperation loop, Func<IParameterSymbol, bool> parameterIsFixed, int depth)
        {
            if (depth > MaxDepth) return false;
            bool Inner(IOperation operation) => Same(types, operation, loop, parameterIsFixed, depth + 1);
            switch (value)
            {
                case ILiteralOperation _:
                case IInstanceReferenceOperation _:
                    return true;
                case IParameterReferenceOperation parameter:
                    // A per-element lambda's own parameter is the element: it changes by design.
                    return parameterIsFixed(parameter.Parameter) && !AssignedInside(parameter.Parameter, loop)
                        && !(loop is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol));
                case ILocalReferenceOperation local:
                    if (AssignedInside(local.Local, loop)) return false;
                    if (!local.Local.DeclaringSyntaxReferences.Any(r => loop.Syntax.Span.Contains(r.Span))) return true;
                    var declarator = loop.Descendants().OfType<IVariableDeclaratorOperation>()
                        .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local));
                    // A foreach or for variable changes by design; a declared local is judged by its initializer.
                    return declarator?.Initializer is not null && Inner(declarator.Initializer.Value);
                case IFieldReferenceOperation field:
                    return field.Instance is null || Inner(field.Instance);
                case IPropertyReferenceOperation property:
                    return property.Arguments.IsEmpty && (property.Instance is null || Inner(property.Instance));
                case IConversionOperation conversion:
                    return Inner(conversion.Operand);
                case IArrayElementReferenceOperation element:
                    // pool[0] is the same buffer unless the loop stores into the array.
                    return Inner(element.ArrayReference) && element.Indices.All(Inner) && !StoresInto(element.ArrayReference, loop);
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

        private static bool IsGroupId(NpuTypes types, IInvocationOperation call) =>
            call.TargetMethod.Name == "GroupId" && SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, types.Kernel);

        private static bool StoresInto(IOperation array, IOperation loop)
        {
            var symbol = LoopFixes.VariableSymbol(array);
            return symbol is null || loop.Descendants().Any(op => op is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation target }
                && SymbolEqualityComparer.Default.Equals(LoopFixes.VariableSymbol(target.ArrayReference), symbol));
        }

        private static bool AssignedInside(ISymbol symbol, IOperation loop) =>
            loop.Descendants().Any(op => op switch
            {
                ISimpleAssignmentOperation assignment => Names(assignment.Target, symbol),
                ICompoundAssignmentOperation compound => Names(compound.Target, symbol),
                IIncrementOrDecrementOperation increment => Names(increment.Target, symbol),
                _ => false,
            });

        private static bool Names(IOperation target, ISymbol symbol) => target switch
        {
            ILocalReferenceOperation local => SymbolEqualityComparer.Default.Equals(local.Local, symbol),
            IParameterReferenceOperation parameter => SymbolEqualityComparer.Default.Equals(parameter.Parameter, symbol),
            _ => false,
        };
    }
}
