using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Turns one type's gathered call sites into NPU2001-NPU2005 diagnostics: the SDK calls of the type's methods, judged
    /// by the loops around them and around their same-type callers, and the type's calls into other types, judged by
    /// what the called method does (LoopPatternJudge.OtherTypes.cs).
    /// </summary>
    internal sealed partial class LoopPatternJudge
    {
        /// <summary>A single loop with at least this many iterations (known at compile time) launches per tile.</summary>
        private const int ManyIterations = 1024;
        private readonly NpuTypes _types;
        private readonly CallSite[] _sites;
        private readonly TypeCallGraph _graph;
        private readonly WholeJobLoops _wholeJobs;
        private readonly Lifetimes _lifetimes;
        private readonly LoopInvariance _invariance;
        private readonly PerTileBuffers _perTile;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<IOperation, MethodIndex> _indexes = new Dictionary<IOperation, MethodIndex>();
        private readonly Dictionary<IOperation, IOperation> _roots = new Dictionary<IOperation, IOperation>();
        private readonly Dictionary<IOperation, string?> _singleTileLoops = new Dictionary<IOperation, string?>();

        public LoopPatternJudge(NpuTypes types, TypeFacts facts, MethodSummaries summaries, CancellationToken cancellationToken)
        {
            _types = types;
            _cancellationToken = cancellationToken;
            // A stable order, so diagnostics come out the same on every build.
            _sites = facts.Sites.OrderBy(s => s.Operation.Syntax.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(s => s.Operation.Syntax.SpanStart).ToArray();
            _graph = new TypeCallGraph(_sites, summaries, cancellationToken);
            _wholeJobs = new WholeJobLoops(types, IndexOf, _graph.Summary);
            _graph.IsWholeJob = _wholeJobs.IsWholeJob;
            _lifetimes = new Lifetimes(types, IndexOf, _graph.CallsOf);
            _invariance = new LoopInvariance(types, _graph.Summary);
            _perTile = new PerTileBuffers(types, IndexOf, _graph.Summary, SingleTileLoop, _wholeJobs.IsWholeJob,
                () => _sites.Select(s => Root(s.Operation)).Distinct());
        }

        public void Report(Action<Diagnostic> report)
        {
            foreach (var site in _sites)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (site.Callee is null)
                {
                    if (Judge(site) is { } diagnostic) report(diagnostic);
                }
                else
                {
                    foreach (var diagnostic in JudgeCall(site)) report(diagnostic);
                }
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
                case NpuCallKind.BufferAllocation when _perTile.PerTileCollectionOf(site.Operation) is { } collection:
                    return Diagnostic.Create(NpuDiagnostics.BufferInLoop, site.Operation.Syntax.GetLocation(),
                        BufferName((IObjectCreationOperation)site.Operation) + " (one per tile, kept in '" + collection.Name + "')");
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
            if (!site.Loops.IsEmpty && EnclosingLoops.IsParallel(site.Loops.Innermost)) return null;
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
            var statement = site.Loops.IsEmpty ? null : site.Loops.InnermostStatement;
            bool movable = launching is not null && statement is not null && ReferenceEquals(launching, statement);
            var target = movable ? LoopFixes.WaitMoveTarget(_types, IndexOf(wait), wait, statement!) : null;
            return Create(NpuDiagnostics.WaitInLaunchLoop, wait, target, LoopFixes.WaitAfterLoop, null, text);
        }

        private bool StartsSomething(IOperation loop)
        {
            var summary = IndexOf(loop).Summary(loop);
            return summary.Launches || summary.CallsLaunching;
        }

        /// <summary>
        /// A helper waiting for its run parameter, or for a run field, called from a loop (not a whole job) whose
        /// iteration starts the run it passes (or stores in that field).
        /// </summary>
        private bool StartedByCallingLoop(IOperation? run, IMethodSymbol helper)
        {
            while (run is IConversionOperation conversion) run = conversion.Operand;
            var calls = _graph.CallsOf(helper).Where(c => !c.Loops.IsEmpty && !_wholeJobs.IsWholeJob(c.Loops.Innermost)).ToList();
            if (run is null || calls.Count == 0) return false;
            if (run is IFieldReferenceOperation field && LoopFixes.VariableSymbol(field) is not null)
                return calls.Any(call => StartsInIteration(field, call.Loops.Innermost));
            // The run itself, or a run handed over inside a record or a tuple (p.Run, p.Item1).
            if (!(HolderOf(run) is IParameterReferenceOperation parameter)) return false;
            return calls.Any(call => call.Operation is IInvocationOperation invocation
                && invocation.Arguments.Any(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Parameter.Ordinal
                    && StartsInIteration(a.Value, call.Loops.Innermost)));
        }

        /// <summary>The variable a run is reached through: the run itself, or the record or tuple holding it (p.Run, pending.Item1).</summary>
        private static IOperation HolderOf(IOperation run)
        {
            while (run is IPropertyReferenceOperation { Arguments.IsEmpty: true, Instance: { } holder } && !(holder is IInstanceReferenceOperation)
                || run is IFieldReferenceOperation { Instance: { } tuple } && !(tuple is IInstanceReferenceOperation))
                run = ((IMemberReferenceOperation)run).Instance!;
            while (run is IConversionOperation conversion) run = conversion.Operand;
            return run;
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
            if (HoldsStartedRun(run)) return true;
            var index = IndexOf(iteration);
            var symbol = LoopFixes.VariableSymbol(HolderOf(run));
            if (symbol is not null)
            {
                if (index.LaunchesOn(symbol).Any(l => MethodIndex.Contains(iteration, l))) return true;
                if (index.Declarator(symbol) is { Initializer: { } initializer } declarator && MethodIndex.Contains(iteration, declarator) && HoldsStartedRun(initializer.Value)) return true;
                // "var (run, output) = Launch(t)": a deconstruction of a tuple holding the run.
                return index.Writes(symbol).Any(w => MethodIndex.Contains(iteration, w)
                    && (w is ISimpleAssignmentOperation assignment && HoldsStartedRun(assignment.Value)
                        || w is IDeconstructionAssignmentOperation deconstruction && HoldsStartedRun(deconstruction.Value)));
            }
            if (!(run is IArrayElementReferenceOperation wanted) || LoopFixes.VariableSymbol(wanted.ArrayReference) is not { } array) return false;
            return index.LaunchesOn(array).Any(l => MethodIndex.Contains(iteration, l) && SameElement(((IInvocationOperation)l).Instance, wanted))
                || index.ElementStores(array).Any(w => MethodIndex.Contains(iteration, w) && w is ISimpleAssignmentOperation assignment
                    && SameElement(assignment.Target, wanted) && HoldsStartedRun(assignment.Value));
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

        /// <summary>
        /// A launch, a call of a method of the compilation that returns a run it started (alone or in a record or tuple),
        /// or a tuple or object made here around one.
        /// </summary>
        private bool HoldsStartedRun(IOperation value)
        {
            // "await StartAsync(t)" gives what the asynchronous helper returned.
            while (value is IConversionOperation || value is IAwaitOperation)
                value = value is IConversionOperation conversion ? conversion.Operand : ((IAwaitOperation)value).Operation;
            switch (value)
            {
                case IInvocationOperation call:
                    return _types.Classify(call) == NpuCallKind.Launch
                        || (IsCompilationMethod(call.TargetMethod) && _graph.Summary(call.TargetMethod).ReturnsStartedRun);
                case ITupleOperation tuple:
                    return tuple.Elements.Any(e => e.WithoutConversions() is IInvocationOperation part && HoldsStartedRun(part));
                case IObjectCreationOperation creation:
                    return _types.Classify(creation) == NpuCallKind.None
                        && creation.Arguments.Any(a => a.Value.WithoutConversions() is IInvocationOperation part && HoldsStartedRun(part));
                default:
                    return false;
            }
        }

        private bool IsCompilationMethod(IMethodSymbol method) =>
            LoopFixes.IsUserCode(_types, method) && method.MethodKind != MethodKind.DelegateInvoke;


        /// <summary>
        /// NPU2004: two or more loops deep (through callers too), or a single loop that launches per tile: thousands of
        /// iterations known at compile time, or one loop over a flattened tile grid (its index split with / and %).
        /// Whole-job loops do not count.
        /// </summary>
        private Diagnostic? JudgeLaunch(IInvocationOperation launch, CallSite site)
        {
            int depth = TileDepth(site);
            string? where = depth >= 2 ? depth + " loops deep" : null;
            if (where is null && depth == 1 && site.Loops.FirstOrDefault(l => !_wholeJobs.IsWholeJob(l)) is { } loop)
                where = SingleTileLoop(loop) ?? (BindsPerTileBuffer(launch, loop) ? "in a loop over a buffer per tile" : null);
            return where is null ? null : Diagnostic.Create(NpuDiagnostics.LaunchInTileLoop, launch.Syntax.GetLocation(), NpuNames.Launch(launch), where);
        }

        /// <summary>A launch that binds the buffer of this iteration's tile, from a collection holding a whole buffer per tile.</summary>
        private bool BindsPerTileBuffer(IInvocationOperation launch, IOperation loop) =>
            launch.ArgumentValues().Any(value => _perTile.WalksPerTileBuffers(value, loop));

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
        /// Reported when the syncs are per tile: the same buffer synced on every iteration (a tile range at a time), a
        /// buffer the iteration allocates and drops, a buffer per tile synced next to its launch or again on every pass
        /// of an outer loop (the port's "waves" over a pool of buffers), each sub-buffer of a plan synced on its own, or
        /// each of a list of whole buffers made one per tile. A loop over existing, different buffers that launches
        /// nothing (foreach weight buffer: sync it, once) needs one sync per buffer: it counts only when something
        /// around it repeats the same set of buffers per tile. A sync in an iteration that is a whole job, or of a buffer
        /// just made and kept (a cache filled on a miss), is not per tile.
        /// </summary>
        private Diagnostic? JudgeSync(IInvocationOperation sync, CallSite site, CallSite? via)
        {
            if (sync.Instance is null || TileDepth(site) == 0) return null;
            var loop = site.Loops.IsEmpty ? null : site.Loops.Innermost;
            if (loop is not null && _wholeJobs.IsWholeJob(loop)) return null;
            if (SyncedOncePerNewBuffer(sync, site.Owner)) return null;
            var index = IndexOf(sync);
            bool subBuffers = loop is not null && TileGrid.SubBuffersOfOnePlan(_types, index, sync.Instance, loop);
            bool perTileBuffers = loop is not null && !subBuffers && _perTile.WalksPerTileBuffers(sync.Instance, loop);
            bool perTile = subBuffers || perTileBuffers || (loop is not null && WalksDistinctBuffers(index, sync.Instance, loop)
                ? DistinctBuffersRepeat(index, sync.Instance, site, via)
                : TileDepth(site) >= 2
                    || LoopWithSameInputs(site, via, new[] { sync.Instance }) is not null
                    || (loop is not null && (DroppedInIteration(sync.Instance, loop, site.Owner) || StartsSomething(loop))));
            if (!perTile) return null;
            int direction = LoopFixes.ConstantDirection(sync);
            string where = subBuffers ? "(their parent buffer) " : perTileBuffers ? "(one buffer for all tiles, a sub-buffer per tile) " : "";
            where += SyncWhere(direction);
            var statements = site.Loops.InnermostStatement is null || direction < 0 || subBuffers || perTileBuffers ? null : site.Loops.Statements();
            var target = statements is null ? null : LoopFixes.SyncHoistTarget(index, sync, statements, direction);
            var properties = direction < 0 ? null : new[] { new KeyValuePair<string, string?>(LoopFixes.DirectionKey, direction == 0 ? "ToDevice" : "FromDevice") };
            return Create(NpuDiagnostics.SyncInLoop, sync, target, LoopFixes.Hoist, properties, sync.Instance.Syntax.ToString(), SyncArguments(sync), where);
        }

        private static string SyncWhere(int direction) =>
            direction == 0 ? "after the loop that writes it (before the launch)"
            : direction == 1 ? "before the loop that reads it (after the launch)"
            : "outside the loop";

        private static string SyncArguments(IInvocationOperation sync) =>
            string.Join(", ", sync.Arguments.Where(a => a.ArgumentKind == ArgumentKind.Explicit).Select(a => a.Syntax.ToString()));

        /// <summary>
        /// The loop walks a collection of different buffers (a call's inputs, each weight once) and neither launches nor
        /// waits: one sync per buffer, the cure rather than the disease.
        /// </summary>
        private bool WalksDistinctBuffers(MethodIndex index, IOperation buffer, IOperation loop)
        {
            if (TileGrid.WalkedCollection(buffer, loop) is null) return false;
            var summary = index.Summary(loop);
            if (summary.Launches || summary.Waits || summary.CallsLaunching || summary.CallsWaiting) return false;
            return !_invariance.SameEveryIteration(index, buffer, loop, _ => true);
        }

        /// <summary>
        /// Syncs over a collection of distinct buffers are per tile only when the loops (or calling loops) around that loop
        /// repeat them tile by tile: two such loops, a loop over a tile grid, or one that passes the same collection on
        /// every iteration (the port's waves over a pool of buffers).
        /// </summary>
        private bool DistinctBuffersRepeat(MethodIndex index, IOperation buffer, CallSite site, CallSite? via)
        {
            var loop = site.Loops.Innermost;
            int around = TileDepth(site) - 1;   // JudgeSync returned already for a loop that is a whole job
            if (around <= 0) return false;
            if (around >= 2) return true;
            var collection = TileGrid.WalkedCollection(buffer, loop)!;
            var outer = site.Loops.Outer!.FirstOrDefault(l => !_wholeJobs.IsWholeJob(l));
            if (outer is not null) return SingleTileLoop(outer) is not null || _invariance.SameEveryIteration(index, collection, outer, _ => true);
            return CallerWithSameInputs(site.Owner, via, new[] { collection }) is not null;
        }

        /// <summary>
        /// A buffer the method has just made and keeps (in a field, a cache), synced once right after: setup done on a
        /// cache miss, once per buffer however often the method runs.
        /// </summary>
        private bool SyncedOncePerNewBuffer(IInvocationOperation sync, IMethodSymbol owner)
        {
            if (!(sync.Instance!.WithoutConversions() is ILocalReferenceOperation local)) return false;
            var index = IndexOf(sync);
            var values = index.Writes(local.Local).OfType<ISimpleAssignmentOperation>().Select(w => (Value: w.Value, Statement: w.Parent))
                .Concat(index.Declarator(local.Local) is { Initializer: { } initializer } declarator ? new[] { (Value: initializer.Value, Statement: declarator.Parent?.Parent) } : Array.Empty<(IOperation, IOperation?)>());
            foreach (var (value, statement) in values)
            {
                if (!(value.WithoutConversions() is IObjectCreationOperation creation) || _types.Classify(creation) != NpuCallKind.BufferAllocation) continue;
                if (_lifetimes.Of(creation, owner).Lifetime != Lifetime.Beyond) continue;
                var block = statement;
                while (block is not null && !(block is IBlockOperation)) block = block.Parent;
                if (block is not null && MethodIndex.Contains(block, sync) && sync.Syntax.SpanStart > creation.Syntax.SpanStart) return true;
            }
            return false;
        }

        private Diagnostic JudgeAllocation(IObjectCreationOperation creation, CallSite site)
        {
            var target = site.Loops.InnermostStatement is null ? null : LoopFixes.DeclarationHoistTarget(_types, IndexOf(creation), creation, site.Loops.Statements());
            return Create(NpuDiagnostics.BufferInLoop, creation, target, LoopFixes.Hoist, null, BufferName(creation));
        }

        /// <summary>"Buffer 'scratch'", "A sub-buffer", ...</summary>
        private string BufferName(IObjectCreationOperation creation)
        {
            bool subBuffer = creation.Constructor!.Parameters.Length > 0 && _types.IsBo(creation.Constructor.Parameters[0].Type);
            if (creation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                return (subBuffer ? "Sub-buffer" : "Buffer") + " '" + declarator.Symbol.Name + "'";
            return subBuffer ? "A sub-buffer" : "A buffer";
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
                    NpuNames.Setup(site.Operation), $" (it is called from a loop through '{(via.Callee!.AssociatedSymbol ?? via.Callee).Name}')");
            }
            var target = site.Loops.InnermostStatement is null ? null : LoopFixes.DeclarationHoistTarget(_types, IndexOf(site.Operation), site.Operation, site.Loops.Statements());
            return Create(NpuDiagnostics.SetupInLoop, site.Operation, target, LoopFixes.Hoist, null, NpuNames.Setup(site.Operation), "");
        }

        /// <summary>
        /// The call site whose loop repeats the site with the same inputs on every iteration: the site itself (its
        /// own loop), the deepest calling loop, or, when that one passes a different value each time, any other
        /// loop that calls the helper directly. Null when every loop changes the inputs.
        /// </summary>
        private CallSite? LoopWithSameInputs(CallSite site, CallSite? via, IOperation[] inputs)
        {
            if (!site.Loops.IsEmpty)
            {
                var loop = site.Loops.Innermost;
                var index = IndexOf(site.Operation);
                return inputs.All(i => _invariance.SameEveryIteration(index, i, loop, _ => true)) ? site : null;
            }
            return CallerWithSameInputs(site.Owner, via, inputs);
        }

        /// <summary>For a helper with no loop of its own: the call (the deepest, or any direct one from a loop) that passes the same inputs each time.</summary>
        private CallSite? CallerWithSameInputs(IMethodSymbol helper, CallSite? via, IOperation[] inputs)
        {
            if (PassesSameInputs(via, inputs)) return via;
            return _graph.CallsOf(helper).FirstOrDefault(c => !c.Loops.IsEmpty && PassesSameInputs(c, inputs));
        }

        /// <summary>
        /// Whether a helper's inputs have the same value on every iteration of the loop around the call that repeats
        /// it (the call's arguments fix the parameters).
        /// </summary>
        private bool PassesSameInputs(CallSite? via, IEnumerable<IOperation> inputs)
        {
            if (via is null || via.Loops.IsEmpty) return true;
            // A method's (or an indexer's) arguments are judged at the call; a method group passed per element
            // gets the element, which changes.
            if (via.Operation is IMethodReferenceOperation) return inputs.All(i => _invariance.FixedInHelper(i, _ => false));
            var arguments = Arguments(via.Operation);
            var callerIndex = IndexOf(via.Operation);
            bool ParameterIsFixed(IParameterSymbol parameter) => arguments
                .Where(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Ordinal)
                .All(a => _invariance.SameEveryIteration(callerIndex, a.Value, via.Loops.Innermost, _ => true));
            return inputs.All(i => _invariance.FixedInHelper(i, ParameterIsFixed));
        }

        private static ImmutableArray<IArgumentOperation> Arguments(IOperation call) => call switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            IPropertyReferenceOperation property => property.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        /// <summary>A buffer the iteration allocates and does not keep: a fresh buffer per tile.</summary>
        private bool DroppedInIteration(IOperation buffer, IOperation loop, IMethodSymbol owner)
        {
            if (!(buffer is ILocalReferenceOperation local) || !(IndexOf(buffer).Declarator(local.Local) is { } declarator)
                || !MethodIndex.Contains(loop, declarator)) return false;
            return declarator.Initializer?.Value is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation
                && _lifetimes.Of(creation, owner).Lifetime == Lifetime.Iteration;
        }

        private static IOperation[] SetupInputs(IOperation setup) => setup switch
        {
            IObjectCreationOperation creation => creation.Arguments.Select(a => a.Value).ToArray(),
            IInvocationOperation call => call.Arguments.Select(a => a.Value).Concat(call.Instance is null ? Array.Empty<IOperation>() : new[] { call.Instance }).ToArray(),
            _ => Array.Empty<IOperation>(),
        };

        private MethodIndex IndexOf(IOperation operation)
        {
            var root = Root(operation);
            if (!_indexes.TryGetValue(root, out var index)) _indexes[root] = index = new MethodIndex(_types, root, _graph.Summary);
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

        /// <summary>The top of the operation's tree (its code block), remembered for every operation on the way up.</summary>
        private IOperation Root(IOperation operation)
        {
            var path = new List<IOperation>();
            var root = operation;
            while (root.Parent is not null && !_roots.ContainsKey(root))
            {
                path.Add(root);
                root = root.Parent;
            }
            if (_roots.TryGetValue(root, out var known)) root = known;
            foreach (var op in path) _roots[op] = root;
            return root;
        }
    }
}
