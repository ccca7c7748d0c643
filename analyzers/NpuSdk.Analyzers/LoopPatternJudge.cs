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
        private readonly NpuTypes _types;
        private readonly CallSite[] _sites;
        private readonly Dictionary<IMethodSymbol, CallSite[]> _callsOf;
        private readonly Dictionary<IMethodSymbol, (int Depth, CallSite? Via)> _callerDepth = new Dictionary<IMethodSymbol, (int, CallSite?)>(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, bool> _startsRuns = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default);

        public LoopPatternJudge(NpuTypes types, TypeFacts facts)
        {
            _types = types;
            // A stable order, so diagnostics come out the same on every build.
            _sites = facts.Sites.OrderBy(s => s.Operation.Syntax.SpanStart).ToArray();
            _callsOf = _sites.Where(s => s.Callee is not null)
                .GroupBy<CallSite, IMethodSymbol>(s => s.Callee!, SymbolEqualityComparer.Default)
                .ToDictionary<IGrouping<IMethodSymbol, CallSite>, IMethodSymbol, CallSite[]>(g => g.Key, g => g.ToArray(), SymbolEqualityComparer.Default);
        }

        public void Report(Action<Diagnostic> report)
        {
            foreach (var site in _sites)
            {
                if (site.Callee is not null) continue;
                var (callerDepth, via) = CallerDepth(site.Owner, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));
                int depth = site.Loops.Length + callerDepth;
                if (depth == 0) continue;
                var diagnostic = Judge(site, depth, via);
                if (diagnostic is not null) report(diagnostic);
            }
        }

        private Diagnostic? Judge(CallSite site, int depth, CallSite? via)
        {
            var location = site.Operation.Syntax.GetLocation();
            switch (site.Kind)
            {
                case NpuCallKind.RunWait:
                    return JudgeWait((IInvocationOperation)site.Operation, site);
                case NpuCallKind.Sync:
                    return JudgeSync((IInvocationOperation)site.Operation, site, via, depth);
                case NpuCallKind.BufferAllocation when !OutlivesIteration(site.Operation, site.Owner, 0):
                    return JudgeAllocation((IObjectCreationOperation)site.Operation, site);
                case NpuCallKind.Launch when depth >= 2:
                    return Diagnostic.Create(NpuDiagnostics.LaunchInTileLoop, location, LaunchName((IInvocationOperation)site.Operation), depth);
                case NpuCallKind.Setup when !OutlivesIteration(site.Operation, site.Owner, 0):
                    return JudgeSetup(site, via);
                default:
                    return null;
            }
        }

        /// <summary>
        /// A wait counts when the loop iteration that runs it also starts the very run it waits for,
        /// in the same method or in the loop that passes the run to this helper. Waiting for a run started earlier
        /// (the oldest of a bounded in-flight window) keeps the others running, and the iterations of a
        /// Parallel.For overlap anyway, so neither is reported.
        /// </summary>
        private Diagnostic? JudgeWait(IInvocationOperation wait, CallSite site)
        {
            if (!site.Loops.IsEmpty && EnclosingLoops.IsParallel(site.Loops[0])) return null;
            IOperation iteration = site.Loops.IsEmpty ? Root(wait) : site.Loops[0];
            if (!StartsInIteration(wait.Instance, iteration) && !(site.Loops.IsEmpty && StartedByCallingLoop(wait.Instance, site.Owner))) return null;
            var text = wait.Syntax.ToString();
            bool movable = !site.StatementLoops.IsEmpty && ReferenceEquals(site.StatementLoops[0], site.Loops[0]);
            var target = movable ? LoopFixes.WaitMoveTarget(_types, wait, site.StatementLoops[0]) : null;
            return Create(NpuDiagnostics.WaitInLaunchLoop, wait, target, LoopFixes.WaitAfterLoop, null, text);
        }

        /// <summary>
        /// A helper waiting for its run parameter, or for a run field, called from a loop whose iteration starts
        /// the run it passes (or stores in that field).
        /// </summary>
        private bool StartedByCallingLoop(IOperation? run, IMethodSymbol helper)
        {
            while (run is IConversionOperation conversion) run = conversion.Operand;
            if (run is null || !_callsOf.TryGetValue(helper.OriginalDefinition, out var calls)) return false;
            if (run is IFieldReferenceOperation field && LoopFixes.VariableSymbol(field) is not null)
                return calls.Any(call => !call.Loops.IsEmpty && StartsInIteration(field, call.Loops[0]));
            if (!(run is IParameterReferenceOperation parameter)) return false;
            return calls.Any(call => !call.Loops.IsEmpty && call.Operation is IInvocationOperation invocation
                && invocation.Arguments.Any(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Parameter.Ordinal
                    && StartsInIteration(a.Value, call.Loops[0])));
        }

        /// <summary>
        /// True when the run is launched in the iteration: "kernel.Start(...).Wait()", or a run variable that the
        /// iteration starts ("run.Start()") or assigns from "kernel.Start(...)".
        /// </summary>
        private bool StartsInIteration(IOperation? run, IOperation iteration)
        {
            while (run is IConversionOperation conversion) run = conversion.Operand;
            if (run is IInvocationOperation launch) return _types.Classify(launch) == NpuCallKind.Launch;
            if (run is null) return false;
            var symbol = LoopFixes.VariableSymbol(run);
            foreach (var op in iteration.Descendants())
            {
                switch (op)
                {
                    case IInvocationOperation start when _types.Classify(start) == NpuCallKind.Launch && SameRun(start.Instance, run, symbol):
                        return true;
                    case IVariableDeclaratorOperation { Initializer: { } initializer } declarator
                        when symbol is not null && SymbolEqualityComparer.Default.Equals(declarator.Symbol, symbol) && IsLaunch(initializer.Value):
                        return true;
                    case ISimpleAssignmentOperation assignment when SameRun(assignment.Target, run, symbol) && IsLaunch(assignment.Value):
                        return true;
                }
            }
            return false;
        }

        /// <summary>The same variable, or the same element of the same array (runs[t] and runs[t], not runs[t - 2]).</summary>
        private static bool SameRun(IOperation? candidate, IOperation run, ISymbol? symbol)
        {
            if (candidate is null) return false;
            if (symbol is not null) return SymbolEqualityComparer.Default.Equals(LoopFixes.VariableSymbol(candidate), symbol);
            if (!(candidate is IArrayElementReferenceOperation element) || !(run is IArrayElementReferenceOperation wanted)) return false;
            var array = LoopFixes.VariableSymbol(wanted.ArrayReference);
            if (array is null || !SymbolEqualityComparer.Default.Equals(LoopFixes.VariableSymbol(element.ArrayReference), array)
                || element.Indices.Length != wanted.Indices.Length) return false;
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
            return value is IInvocationOperation call && _types.Classify(call) == NpuCallKind.Launch;
        }

        /// <summary>
        /// Reported when the syncs are per tile: the same buffer synced on every iteration (a tile range at a
        /// time), a buffer the iteration allocates itself, or a buffer per tile synced next to its launch or
        /// again on every pass of an outer loop (the port's "waves" over a pool of buffers). A single loop over
        /// existing, different buffers (foreach weight buffer: sync it, once) needs one sync per buffer and is
        /// not reported.
        /// </summary>
        private Diagnostic? JudgeSync(IInvocationOperation sync, CallSite site, CallSite? via, int depth)
        {
            if (sync.Instance is null) return null;
            bool perTile = depth >= 2
                || LoopWithSameInputs(site, via, new[] { sync.Instance }) is not null
                || (!site.Loops.IsEmpty && (AllocatedInIteration(sync.Instance, site.Loops[0]) || Launches(site.Loops[0])));
            if (!perTile) return null;
            int direction = LoopFixes.ConstantDirection(sync);
            string where = direction == 0 ? "after the loop that writes it (before the launch)"
                : direction == 1 ? "before the loop that reads it (after the launch)"
                : "outside the loop";
            var target = site.StatementLoops.IsEmpty || direction < 0 ? null : LoopFixes.SyncHoistTarget(_types, sync, site.StatementLoops, direction, MayLaunch);
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
            var root = Root(creation);
            var target = site.StatementLoops.IsEmpty ? null : LoopFixes.DeclarationHoistTarget(_types, creation, site.StatementLoops, root);
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
            var target = site.StatementLoops.IsEmpty ? null : LoopFixes.DeclarationHoistTarget(_types, site.Operation, site.StatementLoops, Root(site.Operation));
            return Create(NpuDiagnostics.SetupInLoop, site.Operation, target, LoopFixes.Hoist, null, SetupName(site.Operation), "");
        }

        /// <summary>
        /// The call site whose loop repeats the site with the same inputs on every iteration: the site itself (its
        /// own loop), the deepest calling loop, or, when that one passes a different value each time, any other
        /// loop that calls the helper directly. Null when every loop changes the inputs.
        /// </summary>
        private CallSite? LoopWithSameInputs(CallSite site, CallSite? via, IOperation[] inputs)
        {
            if (SameEveryIteration(site, via, inputs)) return site.Loops.IsEmpty ? via : site;
            if (!site.Loops.IsEmpty || !_callsOf.TryGetValue(site.Owner.OriginalDefinition, out var calls)) return null;
            return calls.FirstOrDefault(c => !c.Loops.IsEmpty && SameEveryIteration(site, c, inputs));
        }

        /// <summary>
        /// Whether the inputs have the same value on every iteration of the loop that repeats the site: its own
        /// innermost loop, or, for a helper, the loop around the call (whose arguments fix the parameters).
        /// </summary>
        private bool SameEveryIteration(CallSite site, CallSite? via, IEnumerable<IOperation> inputs)
        {
            if (!site.Loops.IsEmpty) return inputs.All(i => LoopInvariance.SameEveryIteration(_types, i, site.Loops[0], _ => true));
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
            bool ParameterIsFixed(IParameterSymbol parameter) => arguments
                .Where(a => a.Parameter is not null && a.Parameter.Ordinal == parameter.Ordinal)
                .All(a => LoopInvariance.SameEveryIteration(_types, a.Value, via.Loops[0], _ => true));
            return inputs.All(i => IsFixedInHelper(i, ParameterIsFixed));
        }

        private bool Launches(IOperation loop) =>
            _sites.Any(s => s.Kind == NpuCallKind.Launch && s.Loops.Contains(loop));

        private bool AllocatedInIteration(IOperation buffer, IOperation loop)
        {
            if (!(buffer is ILocalReferenceOperation local)) return false;
            var declarator = loop.Descendants().OfType<IVariableDeclaratorOperation>()
                .FirstOrDefault(d => SymbolEqualityComparer.Default.Equals(d.Symbol, local.Local));
            return declarator?.Initializer?.Value is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation;
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
        private bool MayLaunch(IMethodSymbol method) =>
            !_callsOf.ContainsKey(method.OriginalDefinition) || StartsRuns(method.OriginalDefinition, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

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

        /// <summary>
        /// How many loops deep the method runs through its callers in this type (the deepest call chain), and the
        /// call that leads there. Recursion counts as no extra depth, never when unsure.
        /// </summary>
        private (int Depth, CallSite? Via) CallerDepth(IMethodSymbol method, HashSet<IMethodSymbol> visiting)
        {
            if (_callerDepth.TryGetValue(method, out var known)) return known;
            if (!visiting.Add(method) || !_callsOf.TryGetValue(method, out var calls)) return (0, null);
            (int Depth, CallSite? Via) best = (0, null);
            foreach (var call in calls)
            {
                int depth = call.Loops.Length + CallerDepth(call.Owner, visiting).Depth;
                if (depth > best.Depth) best = (depth, call);
            }
            visiting.Remove(method);
            _callerDepth[method] = best;
            return best;
        }

        private bool StartsRuns(IMethodSymbol method, HashSet<IMethodSymbol> visiting)
        {
            if (_startsRuns.TryGetValue(method, out var known)) return known;
            if (!visiting.Add(method)) return false;
            bool starts = _sites.Any(s => SymbolEqualityComparer.Default.Equals(s.Owner, method)
                && (s.Kind == NpuCallKind.Launch || (s.Callee is not null && StartsRuns(s.Callee, visiting))));
            visiting.Remove(method);
            _startsRuns[method] = starts;
            return starts;
        }

        /// <summary>
        /// A buffer stored in an array, a collection or a field (directly, or through the local it initializes)
        /// is kept for later iterations or calls: that loop builds a launch plan (one sub-buffer per
        /// invocation), it does not allocate per tile. Likewise a device, context or kernel stored in a field
        /// (or "??=") is a cache, opened once. A helper that returns what it creates leaves that to its callers.
        /// </summary>
        private bool OutlivesIteration(IOperation creation, IMethodSymbol owner, int depth)
        {
            if (Kept(creation, owner, depth)) return true;
            if (!(creation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })) return false;
            return Root(creation).Descendants().Any(op => op is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, declarator.Symbol) && Kept(reference, owner, depth));
        }

        private bool Kept(IOperation value, IMethodSymbol owner, int depth)
        {
            if (IsStored(value)) return true;
            var parent = value.Parent;
            while (parent is IConversionOperation) parent = parent.Parent;
            // Through a few helpers at most; beyond that, assume kept (report only when sure).
            if (!(parent is IReturnOperation)) return false;
            // Returned from a lambda ("Select(t => new Bo(...))"): the operator collects it, a plan.
            if (depth >= 4 || InLambda(parent)) return true;
            return _callsOf.TryGetValue(owner.OriginalDefinition, out var calls) && calls.Any(c => OutlivesIteration(c.Operation, c.Owner, depth + 1));
        }

        private static bool InLambda(IOperation operation)
        {
            for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation) return true;
                if (parent is ILocalFunctionOperation) return false;
            }
            return false;
        }

        private static bool IsStored(IOperation value)
        {
            var parent = value.Parent;
            while (parent is IConversionOperation) parent = parent.Parent;
            switch (parent)
            {
                case ISimpleAssignmentOperation assignment when !ReferenceEquals(assignment.Target, value):
                    return assignment.Target is IArrayElementReferenceOperation || assignment.Target is IFieldReferenceOperation
                        || assignment.Target is IPropertyReferenceOperation;
                case ICoalesceAssignmentOperation cache when ReferenceEquals(cache.Value, value) || ReferenceEquals(cache.Value, value.Parent):
                    // "_kernel ??= new Kernel(...)": opened or allocated once, then reused.
                    return true;
                case IArgumentOperation { Parent: IInvocationOperation call }:
                    return call.TargetMethod.Name is "Add" or "Enqueue" or "Push" or "Insert" or "TryAdd";
                default:
                    return false;
            }
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
