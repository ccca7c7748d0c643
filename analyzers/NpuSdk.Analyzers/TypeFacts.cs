using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>An SDK call or a same-type call, with the method that holds it and the loops around it there.</summary>
    internal sealed class CallSite
    {
        public CallSite(IOperation operation, NpuCallKind kind, IMethodSymbol owner, ImmutableArray<IOperation> loops, IMethodSymbol? callee, bool crossType = false)
        {
            CrossType = crossType;
            Operation = operation;
            Kind = kind;
            Owner = owner;
            Loops = loops;
            StatementLoops = EnclosingLoops.Statements(loops);
            Callee = callee;
        }

        public IOperation Operation { get; }
        public NpuCallKind Kind { get; }
        public IMethodSymbol Owner { get; }
        /// <summary>The loops and per-element lambdas around the operation in its method, innermost first.</summary>
        public ImmutableArray<IOperation> Loops { get; }
        /// <summary>The statement loops inside the innermost per-element lambda: the ones a fix can move code out of.</summary>
        public ImmutableArray<ILoopOperation> StatementLoops { get; }
        /// <summary>For a call to a method or local function of the same type (or, when <see cref="CrossType"/>, of another type of the compilation): that method.</summary>
        public IMethodSymbol? Callee { get; }
        /// <summary>A call in a loop to a constructor or method of another type of this compilation.</summary>
        public bool CrossType { get; }
    }

    /// <summary>Everything one type's operations told the analyzer; filled concurrently.</summary>
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

        public void Add(IOperation operation, ISymbol containingSymbol)
        {
            if (EnclosingLoops.IsInLambda(operation)) return;
            var owner = EnclosingLoops.Owner(operation, containingSymbol);
            if (owner is null) return;
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
                if (target is null || target.DeclaringSyntaxReferences.IsEmpty) return;
                if (!SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _type.OriginalDefinition))
                {
                    // Another type's constructor or method, followed only from a loop (for the setup chain it may open).
                    var loops = EnclosingLoops.Of(operation);
                    if (!loops.IsEmpty && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _types.Compilation.Assembly))
                        Sites.Add(new CallSite(operation, kind, owner, loops, target, crossType: true));
                    return;
                }
                callee = target;
            }
            Sites.Add(new CallSite(operation, kind, owner, EnclosingLoops.Of(operation), callee));
        }

        private static bool IsAssigned(IPropertyReferenceOperation property) =>
            property.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, property);
    }
}
