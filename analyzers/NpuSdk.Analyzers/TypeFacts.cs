using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>An SDK call or a call into this compilation, with the method that holds it and the loops around it there.</summary>
    internal sealed class CallSite
    {
        public CallSite(IOperation operation, NpuCallKind kind, IMethodSymbol owner, LoopChain loops, IMethodSymbol? callee, bool crossType = false)
        {
            CrossType = crossType;
            Operation = operation;
            Kind = kind;
            Owner = owner;
            Loops = loops;
            Callee = callee;
        }

        public IOperation Operation { get; }
        public NpuCallKind Kind { get; }
        public IMethodSymbol Owner { get; }
        /// <summary>The loops and per-element lambdas around the operation in its method, innermost first.</summary>
        public LoopChain Loops { get; }
        /// <summary>For a call to a method or local function of the same type (or, when <see cref="CrossType"/>, of another type of the compilation): that method.</summary>
        public IMethodSymbol? Callee { get; }
        /// <summary>A call to a constructor or method of another type of this compilation.</summary>
        public bool CrossType { get; }
    }

    /// <summary>Everything one type's code blocks told the analyzer; filled concurrently, one walk per block.</summary>
    internal sealed class TypeFacts
    {
        private readonly NpuTypes _types;
        private readonly INamedTypeSymbol _type;

        public TypeFacts(NpuTypes types, INamedTypeSymbol type)
        {
            _types = types;
            _type = type;
        }

        public ConcurrentBag<CallSite> Sites { get; } = new ConcurrentBag<CallSite>();

        /// <summary>Records the sites of one code block (a method body, an accessor, an expression-bodied property).</summary>
        public void AddBlock(IOperation block, ISymbol owningSymbol, CancellationToken cancellationToken)
        {
            var owner = owningSymbol switch
            {
                IMethodSymbol method => method,
                // An expression-bodied property's operations belong to the property: its getter runs them.
                IPropertySymbol property => property.GetMethod,
                _ => null,
            };
            if (owner is null) return;
            OperationWalk.Walk(block, owner, Add, cancellationToken);
        }

        private void Add(IOperation operation, WalkContext context)
        {
            if (context.InUnknownLambda || context.Owner is null) return;
            if (!(operation is IInvocationOperation || operation is IObjectCreationOperation || operation is IPropertyReferenceOperation
                || operation is IMethodReferenceOperation))
                return;
            var owner = context.Owner;
            var loops = context.Loops;
            // "tiles.ForEach(LaunchTile)": the method group runs once per element, like a lambda would.
            if (EnclosingLoops.IsElementMethodGroup(operation)) loops = loops.Push(operation.Parent!);
            var kind = _types.Classify(operation);
            IMethodSymbol? callee = null;
            if (kind == NpuCallKind.None)
            {
                // A same-type property read runs its getter: a getter that opens a kernel opens one per read.
                var target = operation switch
                {
                    IInvocationOperation call => call.TargetMethod.OriginalDefinition,
                    IObjectCreationOperation { Constructor: { } constructor } => constructor.OriginalDefinition,
                    IPropertyReferenceOperation { Property: { GetMethod: { } getter } } property when !IsAssigned(property) => getter.OriginalDefinition,
                    IMethodReferenceOperation group when EnclosingLoops.IsElementMethodGroup(group) => group.Method.OriginalDefinition,
                    _ => null,
                };
                if (target is null || !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _types.Compilation.Assembly)) return;
                if (!SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _type.OriginalDefinition))
                {
                    // Another type's constructor or method: followed through what it does (MethodSummaries).
                    Sites.Add(new CallSite(operation, kind, owner, loops, target, crossType: true));
                    return;
                }
                if (target.DeclaringSyntaxReferences.IsEmpty) return;
                callee = target;
            }
            Sites.Add(new CallSite(operation, kind, owner, loops, callee));
        }

        private static bool IsAssigned(IPropertyReferenceOperation property) =>
            property.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, property);
    }
}
