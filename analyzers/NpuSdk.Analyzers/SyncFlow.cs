using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>Per program point: buffers the host wrote since their last to-device sync, and buffers a launch used since their last from-device sync.</summary>
    internal sealed class SyncState
    {
        private SyncState(bool isTop, HashSet<ISymbol> dirty, HashSet<ISymbol> stale)
        {
            IsTop = isTop;
            Dirty = dirty;
            Stale = stale;
        }

        /// <summary>Not reached yet: the identity of the meet.</summary>
        public bool IsTop { get; }
        public HashSet<ISymbol> Dirty { get; }
        public HashSet<ISymbol> Stale { get; }

        public static SyncState Top() => new SyncState(true, new HashSet<ISymbol>(SymbolEqualityComparer.Default), new HashSet<ISymbol>(SymbolEqualityComparer.Default));
        public static SyncState Empty() => new SyncState(false, new HashSet<ISymbol>(SymbolEqualityComparer.Default), new HashSet<ISymbol>(SymbolEqualityComparer.Default));

        public SyncState Clone() => new SyncState(IsTop, new HashSet<ISymbol>(Dirty, SymbolEqualityComparer.Default), new HashSet<ISymbol>(Stale, SymbolEqualityComparer.Default));

        public SyncState Meet(SyncState other)
        {
            if (IsTop) return other.Clone();
            if (other.IsTop) return Clone();
            var meet = Clone();
            meet.Dirty.IntersectWith(other.Dirty);
            meet.Stale.IntersectWith(other.Stale);
            return meet;
        }

        public bool SameAs(SyncState other) =>
            IsTop == other.IsTop && Dirty.SetEquals(other.Dirty) && Stale.SetEquals(other.Stale);
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
            while (changed)
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

        /// <summary>
        /// The meet of the predecessors. A block entered without a normal predecessor (the entry, a catch or a
        /// finally) starts knowing nothing, so nothing is reported from it.
        /// </summary>
        private SyncState InState(BasicBlock block, SyncState[] outStates)
        {
            if (block.Predecessors.IsEmpty) return SyncState.Empty();
            var state = SyncState.Top();
            foreach (var predecessor in block.Predecessors) state = state.Meet(ThroughFinally(predecessor, outStates[predecessor.Source.Ordinal]));
            return state;
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
                if (kind == AccessKind.Opaque)
                {
                    state.Dirty.Clear();
                    state.Stale.Clear();
                }
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

        /// <summary>Children first: arguments are evaluated before the call that uses them.</summary>
        private void Visit(IOperation operation, SyncState state, System.Action<(IOperation, Diagnostic)>? report)
        {
            foreach (var child in operation.ChildOperations) Visit(child, state, report);
            var (kind, buffer) = _facts.Classify(operation, out var launched);
            switch (kind)
            {
                case AccessKind.Opaque:
                    state.Dirty.Clear();
                    state.Stale.Clear();
                    break;
                case AccessKind.Unknown:
                case AccessKind.SyncFromDevice:
                    Forget(state, buffer);
                    break;
                case AccessKind.SyncToDevice:
                    if (buffer is not null) foreach (var b in _facts.WithRelatives(buffer)) state.Dirty.Remove(b);
                    break;
                case AccessKind.HostWrite:
                    if (buffer is null) break;
                    state.Stale.Remove(buffer);
                    state.Dirty.Add(buffer);
                    break;
                case AccessKind.HostRead:
                    if (buffer is not null && state.Stale.Contains(buffer) && report is not null)
                        report((operation, Diagnostic.Create(NpuDiagnostics.MissingSync, operation.Syntax.GetLocation(),
                            Properties(buffer, "FromDevice"),
                            "The host reads", buffer.Name, "after a launch", "FromDevice", "the host sees a kernel's results only after that sync")));
                    break;
                case AccessKind.Launch:
                    foreach (var b in launched!)
                    {
                        if (state.Dirty.Contains(b) && report is not null)
                            report((operation, Diagnostic.Create(NpuDiagnostics.MissingSync, operation.Syntax.GetLocation(),
                                Properties(b, "ToDevice"),
                                "A launch uses", b.Name, "after the host wrote it", "ToDevice", "the kernel sees host writes only after that sync")));
                    }
                    // Inputs the host wrote keep their host view; only pure outputs go stale on the host.
                    foreach (var b in launched) if (!_facts.HostWritten.Contains(b)) state.Stale.Add(b);
                    break;
            }
        }

        private void Forget(SyncState state, ISymbol? buffer)
        {
            if (buffer is null) return;
            foreach (var b in _facts.WithRelatives(buffer))
            {
                state.Dirty.Remove(b);
                state.Stale.Remove(b);
            }
        }

        private static ImmutableDictionary<string, string?> Properties(ISymbol buffer, string direction) =>
            ImmutableDictionary<string, string?>.Empty
                .Add(LoopFixes.DirectionKey, direction)
                .Add("NpuBuffer", buffer.Name);
    }
}
