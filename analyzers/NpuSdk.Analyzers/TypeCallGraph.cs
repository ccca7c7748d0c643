using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The calls between the methods of one type: how many loops deep each method runs through its callers in the type
    /// (all loops, or only the loops that are not whole jobs), and what each method does through everything it calls
    /// (the compilation's <see cref="MethodSummaries"/>). Depths are worked out for every method at once over the
    /// strongly connected components of the callers graph, callers first: linear in the type's call sites, with no
    /// recursion however long a chain of helpers is.
    /// </summary>
    internal sealed class TypeCallGraph
    {
        private static readonly IEqualityComparer<IMethodSymbol> Comparer = SymbolEqualityComparer.Default;
        private static readonly CallSite[] NoCalls = new CallSite[0];
        private readonly Dictionary<IMethodSymbol, CallSite[]> _callsOf;
        private readonly MethodSummaries _summaries;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<LoopChain, int> _tileLoops = new Dictionary<LoopChain, int>();
        private Dictionary<IMethodSymbol, (int Depth, CallSite? Via)>? _callerDepths;
        private Dictionary<IMethodSymbol, (int Depth, CallSite? Via)>? _tileCallerDepths;

        public TypeCallGraph(CallSite[] sites, MethodSummaries summaries, CancellationToken cancellationToken)
        {
            _summaries = summaries;
            _cancellationToken = cancellationToken;
            _callsOf = sites.Where(s => s.Callee is not null && !s.CrossType)
                .GroupBy(s => s.Callee!, Comparer)
                .ToDictionary(g => g.Key, g => g.ToArray(), Comparer);
        }

        /// <summary>Decides whether a loop is a whole job; set once the loop facts exist.</summary>
        public Func<IOperation, bool> IsWholeJob { get; set; } = _ => false;

        /// <summary>The calls of a method of this type from this type (empty when none, or not a method of this type).</summary>
        public CallSite[] CallsOf(IMethodSymbol method) => _callsOf.TryGetValue(method.OriginalDefinition, out var calls) ? calls : NoCalls;

        /// <summary>What a call of a method of this compilation does, through everything it calls.</summary>
        public MethodSummary Summary(IMethodSymbol method) => _summaries.Of(method, _cancellationToken);

        /// <summary>
        /// How many loops deep the method runs through its callers in this type (the deepest call chain), and the call
        /// that leads there. Recursion counts as no extra depth.
        /// </summary>
        public (int Depth, CallSite? Via) CallerDepth(IMethodSymbol method) =>
            Lookup(_callerDepths ??= Depths(site => site.Loops.Length), method);

        /// <summary>Like <see cref="CallerDepth(IMethodSymbol)"/>, counting only the callers' loops that are not whole jobs.</summary>
        public int TileCallerDepth(IMethodSymbol method) => Lookup(_tileCallerDepths ??= Depths(TileLoops), method).Depth;

        /// <summary>The loops around a site that repeat it tile by tile: whole-job loops do not count. Worked out once per chain of loops.</summary>
        public int TileLoops(CallSite site) => TileLoops(site.Loops);

        public int TileLoops(LoopChain loops)
        {
            var unknown = new Stack<LoopChain>();
            for (var chain = loops; !chain.IsEmpty && !_tileLoops.ContainsKey(chain); chain = chain.Outer!) unknown.Push(chain);
            while (unknown.Count > 0)
            {
                var chain = unknown.Pop();
                int outer = chain.Outer!.IsEmpty ? 0 : _tileLoops[chain.Outer];
                _tileLoops[chain] = outer + (IsWholeJob(chain.Innermost) ? 0 : 1);
            }
            return loops.IsEmpty ? 0 : _tileLoops[loops];
        }

        private static (int Depth, CallSite? Via) Lookup(Dictionary<IMethodSymbol, (int, CallSite?)> depths, IMethodSymbol method) =>
            depths.TryGetValue(method.OriginalDefinition, out var known) ? known : (0, null);

        /// <summary>
        /// The deepest chain of callers of every method, the loops around each call counted by <paramref name="loopsAt"/>.
        /// Components come callers first, so a method's callers are settled before it; a call from inside its own
        /// component (recursion) adds its loops to the component's depth, never the component's depth to itself.
        /// </summary>
        private Dictionary<IMethodSymbol, (int, CallSite?)> Depths(Func<CallSite, int> loopsAt)
        {
            var depths = new Dictionary<IMethodSymbol, (int Depth, CallSite? Via)>(Comparer);
            var components = ComponentOrder.Of(_callsOf.Keys, m => CallsOf(m).Select(c => c.Owner.OriginalDefinition), Comparer, _cancellationToken);
            foreach (var component in components)
            {
                var members = new HashSet<IMethodSymbol>(component, Comparer);
                int outside = 0;
                foreach (var method in component)
                {
                    (int Depth, CallSite? Via) best = (0, null);
                    foreach (var call in CallsOf(method))
                    {
                        var caller = call.Owner.OriginalDefinition;
                        if (members.Contains(caller)) continue;
                        int depth = loopsAt(call) + (depths.TryGetValue(caller, out var known) ? known.Depth : 0);
                        if (depth > best.Depth) best = (depth, call);
                    }
                    depths[method] = best;
                    outside = Math.Max(outside, best.Depth);
                }
                if (component.Count == 1 && !CallsOf(component[0]).Any(c => members.Contains(c.Owner.OriginalDefinition))) continue;
                foreach (var method in component)
                {
                    foreach (var call in CallsOf(method))
                    {
                        if (!members.Contains(call.Owner.OriginalDefinition)) continue;
                        int depth = loopsAt(call) + outside;
                        if (depth > depths[method].Depth) depths[method] = (depth, call);
                    }
                }
            }
            return depths;
        }
    }
}
