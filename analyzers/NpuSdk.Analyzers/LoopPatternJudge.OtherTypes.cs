using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Calls from this type's loops into methods of the compilation, judged by what the called method does through
    /// everything it calls (its <see cref="MethodSummary"/>): a tile loop calling an executor object whose method syncs,
    /// launches and waits repeats that work per tile just as inline code would. Reported at the call, which is where the
    /// loop repeats it; the called method is fine on its own (called once per request, it would be right), so it is
    /// named in the message and its own call is the additional location.
    /// </summary>
    internal sealed partial class LoopPatternJudge
    {
        private IEnumerable<Diagnostic> JudgeCall(CallSite site)
        {
            var (callerDepth, via) = _graph.CallerDepth(site.Owner);
            if (site.Loops.Length + callerDepth == 0) yield break;
            var summary = _graph.Summary(site.Callee!);
            if (AllocationThrough(site, summary) is { } allocation) yield return allocation;
            if (!site.CrossType) yield break;
            if (SetupThrough(site, summary, via) is { } setup) yield return setup;
            if (!RepeatsPerTile(site, via)) yield break;
            if (WaitThrough(site, summary) is { } wait) yield return wait;
            if (SyncThrough(site, summary, via) is { } sync) yield return sync;
            if (LaunchThrough(site, summary) is { } launch) yield return launch;
        }

        /// <summary>
        /// NPU2003: a buffer the called method makes on every call and drops before it returns, or returns to this loop,
        /// which drops it too or keeps it one per tile (a buffer factory called for every tile of "Solution B").
        /// </summary>
        private Diagnostic? AllocationThrough(CallSite site, MethodSummary summary)
        {
            string? how = null;
            IOperation? made = null;
            if (site.CrossType && summary.DroppedAllocation is { } dropped)
            {
                (made, how) = (dropped, "");
            }
            else if (summary.ReturnedAllocation is { } returned)
            {
                if (site.CrossType && RepeatsWithoutBeingKept(site)) (made, how) = (returned, "");
                else if (_perTile.PerTileCollectionOf(site.Operation) is { } collection) (made, how) = (returned, ", one per tile kept in '" + collection.Name + "'");
            }
            if (made is null) return null;
            return Diagnostic.Create(NpuDiagnostics.BufferInLoop, site.Operation.Syntax.GetLocation(), new[] { made.Syntax.GetLocation() },
                "A buffer (made by " + NpuNames.Method(site.Callee!) + " on every call" + how + ")");
        }

        /// <summary>
        /// NPU2005: a constructor or method that opens a device, xclbin, context or kernel on every call (not under a
        /// condition or a cache), called with inputs that are the same on every iteration, its result not kept.
        /// </summary>
        private Diagnostic? SetupThrough(CallSite site, MethodSummary summary, CallSite? via)
        {
            if (!(summary.Setup is { } opened)) return null;
            var inputs = Arguments(site.Operation).Where(a => opened.FixedParameters.Contains(a.Parameter?.Ordinal ?? -1)).Select(a => a.Value).ToArray();
            if (LoopWithSameInputs(site, via, inputs) is null) return null;
            if (_lifetimes.Of(site.Operation, site.Owner).Lifetime == Lifetime.Beyond) return null;
            string name = site.Operation is IObjectCreationOperation ? "'new " + site.Callee!.ContainingType.Name + "(...)'" : NpuNames.Method(site.Callee!);
            return Diagnostic.Create(NpuDiagnostics.SetupInLoop, site.Operation.Syntax.GetLocation(), new[] { opened.Operation.Syntax.GetLocation() },
                name, $" (it runs {opened.What} each time)");
        }

        /// <summary>
        /// NPU2001: the called method starts runs and waits for them before it returns, or waits for the run this
        /// iteration started and passed to it (alone or in a record or tuple): launches complete one call at a time.
        /// </summary>
        private Diagnostic? WaitThrough(CallSite site, MethodSummary summary)
        {
            if (!summary.Waits || summary.Wait is null) return null;
            if (!site.Loops.IsEmpty && EnclosingLoops.IsParallel(site.Loops.Innermost)) return null;
            bool blocks = summary.LaunchesAndWaits
                || (!site.Loops.IsEmpty && summary.WaitedParameters.Any(p => Arguments(site.Operation)
                    .Any(a => a.Parameter?.Ordinal == p && StartsInIteration(a.Value, site.Loops.Innermost))));
            if (!blocks) return null;
            return Diagnostic.Create(NpuDiagnostics.WaitInLaunchLoop, site.Operation.Syntax.GetLocation(), new[] { summary.Wait.Syntax.GetLocation() },
                NpuNames.Method(site.Callee!).Trim('\''));
        }

        /// <summary>
        /// NPU2002: the called method syncs a buffer that is the same on every call (the object's own, or an argument the
        /// loop does not change), or the loop repeats it tile by tile (two loops deep, or launching in the same iteration).
        /// </summary>
        private Diagnostic? SyncThrough(CallSite site, MethodSummary summary, CallSite? via)
        {
            if (!summary.Syncs) return null;
            var sync = ReceiverIsTheSame(site, via) ? summary.FixedSync : null;
            foreach (var pair in summary.ParameterSyncs)
            {
                if (sync is not null) break;
                var argument = Arguments(site.Operation).FirstOrDefault(a => a.Parameter?.Ordinal == pair.Key);
                if (argument is not null && LoopWithSameInputs(site, via, new[] { argument.Value }) is not null) sync = pair.Value;
            }
            if (sync is null && (TileDepth(site) >= 2 || (!site.Loops.IsEmpty && StartsSomething(site.Loops.Innermost))))
                sync = summary.FixedSync ?? summary.ParameterSyncs.Values.FirstOrDefault();
            if (!(sync is IInvocationOperation call) || call.Instance is null) return null;
            int direction = LoopFixes.ConstantDirection(call);
            return Diagnostic.Create(NpuDiagnostics.SyncInLoop, site.Operation.Syntax.GetLocation(), new[] { call.Syntax.GetLocation() },
                call.Instance.Syntax.ToString(), SyncArguments(call), SyncWhere(direction) + "; " + NpuNames.Method(site.Callee!) + " syncs it on every call");
        }

        /// <summary>NPU2004: the called method launches, and the loops around the call (and inside the method) walk tiles.</summary>
        private Diagnostic? LaunchThrough(CallSite site, MethodSummary summary)
        {
            if (!summary.Launches || summary.Launch is null) return null;
            int depth = TileDepth(site) + summary.LaunchLoops;
            string? where = depth >= 2 ? depth + " loops deep" : null;
            if (where is null && depth == 1 && site.Loops.FirstOrDefault(l => !_wholeJobs.IsWholeJob(l)) is { } loop) where = SingleTileLoop(loop);
            if (where is null) return null;
            return Diagnostic.Create(NpuDiagnostics.LaunchInTileLoop, site.Operation.Syntax.GetLocation(), new[] { summary.Launch.Syntax.GetLocation() },
                NpuNames.Method(site.Callee!).Trim('\''), where);
        }

        /// <summary>
        /// The loops around the call repeat the same work tile by tile: not a whole job, and either the same object (an
        /// executor, a runner) called again and again, or loops that walk tiles (two deep, a flattened grid, thousands
        /// of iterations). A single loop over different objects, each doing its own job (the stages of a pipeline, the
        /// groups of a recorded sequence), is not a tile loop.
        /// </summary>
        private bool RepeatsPerTile(CallSite site, CallSite? via)
        {
            int depth = TileDepth(site);
            if (depth == 0 || (!site.Loops.IsEmpty && _wholeJobs.IsWholeJob(site.Loops.Innermost))) return false;
            if (depth >= 2 || ReceiverIsTheSame(site, via)) return true;
            var loop = site.Loops.FirstOrDefault(l => !_wholeJobs.IsWholeJob(l));
            return loop is not null && SingleTileLoop(loop) is not null;
        }

        /// <summary>The object the method is called on is the same on every iteration (so are its own buffers).</summary>
        private bool ReceiverIsTheSame(CallSite site, CallSite? via)
        {
            var receiver = site.Operation switch
            {
                IInvocationOperation call => call.Instance,
                IPropertyReferenceOperation property => property.Instance,
                IMethodReferenceOperation group => group.Instance,
                _ => null,
            };
            if (site.Operation is IObjectCreationOperation) return false;
            return receiver is null || receiver is IInstanceReferenceOperation || LoopWithSameInputs(site, via, new[] { receiver }) is not null;
        }
    }
}
