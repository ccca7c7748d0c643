using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Decides, with semantic information, whether a loop diagnostic has a safe mechanical fix and which loop
    /// the fix moves code across. The code-fix assembly then only edits syntax: the chosen loop travels as
    /// the diagnostic's first additional location, the details in its properties.
    /// </summary>
    internal static class LoopFixes
    {
        /// <summary>Property naming the fix ("Hoist", "WaitAfterLoop").</summary>
        public const string FixKey = "NpuFix";
        /// <summary>Property with the sync direction ("ToDevice" or "FromDevice").</summary>
        public const string DirectionKey = "NpuDirection";
        /// <summary>NPU2006: property with what the sync is called on ("b", or "t.Buffer" for a tensor).</summary>
        public const string BufferKey = "NpuBuffer";
        /// <summary>NPU2006: property with the variable itself ("b" or "t"), whose uses may need their own sync.</summary>
        public const string BufferVariableKey = "NpuBufferVariable";
        public const string Hoist = "Hoist";
        public const string WaitAfterLoop = "WaitAfterLoop";

        /// <summary>
        /// NPU2002: the outermost enclosing loop that a sync of a loop-invariant buffer can move out of. The
        /// loop must not launch or wait (a launch between per-tile syncs needs them, and a sync from the device
        /// must follow the wait for the run that wrote the tile), nor call user code that might launch, nor sync
        /// the same buffer the other way.
        /// </summary>
        public static ILoopOperation? SyncHoistTarget(MethodIndex index, IInvocationOperation sync, IEnumerable<ILoopOperation> loops, int direction)
        {
            if (!(sync.Parent is IExpressionStatementOperation statement) || !(statement.Parent is IBlockOperation)) return null;
            var buffer = VariableSymbol(sync.Instance);
            if (buffer is null) return null;
            ILoopOperation? target = null;
            foreach (var loop in loops)
            {
                if (!(loop.Parent is IBlockOperation) || DeclaredInside(buffer, loop)) break;
                var summary = index.Summary(loop);
                int directions = summary.SyncDirections(buffer);
                bool blocked = summary.Launches || summary.Waits || summary.CallsMayLaunch
                    || (directions & ~(direction == 0 ? 1 : 2)) != 0;
                if (blocked) break;
                target = loop;
            }
            return target;
        }

        /// <summary>
        /// NPU2003 and NPU2005: the outermost enclosing loop a "var x = new Bo(...)" (or Device.Open(), new Kernel(...),
        /// ...) declaration can be hoisted out of: the receiver and arguments read only values fixed outside that
        /// loop, the local is not reassigned or disposed in the method, and its name is free there.
        /// </summary>
        public static ILoopOperation? DeclarationHoistTarget(NpuTypes types, MethodIndex index, IOperation value, IEnumerable<ILoopOperation> loops)
        {
            if (!(value.Parent is IVariableInitializerOperation initializer)
                || !(initializer.Parent is IVariableDeclaratorOperation declarator)
                || !(declarator.Parent is IVariableDeclarationOperation declaration) || declaration.Declarators.Length != 1
                || !(declaration.Parent is IVariableDeclarationGroupOperation group) || group.Declarations.Length != 1)
                return null;
            var statement = group.Parent is IUsingDeclarationOperation usingDeclaration ? (IOperation)usingDeclaration : group;
            if (!(statement.Parent is IBlockOperation)) return null;
            var local = declarator.Symbol;
            if (index.DeclarationsNamed(local.Name) > 1 || index.Writes(local).Count > 0 || index.Disposes(local).Count > 0) return null;
            var inputs = value switch
            {
                IObjectCreationOperation creation => creation.Arguments.Select(a => a.Value),
                IInvocationOperation invocation => invocation.Arguments.Select(a => a.Value).Concat(invocation.Instance is null ? Enumerable.Empty<IOperation>() : new[] { invocation.Instance }),
                _ => null,
            };
            if (inputs is null) return null;
            ILoopOperation? hoistTarget = null;
            foreach (var loop in loops)
            {
                if (!(loop.Parent is IBlockOperation)) break;
                if (!inputs.All(input => IsInvariant(types, index, input, loop))) break;
                // Runs left in flight across iterations would share the one hoisted buffer.
                if (types.IsBo(local.Type) && index.Summary(loop).Launches && !index.Summary(loop).Waits) break;
                hoistTarget = loop;
            }
            return hoistTarget;
        }

        /// <summary>
        /// NPU2001: the loop after which the waits can move, when the fix keeps the program's meaning: the run is a
        /// fresh local of the loop body (not a using), its wait (optionally checked with ThrowIfNotCompleted) is
        /// the body's last statement, so nothing in the iteration reads its results, and no iteration touches a
        /// buffer that an earlier, still running, run may be using.
        /// </summary>
        public static ILoopOperation? WaitMoveTarget(NpuTypes types, MethodIndex index, IInvocationOperation wait, ILoopOperation innermost)
        {
            IOperation expression = wait;
            if (wait.Parent is IArgumentOperation { Parent: IInvocationOperation check } && check.TargetMethod.Name == "ThrowIfNotCompleted"
                && SymbolEqualityComparer.Default.Equals(check.TargetMethod.ContainingType?.ContainingNamespace, types.CommandState.ContainingNamespace))
                expression = check;
            if (!(expression.Parent is IExpressionStatementOperation statement) || !(statement.Parent is IBlockOperation body)) return null;
            if (!ReferenceEquals(body, innermost.Body) || !ReferenceEquals(body.Operations.Last(), statement)) return null;
            if (!(innermost.Parent is IBlockOperation)) return null;
            // With the waits moved out, the next iteration runs while earlier runs still read their buffers:
            // an iteration that writes, maps or syncs a buffer (or calls code that might) would race them.
            var summary = index.Summary(innermost);
            if (summary.CallsUserCode || summary.TouchesBuffers) return null;
            if (!(wait.Instance is ILocalReferenceOperation runReference)) return null;
            var declarator = index.Declarator(runReference.Local);
            if (declarator is null || declarator.Initializer is null || !MethodIndex.Contains(body, declarator)) return null;
            for (var parent = declarator.Parent; parent is not null && !ReferenceEquals(parent, body); parent = parent.Parent)
                if (parent is IUsingDeclarationOperation || parent is IUsingOperation) return null;
            return innermost;
        }

        /// <summary>The value of a Sync call's direction argument when it is a constant, else -1.</summary>
        public static int ConstantDirection(IInvocationOperation sync)
        {
            // By parameter, not position: named arguments may come in any order.
            var direction = sync.Arguments.FirstOrDefault(a => a.Parameter is not null && a.Parameter.Ordinal == 0);
            if (direction is null) return -1;
            var value = direction.Value.ConstantValue;
            return value.HasValue && value.Value is int constant ? constant : -1;
        }

        /// <summary>The local, parameter or field (of this instance, or static) an expression names, else null: the variables the rules can follow.</summary>
        public static ISymbol? VariableSymbol(IOperation? expression)
        {
            switch (expression)
            {
                case ILocalReferenceOperation local: return local.Local;
                case IParameterReferenceOperation parameter: return parameter.Parameter;
                case IFieldReferenceOperation field when field.Instance is null || field.Instance is IInstanceReferenceOperation: return field.Field;
                default: return null;
            }
        }

        /// <summary>True for a method written in the analyzed compilation (it might launch or sync).</summary>
        public static bool IsUserCode(NpuTypes types, IMethodSymbol method) =>
            method.MethodKind == MethodKind.LocalFunction
            || method.MethodKind == MethodKind.DelegateInvoke
            || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, types.Compilation.Assembly);

        private static bool DeclaredInside(ISymbol symbol, ILoopOperation loop) =>
            symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r => loop.Syntax.Span.Contains(r.Span));

        /// <summary>
        /// Reads only values fixed outside the loop: literals, parameters, locals declared before it and not written in
        /// it, members of those, Kernel.GroupId, and arithmetic on them. An explicit stack, however deep the expression.
        /// </summary>
        private static bool IsInvariant(NpuTypes types, MethodIndex index, IOperation value, ILoopOperation loop)
        {
            var pending = new Stack<IOperation>();
            pending.Push(value);
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                switch (operation)
                {
                    case ILiteralOperation _:
                    case IParameterReferenceOperation _:
                    case IInstanceReferenceOperation _:
                        continue;
                    case ILocalReferenceOperation local:
                        if (DeclaredInside(local.Local, loop) || index.WrittenInside(local.Local, loop)) return false;
                        continue;
                    case IFieldReferenceOperation field:
                        if (field.Instance is not null) pending.Push(field.Instance);
                        continue;
                    case IPropertyReferenceOperation property:
                        if (property.Arguments.Length != 0) return false;
                        if (property.Instance is not null) pending.Push(property.Instance);
                        continue;
                    case IConversionOperation conversion:
                        pending.Push(conversion.Operand);
                        continue;
                    case IBinaryOperation binary:
                        pending.Push(binary.LeftOperand);
                        pending.Push(binary.RightOperand);
                        continue;
                    case IUnaryOperation unary:
                        pending.Push(unary.Operand);
                        continue;
                    case IInvocationOperation call:
                        // Kernel.GroupId reads the xclbin's connectivity: the same answer on every iteration.
                        if (call.TargetMethod.Name != "GroupId" || !SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, types.Kernel)
                            || call.Instance is null)
                            return false;
                        pending.Push(call.Instance);
                        foreach (var argument in call.Arguments) pending.Push(argument.Value);
                        continue;
                    default:
                        if (!operation.ConstantValue.HasValue) return false;
                        continue;
                }
            }
            return true;
        }
    }
}
