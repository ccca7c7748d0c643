using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>Small questions about an operation that every rule asks the same way.</summary>
    internal static class OperationExtensions
    {
        /// <summary>The operation under any implicit or explicit conversions ("(ulong)size", a span passed as a read-only span).</summary>
        public static IOperation WithoutConversions(this IOperation operation)
        {
            while (operation is IConversionOperation conversion) operation = conversion.Operand;
            return operation;
        }

        /// <summary>The innermost lambda the operation is in, within its method or local function; null when none.</summary>
        public static IAnonymousFunctionOperation? EnclosingLambda(this IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation lambda) return lambda;
                if (parent is ILocalFunctionOperation) return null;
            }
            return null;
        }
    }
}
