using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Per program point: buffers the host wrote since their last to-device sync (Dirty), buffers a launch used
    /// since their last from-device sync (Stale), buffers of runs started and not yet waited for (Pending), and
    /// buffers synced from the device while still pending (Early: that sync copied results that were not there yet).
    /// Each set holds what is true on every path.
    /// </summary>
    internal sealed class SyncState
    {
        private SyncState(bool isTop, HashSet<ISymbol>[] sets)
        {
            IsTop = isTop;
            _sets = sets;
        }

        private readonly HashSet<ISymbol>[] _sets;

        /// <summary>Not reached yet: the identity of the meet.</summary>
        public bool IsTop { get; }
        public HashSet<ISymbol> Dirty => _sets[0];
        public HashSet<ISymbol> Stale => _sets[1];
        public HashSet<ISymbol> Pending => _sets[2];
        public HashSet<ISymbol> Early => _sets[3];

        public static SyncState Top() => new SyncState(true, NewSets());
        public static SyncState Empty() => new SyncState(false, NewSets());

        private static HashSet<ISymbol>[] NewSets() => new[]
        {
            new HashSet<ISymbol>(SymbolEqualityComparer.Default), new HashSet<ISymbol>(SymbolEqualityComparer.Default),
            new HashSet<ISymbol>(SymbolEqualityComparer.Default), new HashSet<ISymbol>(SymbolEqualityComparer.Default),
        };

        public SyncState Clone() => new SyncState(IsTop, _sets.Select(set => new HashSet<ISymbol>(set, SymbolEqualityComparer.Default)).ToArray());

        public SyncState Meet(SyncState other)
        {
            if (IsTop) return other.Clone();
            if (other.IsTop) return Clone();
            var meet = Clone();
            for (int i = 0; i < _sets.Length; i++) meet._sets[i].IntersectWith(other._sets[i]);
            return meet;
        }

        /// <summary>This state with the dirty buffers of another (the state that went round a loop at least once).</summary>
        public SyncState WithDirtyOf(SyncState other)
        {
            if (IsTop || other.IsTop) return this;
            var result = Clone();
            result.Dirty.Clear();
            result.Dirty.UnionWith(other.Dirty);
            return result;
        }

        public void Clear()
        {
            foreach (var set in _sets) set.Clear();
        }

        public void Forget(ISymbol buffer)
        {
            foreach (var set in _sets) set.Remove(buffer);
        }

        public bool SameAs(SyncState other) => IsTop == other.IsTop && _sets.Zip(other._sets, (a, b) => a.SetEquals(b)).All(same => same);
    }

    /// <summary>The fixed-point iteration over basic blocks, then one reporting pass.</summary>
    internal sealed class SyncFlow
    {
        private readonly ControlFlowGraph _graph;
        private readonly BufferFacts _facts;

        public SyncFlow(ControlFlowGraph graph, BufferFacts facts)
        {
            _graph = graph;
            _facts = facts;
        }

        public void Run(System.Action<Diagnostic> report)
        {
            var blocks = _graph.Blocks;
            var outStates = blocks.Select(_ => SyncState.Top()).ToArray();
            bool changed = true;
            // The meet only shrinks the sets, except where a loop's back edge takes over the dirty set; the bound
            // keeps an editor from spinning on code where the two would chase each other.
            for (int pass = 0; changed && pass < MaxPasses + blocks.Length; pass++)
            {
                changed = false;
                foreach (var block in blocks)
                {
                    var state = InState(block, outStates);
                    Transfer(block, state, null);
                    if (!state.SameAs(outStates[block.Ordinal]))
                    {
                        outStates[block.Ordinal] = state;
                        changed = true;
                    }
                }
            }
            var reported = new HashSet<IOperation>();
            foreach (var block in blocks)
            {
                if (!block.IsReachable) continue;
                Transfer(block, InState(block, outStates), d =>
                {
                    if (reported.Add(d.Operation)) report(d.Diagnostic);
                });
            }
        }

        private const int MaxPasses = 32;

        /// <summary>
        /// The meet of the predecessors. A block entered without a normal predecessor (the entry, a catch or a
        /// finally) starts knowing nothing, so nothing is reported from it. At a loop's head, the dirty set comes
        /// from the back edges alone once the body has been through: a buffer the body writes is dirty after the
        /// loop (a pack loop runs), while the other facts still include the path that skips the loop (a launch only
        /// inside a loop may not have happened).
        /// </summary>
        private SyncState InState(BasicBlock block, SyncState[] outStates)
        {
            if (block.Predecessors.IsEmpty) return SyncState.Empty();
            var state = SyncState.Top();
            var looped = SyncState.Top();
            foreach (var predecessor in block.Predecessors)
            {
                var incoming = ThroughFinally(predecessor, outStates[predecessor.Source.Ordinal]);
                state = state.Meet(incoming);
                if (predecessor.Source.Ordinal >= block.Ordinal) looped = looped.Meet(incoming);
            }
            return state.WithDirtyOf(looped);
        }

        /// <summary>
        /// A branch out of a try runs its finally blocks on the way, but the graph does not chain them in: forget
        /// every buffer a finally touches (a sync there may well be the one that makes the code right).
        /// </summary>
        private SyncState ThroughFinally(ControlFlowBranch branch, SyncState state)
        {
            if (branch.FinallyRegions.IsEmpty || state.IsTop) return state;
            var after = state.Clone();
            foreach (var region in branch.FinallyRegions)
                for (int ordinal = region.FirstBlockOrdinal; ordinal <= region.LastBlockOrdinal; ordinal++)
                {
                    var block = _graph.Blocks[ordinal];
                    foreach (var operation in block.Operations) ForgetTouched(operation, after);
                    if (block.BranchValue is not null) ForgetTouched(block.BranchValue, after);
                }
            return after;
        }

        private void ForgetTouched(IOperation operation, SyncState state)
        {
            foreach (var op in operation.DescendantsAndSelf())
            {
                var (kind, buffer) = _facts.Classify(op, out _);
                if (kind == AccessKind.Opaque) state.Clear();
                else if (kind == AccessKind.Wait) state.Pending.Clear();
                else if (kind != AccessKind.None)
                {
                    Forget(state, buffer);
                }
            }
        }

        private void Transfer(BasicBlock block, SyncState state, System.Action<(IOperation Operation, Diagnostic Diagnostic)>? report)
        {
            if (state.IsTop) return;
            foreach (var operation in block.Operations) Visit(operation, state, report);
            if (block.BranchValue is not null) Visit(block.BranchValue, state, report);
        }

        /// <summary>
        /// Children first: arguments are evaluated before the call that uses them, and an assignment's value before
        /// the store (in <c>s[i] = s[i] + 1</c> the read comes first). An explicit stack, so an expression of any depth
        /// (a chain of twenty thousand additions) takes no stack of its own.
        /// </summary>
        private void Visit(IOperation root, SyncState state, System.Action<(IOperation, Diagnostic)>? report)
        {
            var pending = new Stack<(IOperation Operation, bool ChildrenDone)>();
            pending.Push((root, false));
            while (pending.Count > 0)
            {
                var (operation, childrenDone) = pending.Pop();
                if (childrenDone)
                {
                    Apply(operation, state, report);
                    continue;
                }
                pending.Push((operation, true));
                if (operation is ISimpleAssignmentOperation assignment)
                {
                    pending.Push((assignment.Target, false));
                    pending.Push((assignment.Value, false));
                }
                else
                {
                    var children = operation.ChildOperations;
                    foreach (var child in children.Reverse()) pending.Push((child, false));
                }
            }
        }

        /// <summary>What one operation does to the state, once its children have done theirs.</summary>
        private void Apply(IOperation operation, SyncState state, System.Action<(IOperation, Diagnostic)>? report)
        {
            var (kind, buffer) = _facts.Classify(operation, out var launched);
            switch (kind)
            {
                case AccessKind.Opaque:
                    state.Clear();
                    break;
                case AccessKind.Wait:
                    // Any wait may be the one for these runs: only "on every path not waited" stays pending.
                    state.Pending.Clear();
                    break;
                case AccessKind.SyncFromDevice:
                    SyncFromDevice(state, buffer);
                    break;
                case AccessKind.Download:
                    // CopyTo: its sync, then its read (stale only when the sync came before the run's wait).
                    SyncFromDevice(state, buffer);
                    ReportStaleRead(operation, buffer, state, report, download: true);
                    break;
                case AccessKind.Unknown:
                case AccessKind.Upload:
                    Forget(state, buffer);
                    break;
                case AccessKind.SyncToDevice:
                    if (buffer is not null) foreach (var b in _facts.WithRelatives(buffer)) state.Dirty.Remove(b);
                    break;
                case AccessKind.HostWrite:
                    HostWrite(state, buffer);
                    break;
                case AccessKind.HostRead:
                    ReportStaleRead(operation, buffer, state, report, download: false);
                    break;
                case AccessKind.HostReadWrite:
                    ReportStaleRead(operation, buffer, state, report, download: false);
                    HostWrite(state, buffer);
                    break;
                case AccessKind.Launch:
                    foreach (var (b, _) in launched!.Operands)
                    {
                        if (state.Dirty.Contains(b) && report is not null)
                            report((operation, Diagnostic.Create(NpuDiagnostics.MissingSync, operation.Syntax.GetLocation(),
                                Properties(b, "ToDevice"),
                                "A launch uses", _facts.Display(b), "after the host wrote it", "ToDevice",
                                _facts.IsTensor(b) ? "write a tensor with CopyFrom, or dispose its MapForWrite view before the launch: each syncs it"
                                    : "the kernel sees host writes only after that sync")));
                    }
                    foreach (var (b, role) in launched.Operands)
                    {
                        // Inputs the host wrote keep their host view; only outputs go stale on the host. A buffer the
                        // kernel is not known to write is taken for an input when the method writes it from the host.
                        if (role == OperandRole.Output || (role == OperandRole.Unknown && !_facts.HostWritten.Contains(b))) state.Stale.Add(b);
                        if (!launched.Completes) state.Pending.Add(b);
                        state.Early.Remove(b);
                    }
                    break;
            }
        }

        private void SyncFromDevice(SyncState state, ISymbol? buffer)
        {
            if (buffer is not null && state.Pending.Contains(buffer))
            {
                // The run may still be writing: this sync copies results that are not there yet.
                state.Dirty.Remove(buffer);
                state.Early.Add(buffer);
            }
            else
            {
                Forget(state, buffer);
            }
        }

        private static void HostWrite(SyncState state, ISymbol? buffer)
        {
            if (buffer is null) return;
            state.Stale.Remove(buffer);
            state.Dirty.Add(buffer);
        }

        /// <summary>
        /// A read of a buffer a launch left stale. A CopyTo (<paramref name="download"/>) is stale only when its own sync
        /// came before the run's wait; a sync added in front of it would be just as early, so it gets no fix.
        /// </summary>
        private void ReportStaleRead(IOperation operation, ISymbol? buffer, SyncState state, System.Action<(IOperation, Diagnostic)>? report, bool download)
        {
            if (buffer is null || !state.Stale.Contains(buffer) || report is null) return;
            bool early = state.Early.Contains(buffer);
            string how, why;
            if (download)
            {
                how = "after a launch (CopyTo syncs it before the run's wait)";
                why = "results are there only once the run's wait returns: call CopyTo after it";
            }
            else if (early)
            {
                how = "after a launch (its sync from the device came before the wait)";
                why = "results are there only once the run's wait returns";
            }
            else if (!_facts.IsTensor(buffer))
            {
                how = "after a launch";
                why = "the host sees a kernel's results only after that sync";
            }
            else if (_facts.ThroughWriteView(operation))
            {
                how = "through a write view after a launch that may write it";
                why = "a write view shows what the host last saw; read a tensor with CopyTo or MapForRead, which sync it first";
            }
            else
            {
                how = "through its buffer after a launch that may write it";
                why = "read a tensor with CopyTo or MapForRead, which sync it first";
            }
            var properties = download ? ImmutableDictionary<string, string?>.Empty : Properties(buffer, "FromDevice");
            report((operation, Diagnostic.Create(NpuDiagnostics.MissingSync, operation.Syntax.GetLocation(), properties,
                "The host reads", _facts.Display(buffer), how, "FromDevice", why)));
        }

        private void Forget(SyncState state, ISymbol? buffer)
        {
            if (buffer is null) return;
            foreach (var b in _facts.WithRelatives(buffer)) state.Forget(b);
        }

        private ImmutableDictionary<string, string?> Properties(ISymbol buffer, string direction) =>
            ImmutableDictionary<string, string?>.Empty
                .Add(LoopFixes.DirectionKey, direction)
                .Add(LoopFixes.BufferKey, _facts.SyncTarget(buffer))
                .Add(LoopFixes.BufferVariableKey, _facts.Display(buffer));
    }
}
