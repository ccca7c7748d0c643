using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Collections that hold a whole buffer per tile: "Solution B" allocates a buffer for every tile before the launches
    /// and keeps them in a list, then syncs each and launches each. Kept, they are a plan rather than a per-iteration
    /// allocation, but a plan of whole buffers, one per tile, is the per-tile cost itself (32,768 allocations, syncs and
    /// runs for one 512³ product); the cure is one buffer and a sub-buffer per tile. A collection is per tile when a loop
    /// adds (or stores) a new whole buffer to it, the type then launches its elements one by one in a loop that is not a
    /// whole job, and either the adding loop walks tiles (two loops deep, a flattened grid, thousands of iterations) or
    /// that launching loop is the only loop around the launch (one launch per element). One buffer per distinct tensor
    /// (mlir-aie's harness, weights uploaded once each), a plan built and kept for use elsewhere (a buffer factory's
    /// callers), a pool launched in waves, and sub-buffers of one parent (the cure) are none of these.
    /// </summary>
    internal sealed class PerTileBuffers
    {
        private readonly NpuTypes _types;
        private readonly Func<IOperation, MethodIndex> _indexOf;
        private readonly Func<IMethodSymbol, MethodSummary> _summaryOf;
        private readonly Func<IOperation, string?> _tileLoop;
        private readonly Func<IOperation, bool> _isWholeJob;
        private readonly Func<IEnumerable<IOperation>> _typeBlocks;
        private readonly Dictionary<(IOperation Root, ISymbol Collection), bool> _known = new Dictionary<(IOperation, ISymbol), bool>();
        private readonly Dictionary<IOperation, (HashSet<ISymbol> Walked, HashSet<ISymbol> LaunchedOneByOne)> _uses =
            new Dictionary<IOperation, (HashSet<ISymbol>, HashSet<ISymbol>)>();

        /// <param name="tileLoop">How a single loop walks tiles (a flattened grid, many iterations), or null.</param>
        /// <param name="isWholeJob">Whether a loop's iterations are whole jobs (a layer loop over per-layer buffers walks no tiles).</param>
        /// <param name="typeBlocks">The code blocks of the type: a field's plan may be built in one method and used in another.</param>
        public PerTileBuffers(NpuTypes types, Func<IOperation, MethodIndex> indexOf, Func<IMethodSymbol, MethodSummary> summaryOf,
            Func<IOperation, string?> tileLoop, Func<IOperation, bool> isWholeJob, Func<IEnumerable<IOperation>> typeBlocks)
        {
            _typeBlocks = typeBlocks;
            _types = types;
            _indexOf = indexOf;
            _summaryOf = summaryOf;
            _tileLoop = tileLoop;
            _isWholeJob = isWholeJob;
        }

        /// <summary>The per-tile collection a new buffer (or a call returning one) is stored into in a loop, or null.</summary>
        public ISymbol? PerTileCollectionOf(IOperation value)
        {
            var collection = StoredInto(value);
            return collection is not null && IsPerTile(collection, value) ? collection : null;
        }

        /// <summary>True when the collection the loop walks (the buffer is its element) holds a whole buffer per tile.</summary>
        public bool WalksPerTileBuffers(IOperation buffer, IOperation loop) =>
            LoopFixes.VariableSymbol(TileGrid.WalkedCollection(buffer, loop)) is { } collection && IsPerTile(collection, loop);

        /// <summary>Whether the collection holds a whole buffer per tile; a field's plan is looked for in every method of the type.</summary>
        private bool IsPerTile(ISymbol collection, IOperation inMethod)
        {
            var blocks = collection is IFieldSymbol ? _typeBlocks().ToList() : new List<IOperation> { _indexOf(inMethod).Root };
            var key = (blocks[0], collection);
            if (_known.TryGetValue(key, out var known)) return known;
            var stores = blocks.SelectMany(block => Stores(_indexOf(block), collection)
                .Where(s => EnclosingLoops.Innermost(s) is not null && IsNewWholeBuffer(_indexOf(block), s))).ToList();
            var uses = blocks.Select(block => Uses(_indexOf(block))).ToList();
            bool result = stores.Count > 0 && uses.Any(u => u.Walked.Contains(collection))
                && (stores.Any(InTileLoop) || uses.Any(u => u.LaunchedOneByOne.Contains(collection)));
            _known[key] = result;
            return result;
        }

        /// <summary>Two loops deep, or one loop that walks a flattened grid or thousands of tiles.</summary>
        private bool InTileLoop(IOperation store)
        {
            var innermost = EnclosingLoops.Innermost(store)!;
            return EnclosingLoops.Innermost(innermost) is not null || _tileLoop(innermost) is not null;
        }

        /// <summary>
        /// Collections whose elements the method launches one per iteration of a loop that is not a whole job, and those
        /// it launches so in a loop no other loop of the method repeats ("for (t) kernel.Start(..., inputs[t], ...)",
        /// "foreach (var b in inputs) kernel.Start(..., b)").
        /// </summary>
        private (HashSet<ISymbol> Walked, HashSet<ISymbol> LaunchedOneByOne) Uses(MethodIndex index)
        {
            if (_uses.TryGetValue(index.Root, out var known)) return known;
            var walked = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var launched = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var call in index.Launches.In(int.MinValue, int.MaxValue).Cast<IInvocationOperation>())
            {
                var loop = EnclosingLoops.Innermost(call);
                if (loop is null || _isWholeJob(loop)) continue;
                foreach (var element in call.ArgumentValues())
                {
                    if (!(LoopFixes.VariableSymbol(TileGrid.WalkedCollection(element, loop)) is { } collection)) continue;
                    walked.Add(collection);
                    if (EnclosingLoops.Innermost(loop) is null) launched.Add(collection);
                }
            }
            return _uses[index.Root] = (walked, launched);
        }

        /// <summary>"inputs.Add(value)", "inputs[t] = value", directly or through a local declared in the loop that stores it.</summary>
        private ISymbol? StoredInto(IOperation value)
        {
            var index = _indexOf(value);
            if (value.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
            {
                foreach (var reference in index.References(declarator.Symbol))
                    if (CollectionStoring(reference) is { } collection) return collection;
                return null;
            }
            return CollectionStoring(value);
        }

        private static ISymbol? CollectionStoring(IOperation value)
        {
            var child = value;
            while (child.Parent is IConversionOperation) child = child.Parent;
            switch (child.Parent)
            {
                case IReturnOperation returned when returned.EnclosingLambda() is { } lambda:
                    return CollectedInto(lambda);
                case IArgumentOperation { Parent: IInvocationOperation add } when add.TargetMethod.Name is "Add" or "Enqueue" or "Push" or "Insert":
                    return LoopFixes.VariableSymbol(add.Instance);
                case ISimpleAssignmentOperation store when ReferenceEquals(store.Value, child):
                    return store.Target switch
                    {
                        IArrayElementReferenceOperation element => LoopFixes.VariableSymbol(element.ArrayReference),
                        IPropertyReferenceOperation { Property.IsIndexer: true } indexer => LoopFixes.VariableSymbol(indexer.Instance),
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        /// <summary>
        /// The collection a per-element lambda's results are gathered into: "var inputs = tiles.Select(t => ...).ToList()"
        /// (or assigned to a variable), or null.
        /// </summary>
        private static ISymbol? CollectedInto(IAnonymousFunctionOperation lambda)
        {
            if (EnclosingLoops.ElementLoop(lambda) == LambdaLoop.None) return null;
            IOperation gathered = lambda;
            while (gathered.Parent is IDelegateCreationOperation || gathered.Parent is IConversionOperation || gathered.Parent is IArgumentOperation
                || (gathered.Parent is IInvocationOperation call && call.TargetMethod.ContainingType?.Name == "Enumerable"))
                gathered = gathered.Parent;
            return gathered.Parent switch
            {
                IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
                ISimpleAssignmentOperation store when ReferenceEquals(store.Value, gathered) => LoopFixes.VariableSymbol(store.Target),
                _ => null,
            };
        }

        /// <summary>The values the method stores into the collection (element stores, Add-like calls, results of a per-element lambda gathered into it).</summary>
        private static IEnumerable<IOperation> Stores(MethodIndex index, ISymbol collection)
        {
            var made = index.Declarator(collection)?.Initializer?.Value;
            if (made is not null)
                foreach (var returned in made.Descendants().OfType<IReturnOperation>())
                    if (returned.ReturnedValue is { } value && returned.EnclosingLambda() is { } lambda && SymbolEqualityComparer.Default.Equals(CollectedInto(lambda), collection))
                        yield return value;
            foreach (var store in index.ElementStores(collection))
                if (store is ISimpleAssignmentOperation assignment) yield return assignment.Value;
            foreach (var reference in index.References(collection))
                if (reference.Parent is IInvocationOperation { TargetMethod.Name: "Add" or "Enqueue" or "Push" or "Insert" } add && ReferenceEquals(add.Instance, reference))
                    foreach (var argument in add.Arguments) yield return argument.Value;
        }

        /// <summary>A new whole buffer (not a sub-buffer), directly, through a local initialized with one, or returned by a method of the compilation.</summary>
        private bool IsNewWholeBuffer(MethodIndex index, IOperation value)
        {
            var made = value.WithoutConversions();
            if (made is ILocalReferenceOperation local && index.Declarator(local.Local)?.Initializer is { } initializer) made = initializer.Value.WithoutConversions();
            switch (made)
            {
                case IObjectCreationOperation creation when _types.Classify(creation) == NpuCallKind.BufferAllocation:
                    return IsWhole(creation);
                case IInvocationOperation call when LoopFixes.IsUserCode(_types, call.TargetMethod) && call.TargetMethod.MethodKind != MethodKind.DelegateInvoke:
                    return _summaryOf(call.TargetMethod).ReturnedAllocation is IObjectCreationOperation returned && IsWhole(returned);
                default:
                    return false;
            }
        }

        private bool IsWhole(IObjectCreationOperation creation) =>
            !(creation.Constructor!.Parameters.Length > 0 && _types.IsBo(creation.Constructor.Parameters[0].Type));

    }
}
