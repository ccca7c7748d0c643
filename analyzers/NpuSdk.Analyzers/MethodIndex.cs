using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What one loop (or lambda) body holds, summed once over its operations.</summary>
    internal sealed class RegionSummary
    {
        public bool Launches { get; set; }
        public bool Waits { get; set; }
        /// <summary>Host writes, maps or syncs: buffers the iteration touches.</summary>
        public bool TouchesBuffers { get; set; }
        public bool Awaits { get; set; }
        /// <summary>Methods of this compilation (and local functions, delegates) called in the region.</summary>
        public List<IMethodSymbol> UserCalls { get; } = new List<IMethodSymbol>();
        /// <summary>Per synced variable, the directions seen (bit 0 to device, bit 1 from device, bit 2 unknown).</summary>
        public Dictionary<ISymbol, int> SyncDirections { get; } = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
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
        private readonly Dictionary<IOperation, RegionSummary> _regions = new Dictionary<IOperation, RegionSummary>();

        public MethodIndex(NpuTypes types, IOperation root)
        {
            _types = types;
            Root = root;
            foreach (var op in root.DescendantsAndSelf()) Add(op);
        }

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
        public RegionSummary Summary(IOperation region) => _regions.TryGetValue(region, out var s) ? s : new RegionSummary();

        public bool WrittenInside(ISymbol symbol, IOperation region)
        {
            foreach (var write in Writes(symbol)) if (Contains(region, write)) return true;
            return false;
        }

        public static bool Contains(IOperation region, IOperation operation) => region.Syntax.Span.Contains(operation.Syntax.Span)
            && region.Syntax.SyntaxTree == operation.Syntax.SyntaxTree;

        private void Add(IOperation op)
        {
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
                    ForRegions(op, s => s.Awaits = true);
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
            switch (kind)
            {
                case NpuCallKind.Launch:
                    if (receiverSymbol is not null) List(_launchesOn, receiverSymbol).Add(call);
                    ForRegions(call, s => s.Launches = true);
                    break;
                case NpuCallKind.RunWait:
                case NpuCallKind.RunListWait:
                    ForRegions(call, s => s.Waits = true);
                    break;
                case NpuCallKind.Sync:
                    int direction = LoopFixes.ConstantDirection(call);
                    int bit = direction == 0 ? 1 : direction == 1 ? 2 : 4;
                    ForRegions(call, s =>
                    {
                        s.TouchesBuffers = true;
                        if (receiverSymbol is not null) s.SyncDirections[receiverSymbol] = (s.SyncDirections.TryGetValue(receiverSymbol, out var seen) ? seen : 0) | bit;
                    });
                    break;
                case NpuCallKind.HostWrite:
                case NpuCallKind.Map:
                    ForRegions(call, s => s.TouchesBuffers = true);
                    break;
                case NpuCallKind.None:
                    if (call.TargetMethod.Name == "Dispose" && receiverSymbol is not null) List(_disposes, receiverSymbol).Add(call);
                    if (LoopFixes.IsUserCode(_types, call.TargetMethod)) ForRegions(call, s => s.UserCalls.Add(call.TargetMethod.OriginalDefinition));
                    break;
            }
        }

        /// <summary>Records a fact in the summary of every loop and lambda around the operation in this body.</summary>
        private void ForRegions(IOperation op, System.Action<RegionSummary> record)
        {
            for (var parent = op.Parent; parent is not null; parent = parent.Parent)
            {
                if (!(parent is ILoopOperation || parent is IAnonymousFunctionOperation)) continue;
                if (!_regions.TryGetValue(parent, out var summary)) _regions[parent] = summary = new RegionSummary();
                record(summary);
            }
        }

        private static List<IOperation> List(Dictionary<ISymbol, List<IOperation>> map, ISymbol key)
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<IOperation>();
            return list;
        }
    }
}
