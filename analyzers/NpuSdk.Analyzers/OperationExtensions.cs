using System.Collections.Generic;
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

        /// <summary>
        /// What a call is passed, argument by argument, with the elements of an array written in the call one by one
        /// ("kernel.Start(3UL, instr, n, input, output)" passes each operand through its params array).
        /// </summary>
        public static IEnumerable<IOperation> ArgumentValues(this IInvocationOperation call)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.Value.WithoutConversions() is IArrayCreationOperation { Initializer: { } array })
                    foreach (var element in array.ElementValues) yield return element;
                else
                    yield return argument.Value;
            }
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
