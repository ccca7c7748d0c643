using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What one loop (or lambda) body holds, answered from the method's sorted positions of each fact.</summary>
    internal readonly struct RegionSummary
    {
        private readonly MethodIndex _index;
        private readonly int _start;
        private readonly int _end;

        public RegionSummary(MethodIndex index, IOperation region)
        {
            _index = index;
            _start = region.Syntax.SpanStart;
            _end = region.Syntax.Span.End;
        }

        public bool Launches => _index.Launches.Any(_start, _end);
        public bool Waits => _index.Waits.Any(_start, _end);
        /// <summary>Host writes, maps or syncs: buffers the iteration touches.</summary>
        public bool TouchesBuffers => _index.BufferTouches.Any(_start, _end);
        public bool Awaits => _index.Awaits.Any(_start, _end);
        /// <summary>Calls a method of this compilation (or a local function, or a delegate).</summary>
        public bool CallsUserCode => _index.UserCalls.Any(_start, _end);
        /// <summary>Calls code of this compilation that starts runs.</summary>
        public bool CallsLaunching => _index.UserCalls.Any(_start, _end, UserCall.Launches);
        /// <summary>Calls code of this compilation that waits for runs.</summary>
        public bool CallsWaiting => _index.UserCalls.Any(_start, _end, UserCall.Waits);
        /// <summary>Calls code of this compilation that starts runs or cannot be followed.</summary>
        public bool CallsMayLaunch => _index.UserCalls.Any(_start, _end, UserCall.MayLaunch);

        /// <summary>The directions the region syncs the variable in (bit 0 to device, bit 1 from device, bit 2 unknown).</summary>
        public int SyncDirections(ISymbol buffer) => _index.SyncDirectionsOf(buffer, _start, _end);
    }

    /// <summary>What a call into this compilation does, as a region asks it.</summary>
    internal static class UserCall
    {
        public const int Launches = 0;
        public const int Waits = 1;
        public const int MayLaunch = 2;
        public const int Count = 3;
    }

    /// <summary>
    /// The operations of one kind in a method, sorted once by where they start, so that "does this region hold one"
    /// and "which ones does it hold" are binary searches whatever the nesting: no fact is recorded once per enclosing loop.
    /// </summary>
    internal sealed class Positions
    {
        private readonly List<IOperation> _operations = new List<IOperation>();
        private readonly Func<IMethodSymbol, MethodSummary>? _summaryOf;
        private int[][]? _counts;
        private bool _sorted;

        /// <param name="summaryOf">For calls into the compilation: what the called method does (for <see cref="Any(int, int, int)"/>).</param>
        public Positions(Func<IMethodSymbol, MethodSummary>? summaryOf = null) => _summaryOf = summaryOf;

        public void Add(IOperation operation) => _operations.Add(operation);

        public bool Any(int start, int end)
        {
            Sort();
            return LowerBound(end) > LowerBound(start);
        }

        /// <summary>True when a call in [start, end) has the property (one of <see cref="UserCall"/>).</summary>
        public bool Any(int start, int end, int property)
        {
            Sort();
            int first = LowerBound(start), last = LowerBound(end);
            if (first >= last) return false;
            var counts = Counts();
            return counts[property][last] - counts[property][first] > 0;
        }

        /// <summary>The operations that start in [start, end), in source order.</summary>
        public IEnumerable<IOperation> In(int start, int end)
        {
            Sort();
            for (int i = LowerBound(start); i < _operations.Count && _operations[i].Syntax.SpanStart < end; i++) yield return _operations[i];
        }

        /// <summary>The first call in [start, end) with the property, or null.</summary>
        public IOperation? First(int start, int end, int property)
        {
            if (!Any(start, end, property)) return null;
            var counts = Counts();
            int i = LowerBound(start);
            while (counts[property][i + 1] == counts[property][i]) i++;
            return _operations[i];
        }

        private void Sort()
        {
            if (_sorted) return;
            _sorted = true;
            var sorted = _operations.OrderBy(o => o.Syntax.SpanStart).ToList();
            _operations.Clear();
            _operations.AddRange(sorted);
        }

        /// <summary>Prefix counts of each <see cref="UserCall"/> property, worked out on the first question.</summary>
        private int[][] Counts()
        {
            if (_counts is not null) return _counts;
            var counts = new int[UserCall.Count][];
            for (int p = 0; p < UserCall.Count; p++) counts[p] = new int[_operations.Count + 1];
            for (int i = 0; i < _operations.Count; i++)
            {
                var summary = _summaryOf is null || !(_operations[i] is IInvocationOperation call) ? MethodSummary.Unknown : _summaryOf(call.TargetMethod.OriginalDefinition);
                counts[UserCall.Launches][i + 1] = counts[UserCall.Launches][i] + (summary.Launches ? 1 : 0);
                counts[UserCall.Waits][i + 1] = counts[UserCall.Waits][i] + (summary.Waits ? 1 : 0);
                counts[UserCall.MayLaunch][i + 1] = counts[UserCall.MayLaunch][i] + (summary.MayLaunch ? 1 : 0);
            }
            return _counts = counts;
        }

        private int LowerBound(int position)
        {
            int low = 0, high = _operations.Count;
            while (low < high)
            {
                int middle = (low + high) / 2;
                if (_operations[middle].Syntax.SpanStart < position) low = middle + 1;
                else high = middle;
            }
            return low;
        }
    }

    /// <summary>
    /// One walk over a method body (or top-level code, or an accessor), so that the rules' questions about it
    /// ("is this local assigned inside that loop", "where is it declared", "does this loop launch") are lookups
    /// instead of walks: the analysis of a method stays linear in its size.
    /// </summary>
    internal sealed class MethodIndex
    {
        private static readonly IReadOnlyList<IOperation> None = new IOperation[0];
        private readonly NpuTypes _types;
        private readonly Dictionary<ISymbol, IVariableDeclaratorOperation> _declarators = new Dictionary<ISymbol, IVariableDeclaratorOperation>(SymbolEqualityComparer.Default);
        private readonly Dictionary<string, int> _declaredNames = new Dictionary<string, int>();
        private readonly Dictionary<ISymbol, List<IOperation>> _references = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _writes = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _elementStores = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _launchesOn = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<IOperation>> _disposes = new Dictionary<ISymbol, List<IOperation>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, List<(int Position, int Bit)>> _syncDirections = new Dictionary<ISymbol, List<(int, int)>>(SymbolEqualityComparer.Default);

        /// <param name="summaryOf">What a call into this compilation does, for the region questions about such calls (none asked when null).</param>
        public MethodIndex(NpuTypes types, IOperation root, Func<IMethodSymbol, MethodSummary>? summaryOf = null)
        {
            _types = types;
            Root = root;
            UserCalls = new Positions(summaryOf);
            foreach (var op in root.DescendantsAndSelf()) Add(op);
        }

        /// <summary>Every operation of the body.</summary>
        internal Positions All { get; } = new Positions();
        internal Positions Launches { get; } = new Positions();
        internal Positions Waits { get; } = new Positions();
        /// <summary>Run.SetArg calls: a buffer bound to a run that is started later.</summary>
        internal Positions SetArgs { get; } = new Positions();
        internal Positions BufferTouches { get; } = new Positions();
        internal Positions Awaits { get; } = new Positions();
        /// <summary>Calls that take input from outside: a concurrent collection, a channel, the console, a stream, a socket.</summary>
        internal Positions Receives { get; } = new Positions();
        internal Positions UserCalls { get; }

        public IOperation Root { get; }

        /// <summary>The declarator of a local of this body, if it has one (a foreach variable has none).</summary>
        public IVariableDeclaratorOperation? Declarator(ISymbol local) => _declarators.TryGetValue(local, out var d) ? d : null;

        /// <summary>How many locals of this body have the name.</summary>
        public int DeclarationsNamed(string name) => _declaredNames.TryGetValue(name, out var n) ? n : 0;

        /// <summary>Every reference to the local, parameter or field (reads and writes).</summary>
        public IReadOnlyList<IOperation> References(ISymbol symbol) => _references.TryGetValue(symbol, out var r) ? r : None;

        /// <summary>Assignments (simple, compound, increments, deconstructions) whose target is the variable.</summary>
        public IReadOnlyList<IOperation> Writes(ISymbol symbol) => _writes.TryGetValue(symbol, out var w) ? w : None;

        /// <summary>Assignments into an element of the array (or list) variable.</summary>
        public IReadOnlyList<IOperation> ElementStores(ISymbol array) => _elementStores.TryGetValue(array, out var s) ? s : None;

        /// <summary>Launches whose receiver is the variable ("run.Start()"), or an element of it ("runs[t].Start()").</summary>
        public IReadOnlyList<IOperation> LaunchesOn(ISymbol run) => _launchesOn.TryGetValue(run, out var l) ? l : None;

        /// <summary>Dispose calls on the variable.</summary>
        public IReadOnlyList<IOperation> Disposes(ISymbol symbol) => _disposes.TryGetValue(symbol, out var d) ? d : None;

        /// <summary>What a loop or lambda of this body holds.</summary>
        public RegionSummary Summary(IOperation region) => new RegionSummary(this, region);

        internal int SyncDirectionsOf(ISymbol buffer, int start, int end)
        {
            if (!_syncDirections.TryGetValue(buffer, out var syncs)) return 0;
            int bits = 0;
            foreach (var (position, bit) in syncs) if (position >= start && position < end) bits |= bit;
            return bits;
        }

        public bool WrittenInside(ISymbol symbol, IOperation region)
        {
            foreach (var write in Writes(symbol)) if (Contains(region, write)) return true;
            return false;
        }

        public static bool Contains(IOperation region, IOperation operation) => region.Syntax.Span.Contains(operation.Syntax.Span)
            && region.Syntax.SyntaxTree == operation.Syntax.SyntaxTree;

        private void Add(IOperation op)
        {
            All.Add(op);
            switch (op)
            {
                case IVariableDeclaratorOperation declarator:
                    _declarators[declarator.Symbol] = declarator;
                    _declaredNames[declarator.Symbol.Name] = DeclarationsNamed(declarator.Symbol.Name) + 1;
                    break;
                case ILocalReferenceOperation _:
                case IParameterReferenceOperation _:
                case IFieldReferenceOperation _:
                    if (LoopFixes.VariableSymbol(op) is { } referenced) List(_references, referenced).Add(op);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf()) AddWrite(target, op);
                    break;
                case IAssignmentOperation assignment:
                    // Simple, compound and ??= assignments.
                    AddWrite(assignment.Target, op);
                    break;
                case IIncrementOrDecrementOperation increment:
                    AddWrite(increment.Target, op);
                    break;
                case IInvocationOperation call:
                    AddCall(call);
                    break;
                case IAwaitOperation _:
                    Awaits.Add(op);
                    break;
            }
        }

        private void AddWrite(IOperation target, IOperation write)
        {
            if (LoopFixes.VariableSymbol(target) is { } symbol) List(_writes, symbol).Add(write);
            var element = target switch
            {
                IArrayElementReferenceOperation array => array.ArrayReference,
                IPropertyReferenceOperation { Property.IsIndexer: true } indexer => indexer.Instance,
                _ => null,
            };
            if (LoopFixes.VariableSymbol(element) is { } collection) List(_elementStores, collection).Add(write);
        }

        private void AddCall(IInvocationOperation call)
        {
            var kind = _types.Classify(call);
            var receiver = call.Instance is IArrayElementReferenceOperation element ? element.ArrayReference : call.Instance;
            var receiverSymbol = LoopFixes.VariableSymbol(receiver);
            int position = call.Syntax.SpanStart;
            if (WholeJobLoops.IsReceive(call.TargetMethod)) Receives.Add(call);
            switch (kind)
            {
                case NpuCallKind.Launch:
                    if (receiverSymbol is not null) List(_launchesOn, receiverSymbol).Add(call);
                    Launches.Add(call);
                    break;
                case NpuCallKind.RunWait:
                case NpuCallKind.RunListWait:
                    Waits.Add(call);
                    break;
                case NpuCallKind.Sync:
                    int direction = LoopFixes.ConstantDirection(call);
                    int bit = direction == 0 ? 1 : direction == 1 ? 2 : 4;
                    BufferTouches.Add(call);
                    if (receiverSymbol is not null)
                    {
                        if (!_syncDirections.TryGetValue(receiverSymbol, out var syncs)) _syncDirections[receiverSymbol] = syncs = new List<(int, int)>();
                        syncs.Add((position, bit));
                    }
                    break;
                case NpuCallKind.HostWrite:
                case NpuCallKind.Map:
                    BufferTouches.Add(call);
                    break;
                case NpuCallKind.SetArg:
                    SetArgs.Add(call);
                    break;
                case NpuCallKind.None:
                    if (call.TargetMethod.Name == "Dispose" && receiverSymbol is not null) List(_disposes, receiverSymbol).Add(call);
                    if (LoopFixes.IsUserCode(_types, call.TargetMethod)) UserCalls.Add(call);
                    break;
            }
        }

        private static List<IOperation> List(Dictionary<ISymbol, List<IOperation>> map, ISymbol key)
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<IOperation>();
            return list;
        }
    }
}
