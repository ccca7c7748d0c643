using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// The calls between the methods of one type, and what each method does through them: how many loops deep it
    /// runs (all loops, or only the loops that are not whole jobs), whether it starts runs, waits, or returns a
    /// started run. Every answer is memoized per method and every walk bounded, so a type is judged in time
    /// linear in its call sites.
    /// </summary>
    internal sealed class TypeCallGraph
    {
        private const int MaxReturnDepth = 4;
        private static readonly CallSite[] NoCalls = new CallSite[0];
        private readonly Dictionary<IMethodSymbol, CallSite[]> _callsOf;
        private readonly Dictionary<IMethodSymbol, CallSite[]> _sitesIn;
        private readonly Dictionary<IMethodSymbol, (int, CallSite?)> _callerDepth = new Dictionary<IMethodSymbol, (int, CallSite?)>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, int> _tileCallerDepth = new Dictionary<IMethodSymbol, int>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, bool> _startsRuns = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, bool> _waits = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, bool> _returnsRun = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly Func<IOperation, MethodIndex> _indexOf;

        public TypeCallGraph(CallSite[] sites, Func<IOperation, MethodIndex> indexOf)
        {
            _indexOf = indexOf;
            _callsOf = sites.Where(s => s.Callee is not null && !s.CrossType)
                .GroupBy<CallSite, IMethodSymbol>(s => s.Callee!, SymbolEqualityComparer.Default)
                .ToDictionary<IGrouping<IMethodSymbol, CallSite>, IMethodSymbol, CallSite[]>(g => g.Key, g => g.ToArray(), SymbolEqualityComparer.Default);
            _sitesIn = sites.GroupBy<CallSite, IMethodSymbol>(s => s.Owner.OriginalDefinition, SymbolEqualityComparer.Default)
                .ToDictionary<IGrouping<IMethodSymbol, CallSite>, IMethodSymbol, CallSite[]>(g => g.Key, g => g.ToArray(), SymbolEqualityComparer.Default);
        }

        /// <summary>Decides whether a loop is a whole job; set once the loop facts exist.</summary>
        public Func<IOperation, bool> IsWholeJob { get; set; } = _ => false;

        /// <summary>The calls of a method of this type from this type (empty when none, or not a method of this type).</summary>
        public CallSite[] CallsOf(IMethodSymbol method) => _callsOf.TryGetValue(method.OriginalDefinition, out var calls) ? calls : NoCalls;

        public bool IsTypeMethod(IMethodSymbol method) => _sitesIn.ContainsKey(method.OriginalDefinition) || _callsOf.ContainsKey(method.OriginalDefinition);

        /// <summary>
        /// How many loops deep the method runs through its callers in this type (the deepest call chain), and the
        /// call that leads there. Recursion counts as no extra depth, never when unsure.
        /// </summary>
        public (int Depth, CallSite? Via) CallerDepth(IMethodSymbol method) => CallerDepth(method.OriginalDefinition, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        private (int Depth, CallSite? Via) CallerDepth(IMethodSymbol method, HashSet<IMethodSymbol> visiting)
        {
            if (_callerDepth.TryGetValue(method, out var known)) return known;
            if (!visiting.Add(method) || !_callsOf.TryGetValue(method, out var calls)) return (0, null);
            (int Depth, CallSite? Via) best = (0, null);
            foreach (var call in calls)
            {
                int depth = call.Loops.Length + CallerDepth(call.Owner.OriginalDefinition, visiting).Depth;
                if (depth > best.Depth) best = (depth, call);
            }
            visiting.Remove(method);
            _callerDepth[method] = best;
            return best;
        }

        /// <summary>The loops around a site that repeat it tile by tile: whole-job loops do not count.</summary>
        public int TileLoops(CallSite site) => site.Loops.Count(l => !IsWholeJob(l));

        /// <summary>Like <see cref="CallerDepth(IMethodSymbol)"/>, counting only the callers' loops that are not whole jobs.</summary>
        public int TileCallerDepth(IMethodSymbol method) => TileCallerDepth(method.OriginalDefinition, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        private int TileCallerDepth(IMethodSymbol method, HashSet<IMethodSymbol> visiting)
        {
            if (_tileCallerDepth.TryGetValue(method, out var known)) return known;
            if (!visiting.Add(method) || !_callsOf.TryGetValue(method, out var calls)) return 0;
            int best = 0;
            foreach (var call in calls) best = Math.Max(best, TileLoops(call) + TileCallerDepth(call.Owner.OriginalDefinition, visiting));
            visiting.Remove(method);
            _tileCallerDepth[method] = best;
            return best;
        }

        /// <summary>True when the method (or a same-type method it calls) launches; other user code is assumed not to.</summary>
        public bool StartsRuns(IMethodSymbol method) => Any(method.OriginalDefinition, _startsRuns, s => s.Kind == NpuCallKind.Launch, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        /// <summary>True when the method (or a same-type method it calls) waits for a run or a run list.</summary>
        public bool Waits(IMethodSymbol method) => Any(method.OriginalDefinition, _waits, s => s.Kind is NpuCallKind.RunWait or NpuCallKind.RunListWait, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        private bool Any(IMethodSymbol method, Dictionary<IMethodSymbol, bool> memo, Func<CallSite, bool> direct, HashSet<IMethodSymbol> visiting)
        {
            if (memo.TryGetValue(method, out var known)) return known;
            if (!visiting.Add(method) || !_sitesIn.TryGetValue(method, out var sites)) return false;
            bool result = sites.Any(s => direct(s) || (s.Callee is not null && !s.CrossType && Any(s.Callee.OriginalDefinition, memo, direct, visiting)));
            visiting.Remove(method);
            memo[method] = result;
            return result;
        }

        /// <summary>
        /// True when the method returns a run it started: "return kernel.Start(...)", a run local it starts or
        /// assigns from a launch and returns, or the result of another such method of this type (a few calls deep).
        /// </summary>
        public bool ReturnsStartedRun(IMethodSymbol method) => ReturnsStartedRun(method.OriginalDefinition, 0);

        private bool ReturnsStartedRun(IMethodSymbol method, int depth)
        {
            if (_returnsRun.TryGetValue(method, out var known)) return known;
            if (depth > MaxReturnDepth || !_sitesIn.TryGetValue(method, out var sites)) return false;
            _returnsRun[method] = false; // a cycle answers no
            bool result = sites.Any(s => s.Kind == NpuCallKind.Launch && ReturnsLaunched((IInvocationOperation)s.Operation)
                || (s.Callee is not null && !s.CrossType && Returned(s.Operation) && ReturnsStartedRun(s.Callee.OriginalDefinition, depth + 1)));
            _returnsRun[method] = result;
            return result;
        }

        private bool ReturnsLaunched(IInvocationOperation launch)
        {
            if (Returned(launch)) return true;
            IOperation? run = launch.TargetMethod.Name == "Start" && launch.Instance is not null && launch.TargetMethod.ContainingType.Name == "Run" ? launch.Instance : null;
            var local = run is ILocalReferenceOperation reference ? reference.Local
                : launch.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } ? declarator.Symbol : null;
            if (local is null) return false;
            return _indexOf(launch).References(local).Any(Returned);
        }

        private static bool Returned(IOperation value)
        {
            var parent = value.Parent;
            while (parent is IConversionOperation) parent = parent.Parent;
            return parent is IReturnOperation;
        }
    }
}
