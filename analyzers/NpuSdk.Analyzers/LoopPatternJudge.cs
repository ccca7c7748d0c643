using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>Turns one type's gathered call sites into NPU2001-NPU2005 diagnostics.</summary>
    internal sealed class LoopPatternJudge
    {
        /// <summary>A single loop with at least this many iterations (known at compile time) launches per tile.</summary>
        private const int ManyIterations = 1024;
        private readonly NpuTypes _types;
        private readonly CallSite[] _sites;
        private readonly TypeCallGraph _graph;
        private readonly WholeJobLoops _wholeJobs;
        private readonly Lifetimes _lifetimes;
        private readonly SetupReach _setupReach;
        private readonly Dictionary<IOperation, MethodIndex> _indexes = new Dictionary<IOperation, MethodIndex>();
        private readonly Dictionary<IOperation, string?> _singleTileLoops = new Dictionary<IOperation, string?>();

        public LoopPatternJudge(NpuTypes types, TypeFacts facts, SetupReach setupReach)
        {
            _types = types;
            _setupReach = setupReach;
            // A stable order, so diagnostics come out the same on every build.
            _sites = facts.Sites.OrderBy(s => s.Operation.Syntax.SpanStart).ToArray();
            _graph = new TypeCallGraph(_sites, IndexOf);
            _wholeJobs = new WholeJobLoops(types, IndexOf, _graph.StartsRuns, _graph.Waits);
            _graph.IsWholeJob = _wholeJobs.IsWholeJob;
            _lifetimes = new Lifetimes(types, IndexOf, _graph.CallsOf);
        }

        public void Report(Action<Diagnostic> report)
        {
            foreach (var site in _sites)
            {
                var diagnostic = site.Callee is null ? Judge(site) : JudgeOtherTypeSetup(site);
                if (diagnostic is not null) report(diagnostic);
            }
        }

        private Diagnostic? Judge(CallSite site)
        {
            var (callerDepth, via) = _graph.CallerDepth(site.Owner);
            if (site.Loops.Length + callerDepth == 0) return null;
            switch (site.Kind)
            {
                case NpuCallKind.RunWait:
                    return TileDepth(site) == 0 ? null : JudgeWait((IInvocationOperation)site.Operation, site);
                case NpuCallKind.Sync:
                    return JudgeSync((IInvocationOperation)site.Operation, site, via);
                case NpuCallKind.Launch:
                    return JudgeLaunch((IInvocationOperation)site.Operation, site);
                case NpuCallKind.BufferAllocation when RepeatsWithoutBeingKept(site):
                    return JudgeAllocation((IObjectCreationOperation)site.Operation, site);
                case NpuCallKind.Setup when RepeatsWithoutBeingKept(site):
                    return JudgeSetup(site, via);
                default:
                    return null;
            }
        }

        private int TileDepth(CallSite site) => _graph.TileLoops(site) + _graph.TileCallerDepth(site.Owner);

        /// <summary>
        /// Dropped at the end of its iteration (in a loop, or in a helper a loop calls), or kept only by a local of
        /// a call that itself repeats in a loop (a per-call plan); kept longer it is a plan or a cache.
        /// </summary>
        private bool RepeatsWithoutBeingKept(CallSite site)
        {
            var (lifetime, holder) = _lifetimes.Of(site.Operation, site.Owner);
            return lifetime switch
            {
                Lifetime.Iteration => true,
                Lifetime.Call => holder is not null && _graph.CallerDepth(holder).Depth > 0,
                _ => false,
            };
        }

        /// <summary>
        /// A wait counts when the loop iteration that runs it also starts the very run it waits for, in the same
        /// method or in the loop that passes the run to this helper. Loops that only wait (polling a run until it
        /// completes, or waiting for runs started earlier) are part of the wait; a loop whose iterations are whole
        /// jobs needs its wait; the iterations of a Parallel.For overlap anyway.
        /// </summary>
        private Diagnostic? JudgeWait(IInvocationOperation wait, CallSite site)
        {
            if (!site.Loops.IsEmpty && EnclosingLoops.IsParallel(site.Loops[0])) return null;
            var launching = site.Loops.FirstOrDefault(StartsSomething);
            if (launching is not null)
            {
                if (_wholeJobs.IsWholeJob(launching) || !StartsInIteration(wait.Instance, launching)) return null;
            }
            else if (!StartsInIteration(wait.Instance, Root(wait)) && !StartedByCallingLoop(wait.Instance, site.Owner))
            {
                return null;
            }
            var text = wait.Syntax.ToString();
            bool movable = launching is not null && ReferenceEquals(launching, site.Loops[0]) && !site.StatementLoops.IsEmpty && ReferenceEquals(site.StatementLoops[0], site.Loops[0]);
            var target = movable ? LoopFixes.WaitMoveTarget(_types, IndexOf(wait), wait, site.StatementLoops[0]) : null;
            return Create(NpuDiagnostics.WaitInLaunchLoop, wait, target, LoopFixes.WaitAfterLoop, null, text);
        }

        private bool StartsSomething(IOperation loop)
        {
            var summary = IndexOf(loop).Summary(loop);
            return summary.Launches || summary.UserCalls.Any(_graph.StartsRuns);
        }

        /// <summary>
        /// A helper waiting for its run parameter, or for a run field, called from a loop (not a whole job) whose
        /// iteration starts the run it passes (or stores in that field).
        /// </summary>
        private bool StartedByCallingLoop(IOperation? run, IMethodSymbol helper)
        {
            while (run is IConversionOperation conversion) run = conversion.Operand;
            var calls = _graph.CallsOf(helper).Where(c => !c.Loops.IsEmpty && !_wholeJobs.IsWholeJob(c.Loops[0])).ToList();
            if (run is null || calls.Count == 0) return false;
            if (run is IFieldReferenceOperation field && LoopFixes.VariableSymbol(field) is not null)
                return calls.Any(call => StartsInIteration(field, call.Loops[0]));
            if (!(run is IParameterReferenceOperation parameter)) return false;
            return calls.Any(call => call.Operation is IInvocationOperation invocation
                && invocation.Arguments.Any(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Parameter.Ordinal
                    && StartsInIteration(a.Value, call.Loops[0])));
        }

        /// <summary>
        /// True when the run is launched in the iteration: "kernel.Start(...).Wait()", a run variable that the
        /// iteration starts ("run.Start()") or assigns from "kernel.Start(...)", or from a helper of this type that
        /// returns a run it started.
        /// </summary>
        private bool StartsInIteration(IOperation? run, IOperation iteration)
        {
            while (run is IConversionOperation conversion) run = conversion.Operand;
            if (run is null) return false;
            if (IsLaunch(run)) return true;
            var index = IndexOf(iteration);
            var symbol = LoopFixes.VariableSymbol(run);
            if (symbol is not null)
            {
                if (index.LaunchesOn(symbol).Any(l => MethodIndex.Contains(iteration, l))) return true;
                if (index.Declarator(symbol) is { Initializer: { } initializer } declarator && MethodIndex.Contains(iteration, declarator) && IsLaunch(initializer.Value)) return true;
                return index.Writes(symbol).Any(w => MethodIndex.Contains(iteration, w) && w is ISimpleAssignmentOperation assignment && IsLaunch(assignment.Value));
            }
            if (!(run is IArrayElementReferenceOperation wanted) || LoopFixes.VariableSymbol(wanted.ArrayReference) is not { } array) return false;
            return index.LaunchesOn(array).Any(l => MethodIndex.Contains(iteration, l) && SameElement(((IInvocationOperation)l).Instance, wanted))
                || index.ElementStores(array).Any(w => MethodIndex.Contains(iteration, w) && w is ISimpleAssignmentOperation assignment
                    && SameElement(assignment.Target, wanted) && IsLaunch(assignment.Value));
        }

        /// <summary>The same element of the same array (runs[t] and runs[t], not runs[t - 2]).</summary>
        private static bool SameElement(IOperation? candidate, IArrayElementReferenceOperation wanted)
        {
            if (!(candidate is IArrayElementReferenceOperation element) || element.Indices.Length != wanted.Indices.Length) return false;
            for (int i = 0; i < wanted.Indices.Length; i++)
            {
                var index = LoopFixes.VariableSymbol(wanted.Indices[i]);
                if (index is null || !SymbolEqualityComparer.Default.Equals(LoopFixes.VariableSymbol(element.Indices[i]), index)) return false;
            }
            return true;
        }

        private bool IsLaunch(IOperation value)
        {
            while (value is IConversionOperation conversion) value = conversion.Operand;
            return value is IInvocationOperation call
                && (_types.Classify(call) == NpuCallKind.Launch || (_graph.IsTypeMethod(call.TargetMethod) && _graph.ReturnsStartedRun(call.TargetMethod)));
        }

        /// <summary>
        /// NPU2004: two or more loops deep (through callers too), or a single loop that launches per tile: thousands of
        /// iterations known at compile time, or one loop over a flattened tile grid (its index split with / and %).
        /// Whole-job loops do not count.
        /// </summary>
        private Diagnostic? JudgeLaunch(IInvocationOperation launch, CallSite site)
        {
            int depth = TileDepth(site);
            string? where = depth >= 2 ? depth + " loops deep" : null;
            if (where is null && depth == 1 && site.Loops.FirstOrDefault(l => !_wholeJobs.IsWholeJob(l)) is { } loop) where = SingleTileLoop(loop);
            return where is null ? null : Diagnostic.Create(NpuDiagnostics.LaunchInTileLoop, launch.Syntax.GetLocation(), LaunchName(launch), where);
        }

        /// <summary>How a single loop walks tiles one launch at a time, or null; once per loop.</summary>
        private string? SingleTileLoop(IOperation loop)
        {
            if (_singleTileLoops.TryGetValue(loop, out var known)) return known;
            string? where = null;
            if (TileGrid.IsFlattened(loop)) where = "in one loop over a flattened tile grid";
            else if (TileGrid.Iterations(loop) is { } count && count >= ManyIterations) where = $"in a loop of {count} iterations";
            _singleTileLoops[loop] = where;
            return where;
        }

        /// <summary>
        /// Reported when the syncs are per tile: the same buffer synced on every iteration (a tile range at a
        /// time), a buffer the iteration allocates and drops, a buffer per tile synced next to its launch or again
        /// on every pass of an outer loop (the port's "waves" over a pool of buffers), or each sub-buffer of a plan
        /// synced on its own. A single loop over existing, different buffers (foreach weight buffer: sync it, once)
        /// needs one sync per buffer and is not reported; neither is a sync in an iteration that is a whole job.
        /// </summary>
        private Diagnostic? JudgeSync(IInvocationOperation sync, CallSite site, CallSite? via)
        {
            if (sync.Instance is null || TileDepth(site) == 0) return null;
            if (!site.Loops.IsEmpty && _wholeJobs.IsWholeJob(site.Loops[0])) return null;
            var index = IndexOf(sync);
            bool subBuffers = !site.Loops.IsEmpty && TileGrid.SubBuffersOfOnePlan(_types, index, sync.Instance, site.Loops[0]);
            bool perTile = TileDepth(site) >= 2
                || LoopWithSameInputs(site, via, new[] { sync.Instance }) is not null
                || (!site.Loops.IsEmpty && (DroppedInIteration(sync.Instance, site.Loops[0], site.Owner) || StartsSomething(site.Loops[0])))
                || subBuffers;
            if (!perTile) return null;
            int direction = LoopFixes.ConstantDirection(sync);
            string where = subBuffers ? "(their parent buffer) " : "";
            where += direction == 0 ? "after the loop that writes it (before the launch)"
                : direction == 1 ? "before the loop that reads it (after the launch)"
                : "outside the loop";
            var target = site.StatementLoops.IsEmpty || direction < 0 || subBuffers ? null : LoopFixes.SyncHoistTarget(index, sync, site.StatementLoops, direction, MayLaunch);
            var properties = direction < 0 ? null : new[] { new KeyValuePair<string, string?>(LoopFixes.DirectionKey, direction == 0 ? "ToDevice" : "FromDevice") };
            string arguments = string.Join(", ", sync.Arguments.Where(a => a.ArgumentKind == ArgumentKind.Explicit).Select(a => a.Syntax.ToString()));
            return Create(NpuDiagnostics.SyncInLoop, sync, target, LoopFixes.Hoist, properties, sync.Instance?.Syntax.ToString() ?? "buffer", arguments, where);
        }

        private Diagnostic JudgeAllocation(IObjectCreationOperation creation, CallSite site)
        {
            bool subBuffer = creation.Constructor!.Parameters.Length > 0 && _types.IsBo(creation.Constructor.Parameters[0].Type);
            string what = subBuffer ? "A sub-buffer" : "A buffer";
            if (creation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                what = (subBuffer ? "Sub-buffer" : "Buffer") + " '" + declarator.Symbol.Name + "'";
            var target = site.StatementLoops.IsEmpty ? null : LoopFixes.DeclarationHoistTarget(_types, IndexOf(creation), creation, site.StatementLoops);
            return Create(NpuDiagnostics.BufferInLoop, creation, target, LoopFixes.Hoist, null, what);
        }

        /// <summary>
        /// Reported only when the inputs are the same on every iteration, so the loop surely re-opens the same
        /// thing; opening device i, the xclbin at paths[i] or the kernel names[k] opens several, once each.
        /// </summary>
        private Diagnostic? JudgeSetup(CallSite site, CallSite? via)
        {
            via = LoopWithSameInputs(site, via, SetupInputs(site.Operation));
            if (via is null) return null;
            if (site.Loops.IsEmpty)
            {
                // Opened in a helper that a loop calls: the cache belongs in the caller; point at the call too.
                return Diagnostic.Create(NpuDiagnostics.SetupInLoop, site.Operation.Syntax.GetLocation(), new[] { via!.Operation.Syntax.GetLocation() },
                    SetupName(site.Operation), $" (it is called from a loop through '{(via.Callee!.AssociatedSymbol ?? via.Callee).Name}')");
            }
            var target = site.StatementLoops.IsEmpty ? null : LoopFixes.DeclarationHoistTarget(_types, IndexOf(site.Operation), site.Operation, site.StatementLoops);
            return Create(NpuDiagnostics.SetupInLoop, site.Operation, target, LoopFixes.Hoist, null, SetupName(site.Operation), "");
        }

        /// <summary>
        /// A call in a loop to a constructor or method of another type of the compilation that opens a device,
        /// xclbin, context or kernel on every call (with inputs fixed by this call's arguments): reported at the call.
        /// </summary>
        private Diagnostic? JudgeOtherTypeSetup(CallSite site)
        {
            if (!site.CrossType || site.Loops.IsEmpty) return null;
            if (!(_setupReach.OpenedBy(site.Callee!) is { } opened)) return null;
            var arguments = site.Operation switch
            {
                IInvocationOperation call => call.Arguments,
                IObjectCreationOperation creation => creation.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            var index = IndexOf(site.Operation);
            if (!arguments.Where(a => opened.FixedParameters.Contains(a.Parameter?.Ordinal ?? -1))
                .All(a => LoopInvariance.SameEveryIteration(_types, index, a.Value, site.Loops[0], _ => true)))
                return null;
            if (_lifetimes.Of(site.Operation, site.Owner).Lifetime == Lifetime.Beyond) return null;
            string name = site.Operation is IObjectCreationOperation ? "'new " + site.Callee!.ContainingType.Name + "(...)'" : "'" + site.Callee!.ContainingType.Name + "." + site.Callee.Name + "'";
            return Diagnostic.Create(NpuDiagnostics.SetupInLoop, site.Operation.Syntax.GetLocation(), name, $" (it runs {opened.What} each time)");
        }

        /// <summary>
        /// The call site whose loop repeats the site with the same inputs on every iteration: the site itself (its
        /// own loop), the deepest calling loop, or, when that one passes a different value each time, any other
        /// loop that calls the helper directly. Null when every loop changes the inputs.
        /// </summary>
        private CallSite? LoopWithSameInputs(CallSite site, CallSite? via, IOperation[] inputs)
        {
            if (SameEveryIteration(site, via, inputs)) return site.Loops.IsEmpty ? via : site;
            if (!site.Loops.IsEmpty) return null;
            return _graph.CallsOf(site.Owner).FirstOrDefault(c => !c.Loops.IsEmpty && SameEveryIteration(site, c, inputs));
        }

        /// <summary>
        /// Whether the inputs have the same value on every iteration of the loop that repeats the site: its own
        /// innermost loop, or, for a helper, the loop around the call (whose arguments fix the parameters).
        /// </summary>
        private bool SameEveryIteration(CallSite site, CallSite? via, IEnumerable<IOperation> inputs)
        {
            if (!site.Loops.IsEmpty)
            {
                var index = IndexOf(site.Operation);
                return inputs.All(i => LoopInvariance.SameEveryIteration(_types, index, i, site.Loops[0], _ => true));
            }
            if (via is null || via.Loops.IsEmpty) return true;
            // A method's (or an indexer's) arguments are judged at the call; a method group passed per element
            // gets the element, which changes.
            if (via.Operation is IMethodReferenceOperation) return inputs.All(i => IsFixedInHelper(i, _ => false));
            var arguments = via.Operation switch
            {
                IInvocationOperation call => call.Arguments,
                IPropertyReferenceOperation property => property.Arguments,
                _ => ImmutableArray<IArgumentOperation>.Empty,
            };
            var callerIndex = IndexOf(via.Operation);
            bool ParameterIsFixed(IParameterSymbol parameter) => arguments
                .Where(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Ordinal)
                .All(a => LoopInvariance.SameEveryIteration(_types, callerIndex, a.Value, via.Loops[0], _ => true));
            return inputs.All(i => IsFixedInHelper(i, ParameterIsFixed));
        }

        /// <summary>A buffer the iteration allocates and does not keep: a fresh buffer per tile.</summary>
        private bool DroppedInIteration(IOperation buffer, IOperation loop, IMethodSymbol owner)
        {
            if (!(buffer is ILocalReferenceOperation local) || !(IndexOf(buffer).Declarator(local.Local) is { } declarator)
                || !MethodIndex.Contains(loop, declarator)) return false;
            return declarator.Initializer?.Value is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation
                && _lifetimes.Of(creation, owner).Lifetime == Lifetime.Iteration;
        }

        /// <summary>In a helper (no loop of its own) an input is fixed when it reads only constants, fields and fixed parameters.</summary>
        private static bool IsFixedInHelper(IOperation input, Func<IParameterSymbol, bool> parameterIsFixed) =>
            input.DescendantsAndSelf().All(op => op switch
            {
                IParameterReferenceOperation parameter => parameterIsFixed(parameter.Parameter),
                ILocalReferenceOperation _ => false,
                IInvocationOperation _ => false,
                _ => true,
            });

        private static IOperation[] SetupInputs(IOperation setup) => setup switch
        {
            IObjectCreationOperation creation => creation.Arguments.Select(a => a.Value).ToArray(),
            IInvocationOperation call => call.Arguments.Select(a => a.Value).Concat(call.Instance is null ? Array.Empty<IOperation>() : new[] { call.Instance }).ToArray(),
            _ => Array.Empty<IOperation>(),
        };

        /// <summary>Whether a call in a loop might launch: same-type methods are known, other user code is assumed to.</summary>
        private bool MayLaunch(IMethodSymbol method) => !_graph.IsTypeMethod(method) || _graph.StartsRuns(method);

        private MethodIndex IndexOf(IOperation operation)
        {
            var root = Root(operation);
            if (!_indexes.TryGetValue(root, out var index)) _indexes[root] = index = new MethodIndex(_types, root);
            return index;
        }

        private static Diagnostic Create(DiagnosticDescriptor descriptor, IOperation operation, ILoopOperation? fixTarget, string fix,
            KeyValuePair<string, string?>[]? extra, params object[] arguments)
        {
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            if (extra is not null) properties.AddRange(extra);
            var additional = new List<Location>();
            if (fixTarget is not null)
            {
                properties[LoopFixes.FixKey] = fix;
                additional.Add(fixTarget.Syntax.GetLocation());
            }
            return Diagnostic.Create(descriptor, operation.Syntax.GetLocation(), additional, properties.ToImmutable(), arguments);
        }

        private static IOperation Root(IOperation operation)
        {
            var root = operation;
            while (root.Parent is not null) root = root.Parent;
            return root;
        }

        private static string LaunchName(IInvocationOperation launch) =>
            (launch.Instance?.Syntax.ToString() ?? launch.TargetMethod.ContainingType.Name) + "." + launch.TargetMethod.Name;

        private static string SetupName(IOperation setup) => setup switch
        {
            IObjectCreationOperation creation => "'new " + creation.Type!.Name + "(...)'",
            IInvocationOperation invocation => "'" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + "'",
            _ => setup.Syntax.ToString(),
        };
    }
}
