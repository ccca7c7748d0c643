using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// What a call of each method of the compilation does, through everything it calls (any type, any depth), worked
    /// out once per method per compilation and shared by every type's judge. A method's facts come from one walk over
    /// its body; they are combined over the call graph's strongly connected components, callees first, so a chain of
    /// thousands of helpers costs one pass and no stack (a cycle is one component: recursion adds nothing). Calls to
    /// an interface or abstract member stand for the implementations the compilation has.
    /// </summary>
    internal sealed class MethodSummaries
    {
        private static readonly IEqualityComparer<IMethodSymbol> Comparer = SymbolEqualityComparer.Default;
        private readonly NpuTypes _types;
        private readonly TensorTypes _tensors;
        private readonly object _gate = new object();
        private readonly Dictionary<IMethodSymbol, MethodSummary> _summaries = new Dictionary<IMethodSymbol, MethodSummary>(Comparer);
        private readonly Dictionary<IMethodSymbol, MethodFacts?> _facts = new Dictionary<IMethodSymbol, MethodFacts?>(Comparer);
        private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> _implementations = new Dictionary<IMethodSymbol, List<IMethodSymbol>>(Comparer);

        // One instance per compilation, whichever analyzer asks first: the loop rules and the sync rule read the same
        // summaries, so each method body is bound and walked once per compilation, not once per analyzer.
        private static readonly ConditionalWeakTable<Compilation, MethodSummaries> s_byCompilation = new ConditionalWeakTable<Compilation, MethodSummaries>();

        private MethodSummaries(NpuTypes types, TensorTypes tensors)
        {
            _types = types;
            _tensors = tensors;
        }

        /// <summary>The compilation's summaries (<paramref name="types"/> resolved from it), made by the first analyzer that asks.</summary>
        public static MethodSummaries For(NpuTypes types, TensorTypes tensors) =>
            s_byCompilation.GetValue(types.Compilation, _ => new MethodSummaries(types, tensors));

        /// <summary>The summary of a method of the compilation (or of a local function); <see cref="MethodSummary.Unknown"/> for a delegate.</summary>
        public MethodSummary Of(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.MethodKind == MethodKind.DelegateInvoke) return MethodSummary.Unknown;
            method = method.OriginalDefinition;
            if (method.MethodKind != MethodKind.LocalFunction && !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _types.Compilation.Assembly))
                return MethodSummary.Nothing;
            lock (_gate)
            {
                if (_summaries.TryGetValue(method, out var known)) return known;
                var components = ComponentOrder.Of(new[] { method }, m => _summaries.ContainsKey(m) ? Enumerable.Empty<IMethodSymbol>() : Callees(m, cancellationToken),
                    Comparer, cancellationToken);
                foreach (var component in components) Combine(component);
                return _summaries[method];
            }
        }

        private IEnumerable<IMethodSymbol> Callees(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var facts = FactsOf(method, cancellationToken);
            return facts is null ? ImplementationsOf(method, cancellationToken) : facts.Calls.Select(c => c.Callee);
        }

        /// <summary>Each member of a component gets its own facts and its calls out of the component; what any member reaches, all reach.</summary>
        private void Combine(List<IMethodSymbol> component)
        {
            var members = new HashSet<IMethodSymbol>(component, Comparer);
            var built = component.Select(m => Build(m, members)).ToList();
            if (built.Count > 1)
            {
                var shared = new MethodSummary { LaunchLoops = built.Max(s => s.LaunchLoops) };
                foreach (var summary in built) shared.AddReach(summary);
                foreach (var summary in built)
                {
                    summary.AddReach(shared);
                    summary.LaunchLoops = shared.LaunchLoops;
                }
            }
            for (int i = 0; i < component.Count; i++) _summaries[component[i]] = built[i];
        }

        private MethodSummary Build(IMethodSymbol method, HashSet<IMethodSymbol> component)
        {
            var facts = _facts[method];
            if (facts is null)
            {
                var implementations = _implementations.TryGetValue(method, out var found) ? found : new List<IMethodSymbol>();
                if (implementations.Count == 0) return method.IsAbstract || method.ContainingType.TypeKind == TypeKind.Interface ? MethodSummary.Unknown : MethodSummary.Nothing;
                return Merge(implementations.Select(i => component.Contains(i) ? MethodSummary.Nothing : _summaries[i]).ToList());
            }
            var summary = facts.Own.Clone();
            foreach (var call in facts.Calls)
            {
                if (component.Contains(call.Callee)) continue;
                Add(summary, method, call, _summaries[call.Callee]);
            }
            foreach (var returned in facts.ReturnedCalls)
            {
                bool outside = !component.Contains(returned.Callee);
                summary.ReturnsStartedRun |= outside && _summaries[returned.Callee].ReturnsStartedRun;
                summary.ReturnsKept &= outside && _summaries[returned.Callee].ReturnsKept;
            }
            return summary;
        }

        /// <summary>What one call adds to its caller, through the arguments it passes and what the caller does with its result.</summary>
        private static void Add(MethodSummary caller, IMethodSymbol callerMethod, CallEdge call, MethodSummary callee)
        {
            caller.AddReach(callee);
            if (callee.Launches) caller.LaunchLoops = System.Math.Max(caller.LaunchLoops, call.Loops + callee.LaunchLoops);
            caller.FixedSync ??= callee.FixedSync;
            foreach (var pair in callee.ParameterSyncs)
            {
                var (origin, parameter) = call.Argument(pair.Key);
                if (origin == ArgumentOrigin.Fixed) caller.FixedSync ??= pair.Value;
                else if (origin == ArgumentOrigin.Parameter && !caller.ParameterSyncs.ContainsKey(parameter))
                    caller.ParameterSyncs = caller.ParameterSyncs.Add(parameter, pair.Value);
            }
            caller.WaitedParameters = caller.WaitedParameters.Union(CallerParameters(call, callee.WaitedParameters));
            caller.WrittenSpans = caller.WrittenSpans.Union(CallerParameters(call, callee.WrittenSpans));
            caller.ReadSpans = caller.ReadSpans.Union(CallerParameters(call, callee.ReadSpans));
            caller.UnknownSpans = caller.UnknownSpans.Union(CallerParameters(call, callee.UnknownSpans));
            if (callee.ReturnedAllocation is { } returned)
            {
                if (call.ResultLifetime <= Lifetime.Call) caller.DroppedAllocation ??= returned;
                else if (call.ResultLifetime == Lifetime.Returned) caller.ReturnedAllocation ??= returned;
            }
            if (caller.Setup is null && call.EveryCall && callee.Setup is { } setup)
                caller.Setup = new OpenedSetup(setup.What, setup.Operation, ParametersPassedTo(callerMethod, call, setup.FixedParameters));
        }

        /// <summary>The caller's parameters passed straight on as the given parameters of the callee.</summary>
        private static IEnumerable<int> CallerParameters(CallEdge call, ImmutableHashSet<int> calleeParameters)
        {
            foreach (var ordinal in calleeParameters)
            {
                var (origin, parameter) = call.Argument(ordinal);
                if (origin == ArgumentOrigin.Parameter) yield return parameter;
            }
        }

        /// <summary>The caller's parameters that the arguments for the callee's fixed parameters read.</summary>
        private static HashSet<int> ParametersPassedTo(IMethodSymbol caller, CallEdge call, HashSet<int> calleeParameters)
        {
            var arguments = call.Operation switch
            {
                IInvocationOperation invocation => invocation.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                IPropertyReferenceOperation property => property.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            return new HashSet<int>(arguments.Where(a => a.Parameter is not null && calleeParameters.Contains(a.Parameter.Ordinal))
                .SelectMany(a => a.Value.DescendantsAndSelf().OfType<IParameterReferenceOperation>())
                .Where(p => SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, caller))
                .Select(p => p.Parameter.Ordinal));
        }

        /// <summary>A call through an interface or abstract member may run any implementation: what any of them does.</summary>
        private static MethodSummary Merge(List<MethodSummary> implementations)
        {
            var merged = new MethodSummary { ReturnsKept = true, ReturnsStartedRun = true };
            foreach (var summary in implementations)
            {
                merged.AddReach(summary);
                merged.LaunchLoops = System.Math.Max(merged.LaunchLoops, summary.LaunchLoops);
                merged.FixedSync ??= summary.FixedSync;
                merged.ReturnedAllocation ??= summary.ReturnedAllocation;
                foreach (var pair in summary.ParameterSyncs)
                    if (!merged.ParameterSyncs.ContainsKey(pair.Key)) merged.ParameterSyncs = merged.ParameterSyncs.Add(pair.Key, pair.Value);
                merged.WaitedParameters = merged.WaitedParameters.Union(summary.WaitedParameters);
                merged.WrittenSpans = merged.WrittenSpans.Union(summary.WrittenSpans);
                merged.ReadSpans = merged.ReadSpans.Union(summary.ReadSpans);
                merged.UnknownSpans = merged.UnknownSpans.Union(summary.UnknownSpans);
                merged.ReturnsKept &= summary.ReturnsKept;
                merged.ReturnsStartedRun &= summary.ReturnsStartedRun;
                merged.CarriesFieldState |= summary.CarriesFieldState;
                merged.CarriedParameters = merged.CarriedParameters.Union(summary.CarriedParameters);
            }
            return merged;
        }

        private MethodFacts? FactsOf(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (_facts.TryGetValue(method, out var known)) return known;
            var body = Body(method, cancellationToken);
            var facts = body is null ? null : MethodFacts.Of(_types, _tensors, method, body, cancellationToken);
            _facts[method] = facts;
            return facts;
        }

        private IOperation? Body(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var symbol = method.PartialImplementationPart ?? method;
            var reference = symbol.DeclaringSyntaxReferences.FirstOrDefault();
            if (reference is null) return null;
            var syntax = reference.GetSyntax(cancellationToken);
            // Another method's body, bound once per compilation and summarized once: its analysis is needed to judge
            // a call to it in a loop, wherever that loop is.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() method within a diagnostic analyzer
            var model = _types.Compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            var operation = model.GetOperation(syntax, cancellationToken);
            return operation is IMethodBodyBaseOperation || operation is IBlockOperation || operation is ILocalFunctionOperation ? operation : null;
        }

        /// <summary>The methods of the compilation that implement (or override) an interface or abstract member with no body of its own.</summary>
        private List<IMethodSymbol> ImplementationsOf(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (_implementations.TryGetValue(method, out var known)) return known;
            var found = new List<IMethodSymbol>();
            if (method.IsAbstract || method.ContainingType.TypeKind == TypeKind.Interface)
            {
                foreach (var candidate in _types.Compilation.GetSymbolsWithName(method.Name, SymbolFilter.Member, cancellationToken).OfType<IMethodSymbol>())
                {
                    if (candidate.IsAbstract || Comparer.Equals(candidate, method)) continue;
                    bool implements = method.ContainingType.TypeKind == TypeKind.Interface
                        ? SymbolEqualityComparer.Default.Equals(candidate.ContainingType.FindImplementationForInterfaceMember(method)?.OriginalDefinition, candidate.OriginalDefinition)
                        : Overrides(candidate, method);
                    if (implements) found.Add(candidate.OriginalDefinition);
                }
            }
            _implementations[method] = found;
            return found;
        }

        private static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
        {
            for (var overridden = candidate.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                if (Comparer.Equals(overridden.OriginalDefinition, method)) return true;
            return false;
        }
    }
}
