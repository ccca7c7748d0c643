using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What a method of another type opens on every call, and which of its parameters the opened thing depends on.</summary>
    internal sealed class OpenedSetup
    {
        public OpenedSetup(string what, HashSet<int> fixedParameters)
        {
            What = what;
            FixedParameters = fixedParameters;
        }

        /// <summary>"'Device.Open' in 'NpuSession'", for the message.</summary>
        public string What { get; }
        /// <summary>The parameters whose arguments must be the same on every call for the call to re-open the same thing.</summary>
        public HashSet<int> FixedParameters { get; }
    }

    /// <summary>
    /// The setup chain (Device.Open, RegisterXclbin, new HwContext, new Kernel) reached through constructors and
    /// methods of other types in the compilation: "new NpuSession(path)" in a request loop opens the device per
    /// request when the constructor does. A setup call counts when every call of the method runs it: in the body
    /// itself, not under a condition, a loop, a lambda or a "??=" cache. Followed a few calls deep through other
    /// constructors and methods; each method is judged once per compilation.
    /// </summary>
    internal sealed class SetupReach
    {
        private const int MaxDepth = 3;
        private readonly NpuTypes _types;
        private readonly ConcurrentDictionary<IMethodSymbol, OpenedSetup?> _known = new ConcurrentDictionary<IMethodSymbol, OpenedSetup?>(SymbolEqualityComparer.Default);

        public SetupReach(NpuTypes types) => _types = types;

        public OpenedSetup? OpenedBy(IMethodSymbol method) => OpenedBy(method.OriginalDefinition, 0);

        private OpenedSetup? OpenedBy(IMethodSymbol method, int depth)
        {
            if (_known.TryGetValue(method, out var known)) return known;
            if (depth > MaxDepth) return null;
            _known[method] = null; // a cycle opens nothing
            var result = Find(method, depth);
            _known[method] = result;
            return result;
        }

        private OpenedSetup? Find(IMethodSymbol method, int depth)
        {
            var body = Body(method);
            if (body is null) return null;
            foreach (var op in body.Descendants())
            {
                string? what = null;
                IMethodSymbol? inner = null;
                if (_types.Classify(op) == NpuCallKind.Setup) what = SetupName(op) + " in '" + method.ContainingType.Name + "'";
                else if (op is IObjectCreationOperation { Constructor: { } constructor } && IsCompilationCode(constructor)) inner = constructor;
                else if (op is IInvocationOperation call && IsCompilationCode(call.TargetMethod)) inner = call.TargetMethod;
                if (what is null && inner is not null && !SymbolEqualityComparer.Default.Equals(inner.OriginalDefinition, method)) what = OpenedBy(inner, depth + 1)?.What;
                if (what is null || !RunsOnEveryCall(op, body)) continue;
                var parameters = new HashSet<int>(op.DescendantsAndSelf().OfType<IParameterReferenceOperation>()
                    .Where(p => SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, method)).Select(p => p.Parameter.Ordinal));
                return new OpenedSetup(what, parameters);
            }
            return null;
        }

        private static bool RunsOnEveryCall(IOperation op, IOperation body)
        {
            for (var parent = op.Parent; parent is not null && !ReferenceEquals(parent, body); parent = parent.Parent)
            {
                if (parent is IConditionalOperation || parent is ISwitchOperation || parent is ILoopOperation || parent is IAnonymousFunctionOperation
                    || parent is ILocalFunctionOperation || parent is ICoalesceAssignmentOperation || parent is ICoalesceOperation
                    || parent is IConditionalAccessOperation || parent is ICatchClauseOperation)
                    return false;
            }
            return true;
        }

        private bool IsCompilationCode(IMethodSymbol method) =>
            SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _types.Compilation.Assembly) && !method.DeclaringSyntaxReferences.IsEmpty;

        private IOperation? Body(IMethodSymbol method)
        {
            var reference = method.DeclaringSyntaxReferences.FirstOrDefault();
            if (reference is null) return null;
            // Another type's body, bound once per compilation and cached above: the walk that needs it is
            // depth-bounded and starts only from a call inside a loop.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
            var model = _types.Compilation.GetSemanticModel(reference.SyntaxTree);
#pragma warning restore RS1030
            return model.GetOperation(reference.GetSyntax());
        }

        private static string SetupName(IOperation setup) => setup switch
        {
            IObjectCreationOperation creation => "'new " + creation.Type!.Name + "(...)'",
            IInvocationOperation invocation => "'" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "'",
            _ => setup.Syntax.ToString(),
        };
    }
}
