using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// One walk over a method's own body (local functions are methods of their own; code in a lambda whose running is
    /// not known only makes the method <see cref="MethodSummary.Opaque"/>): what it does itself, and the calls it makes
    /// into the compilation. <see cref="MethodSummaries"/> combines these over the call graph.
    /// </summary>
    internal sealed class MethodFacts
    {
        private readonly NpuTypes _types;
        private readonly TensorTypes _tensors;
        private readonly IMethodSymbol _method;
        private readonly IOperation _body;
        private readonly MethodIndex _index;
        private readonly Lifetimes _lifetimes;
        private int _firstLaunch = int.MaxValue;
        private int _firstWait = int.MaxValue;

        private MethodFacts(NpuTypes types, TensorTypes tensors, IMethodSymbol method, IOperation body)
        {
            _types = types;
            _tensors = tensors;
            _method = method;
            _body = body;
            _index = new MethodIndex(types, body);
            _lifetimes = new Lifetimes(types, _ => _index, callsOf: null);
        }

        /// <summary>The facts of the method's own code.</summary>
        public MethodSummary Own { get; } = new MethodSummary { ReturnsKept = true };

        public List<CallEdge> Calls { get; } = new List<CallEdge>();

        /// <summary>Calls whose result the method returns as a run it started or as a kept value, decided by the callee.</summary>
        public List<CallEdge> ReturnedCalls { get; } = new List<CallEdge>();

        /// <summary>Whether any return was seen (a method that returns nothing returns no kept value).</summary>
        private bool _returns;

        public static MethodFacts Of(NpuTypes types, TensorTypes tensors, IMethodSymbol method, IOperation body, CancellationToken cancellationToken)
        {
            var facts = new MethodFacts(types, tensors, method, body);
            OperationWalk.Walk(body, method, facts.Visit, cancellationToken);
            if (!facts._returns && facts.ReturnedCalls.Count == 0) facts.Own.ReturnsKept = false;
            facts.FindCarriedState();
            return facts;
        }

        private void Visit(IOperation operation, WalkContext context)
        {
            // A local function's body is its own method, reached through its calls.
            if (!SymbolEqualityComparer.Default.Equals(context.Owner, _method)) return;
            if (context.InUnknownLambda)
            {
                if (operation is IInvocationOperation || operation is IObjectCreationOperation) Own.Opaque |= MayDoNpuWork(operation);
                return;
            }
            NoteSpanUse(operation);
            switch (operation)
            {
                case IInvocationOperation call:
                    VisitCall(call, context);
                    break;
                case IObjectCreationOperation creation:
                    VisitCreation(creation, context);
                    break;
                case IPropertyReferenceOperation { Property.GetMethod: { } getter } property
                    when !(property.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, property)):
                    AddEdge(getter, property, property.Arguments, context);
                    break;
                case IMethodReferenceOperation group when EnclosingLoops.IsElementMethodGroup(group):
                    AddEdge(group.Method, group, ImmutableArray<IArgumentOperation>.Empty, context.With(context.Loops.Push(group.Parent!), false, context.InLambda, conditional: true));
                    break;
                case IReturnOperation { ReturnedValue: { } value } when !context.InLambda:
                    VisitReturn(value);
                    break;
            }
        }

        private void VisitCall(IInvocationOperation call, WalkContext context)
        {
            int position = call.Syntax.SpanStart;
            switch (_types.Classify(call))
            {
                case NpuCallKind.Launch:
                    NoteLaunch(call, context);
                    return;
                case NpuCallKind.RunWait:
                case NpuCallKind.RunListWait:
                    NoteWait(call);
                    if (ParameterRoot(call.Instance) is { } waited) Own.WaitedParameters = Own.WaitedParameters.Add(waited);
                    return;
                case NpuCallKind.Sync:
                    Own.Syncs = true;
                    if (LoopFixes.ConstantDirection(call) == 1) Own.ReadsBack = true;
                    NoteSync(call);
                    return;
                case NpuCallKind.HostRead:
                    Own.ReadsBack = true;
                    return;
                case NpuCallKind.Map:
                    if (ReadBackTaint.IsDeviceRead(_types, call)) Own.ReadsBack = true;
                    return;
                case NpuCallKind.Setup:
                    NoteSetup(call, context);
                    return;
                case NpuCallKind.None:
                    break;
                default:
                    return;
            }
            switch (_tensors.Classify(call.TargetMethod))
            {
                case TensorCallKind.KernelCall:
                case TensorCallKind.Invoke:
                case TensorCallKind.Replay:
                    // A generated kernel call plans, syncs, launches and waits for its runs before it returns.
                    NoteLaunch(call, context);
                    NoteWait(call);
                    Own.Syncs = true;
                    return;
                case TensorCallKind.Download:
                case TensorCallKind.MapForRead:
                    Own.Syncs = true;
                    Own.ReadsBack = true;
                    return;
                case TensorCallKind.Upload:
                case TensorCallKind.WriteViewDispose:
                    Own.Syncs = true;
                    return;
            }
            if (call.TargetMethod.MethodKind == MethodKind.DelegateInvoke || IsOtherRuntimeCallOnABuffer(call))
            {
                Own.Opaque = true;
                return;
            }
            if (IsCompilationMethod(call.TargetMethod)) AddEdge(call.TargetMethod, call, call.Arguments, context);
        }

        private void VisitCreation(IObjectCreationOperation creation, WalkContext context)
        {
            switch (_types.Classify(creation))
            {
                case NpuCallKind.BufferAllocation:
                    var lifetime = _lifetimes.Of(creation, _method).Lifetime;
                    if (lifetime <= Lifetime.Call) Own.DroppedAllocation ??= creation;
                    else if (lifetime == Lifetime.Returned) Own.ReturnedAllocation ??= creation;
                    return;
                case NpuCallKind.Setup:
                    NoteSetup(creation, context);
                    return;
            }
            if (creation.Constructor is { } constructor && IsCompilationMethod(constructor)) AddEdge(constructor, creation, creation.Arguments, context);
        }

        private void NoteLaunch(IOperation launch, WalkContext context)
        {
            Own.Launches = true;
            if (Own.Launch is null || launch.Syntax.SpanStart < Own.Launch.Syntax.SpanStart) Own.Launch = launch;
            Own.LaunchLoops = System.Math.Max(Own.LaunchLoops, context.Loops.Length);
            _firstLaunch = System.Math.Min(_firstLaunch, launch.Syntax.Span.End);
        }

        private void NoteWait(IOperation wait)
        {
            Own.Waits = true;
            if (Own.Wait is null || wait.Syntax.SpanStart < Own.Wait.Syntax.SpanStart) Own.Wait = wait;
            _firstWait = System.Math.Min(_firstWait, wait.Syntax.SpanStart);
        }

        /// <summary>A sync of the object's own buffer, a static one or one this call allocates is the same on every call; a parameter's is the argument's.</summary>
        private void NoteSync(IInvocationOperation sync)
        {
            var buffer = sync.Instance?.WithoutConversions();
            switch (buffer)
            {
                case IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, _method):
                    if (!Own.ParameterSyncs.ContainsKey(parameter.Parameter.Ordinal))
                        Own.ParameterSyncs = Own.ParameterSyncs.Add(parameter.Parameter.Ordinal, sync);
                    return;
                case ILocalReferenceOperation local when _index.Declarator(local.Local)?.Initializer?.Value is { } initial
                    && initial.WithoutConversions() is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation
                    && _lifetimes.Of(creation, _method).Lifetime <= Lifetime.Call:
                    Own.FixedSync ??= sync;
                    return;
            }
            if (buffer is not null && IsOwnState(buffer)) Own.FixedSync ??= sync;
        }

        /// <summary>Device.Open, RegisterXclbin, new HwContext, new Kernel on every call, with the parameters it depends on.</summary>
        private void NoteSetup(IOperation setup, WalkContext context)
        {
            if (Own.Setup is not null || context.Conditional) return;
            Own.Setup = new OpenedSetup(NpuNames.Setup(setup) + " in '" + _method.ContainingType.Name + "'", setup, ParametersIn(setup));
        }

        private void AddEdge(IMethodSymbol callee, IOperation operation, ImmutableArray<IArgumentOperation> arguments, WalkContext context)
        {
            callee = callee.OriginalDefinition;
            if (!IsCompilationMethod(callee)) return;
            var origins = new (ArgumentOrigin, int)[callee.Parameters.Length];
            foreach (var argument in arguments)
            {
                if (argument.Parameter is null || argument.Parameter.Ordinal >= origins.Length) continue;
                var value = argument.Value.WithoutConversions();
                origins[argument.Parameter.Ordinal] = value switch
                {
                    IParameterReferenceOperation parameter when SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, _method)
                        => (ArgumentOrigin.Parameter, parameter.Parameter.Ordinal),
                    _ when value is not null && (IsOwnState(value) || value.ConstantValue.HasValue) => (ArgumentOrigin.Fixed, -1),
                    _ => (ArgumentOrigin.Other, -1),
                };
            }
            var lifetime = operation is IMethodReferenceOperation ? Lifetime.Iteration : _lifetimes.Of(operation, _method).Lifetime;
            var edge = new CallEdge(callee, operation, context.Loops.Length, !context.Conditional,
                ImmutableArray.Create(origins), lifetime, ReturnedWhole(operation));
            Calls.Add(edge);
            if (edge.ResultReturned) ReturnedCalls.Add(edge);
        }

        /// <summary>A returned value: a run started here, a value kept across calls (a field, a cache entry), or a call's, decided by the callee.</summary>
        private void VisitReturn(IOperation value)
        {
            _returns = true;
            if (ContainsStartedRun(value)) Own.ReturnsStartedRun = true;
            if (!IsKept(value, 0) && !(value.WithoutConversions() is IInvocationOperation call && IsCompilationMethod(call.TargetMethod)))
                Own.ReturnsKept = false;
        }

        /// <summary>"kernel.Start(...)", a run local started or assigned from a launch here, or a tuple or object holding one.</summary>
        private bool ContainsStartedRun(IOperation value)
        {
            foreach (var part in value.DescendantsAndSelf())
            {
                if (part is IInvocationOperation call && _types.Classify(call) == NpuCallKind.Launch && call.Type is { } type && NpuTypes.Is(type, _types.Run)) return true;
                if (part is ILocalReferenceOperation local && NpuTypes.Is(local.Local.Type, _types.Run) && StartedLocal(local.Local)) return true;
            }
            return false;
        }

        private bool StartedLocal(ILocalSymbol local)
        {
            if (_index.LaunchesOn(local).Count > 0) return true;
            if (_index.Declarator(local)?.Initializer?.Value is { } initial && IsLaunch(initial)) return true;
            return _index.Writes(local).Any(w => w is ISimpleAssignmentOperation assignment && IsLaunch(assignment.Value));
        }

        private bool IsLaunch(IOperation value) => value.WithoutConversions() is IInvocationOperation call && _types.Classify(call) == NpuCallKind.Launch;

        /// <summary>
        /// A value kept across calls: a field or property of the object (or a static), a ??= on one, an element of a
        /// collection they hold, a local assigned only such values (or a TryGetValue from such a collection, or a new
        /// object stored into one), or a choice between kept values.
        /// </summary>
        private bool IsKept(IOperation value, int depth)
        {
            if (depth > 4) return false;
            value = value.WithoutConversions();
            switch (value)
            {
                case ICoalesceAssignmentOperation cache:
                    return IsOwnState(cache.Target);
                case ISimpleAssignmentOperation store:
                    // "cache[key] = new Bo(...)": the value stored into the object's state is the value returned.
                    return IsKept(store.Target, depth + 1);
                case IArrayElementReferenceOperation element:
                    return IsOwnState(element.ArrayReference);
                case IPropertyReferenceOperation { Property.IsIndexer: true } indexer:
                    return indexer.Instance is not null && IsOwnState(indexer.Instance);
                case IConditionalOperation choice:
                    return choice.WhenFalse is not null && IsKeptOrReturnedCall(choice.WhenTrue, depth) && IsKeptOrReturnedCall(choice.WhenFalse, depth);
                case ICoalesceOperation coalesce:
                    return IsKeptOrReturnedCall(coalesce.Value, depth) && IsKeptOrReturnedCall(coalesce.WhenNull, depth);
                case IInvocationOperation lookup when lookup.TargetMethod.Name is "GetOrAdd" or "GetValueOrDefault":
                    return lookup.Instance is not null && IsOwnState(lookup.Instance);
                case ILocalReferenceOperation local:
                    return KeptLocal(local.Local, depth);
                default:
                    return IsOwnState(value);
            }
        }

        private bool IsKeptOrReturnedCall(IOperation value, int depth) =>
            IsKept(value, depth + 1) || (value.WithoutConversions() is IInvocationOperation call && IsCompilationMethod(call.TargetMethod));

        private bool KeptLocal(ILocalSymbol local, int depth)
        {
            var values = new List<IOperation>();
            if (_index.Declarator(local)?.Initializer?.Value is { } initial) values.Add(initial);
            foreach (var write in _index.Writes(local))
            {
                if (write is ISimpleAssignmentOperation assignment) values.Add(assignment.Value);
                else return false;
            }
            foreach (var reference in _index.References(local))
            {
                // "cache.TryGetValue(key, out var kernel)": the out variable holds a kept entry.
                if (reference.Parent is IArgumentOperation { Parent: IInvocationOperation lookup } argument && argument.Parameter?.RefKind == RefKind.Out)
                {
                    if (!(lookup.TargetMethod.Name.StartsWith("TryGet", System.StringComparison.Ordinal) && lookup.Instance is not null && IsOwnState(lookup.Instance))) return false;
                }
                else if (reference.Parent is IDeclarationExpressionOperation { Parent: IArgumentOperation { Parent: IInvocationOperation declaredLookup } declaredArgument }
                    && declaredArgument.Parameter?.RefKind == RefKind.Out)
                {
                    if (!(declaredLookup.TargetMethod.Name.StartsWith("TryGet", System.StringComparison.Ordinal) && declaredLookup.Instance is not null && IsOwnState(declaredLookup.Instance))) return false;
                }
            }
            if (values.Count == 0) return _index.References(local).Count > 0;
            return values.All(v => IsKept(v, depth + 1)
                || (v.WithoutConversions() is IObjectCreationOperation creation && _lifetimes.Of(creation, _method).Lifetime == Lifetime.Beyond)
                || (v.WithoutConversions() is IInvocationOperation call && IsCompilationMethod(call.TargetMethod)));
        }

        /// <summary>
        /// What the method does through a span it is passed (mapped memory, when the caller passes Map()): an element
        /// stored, filled, cleared or copied into is written; an element read, a copy out of it, a walk over it is read.
        /// A span handed to a library call that may do either counts as both; one handed to a method of the
        /// compilation is that method's business (its summary maps it back). Any other use (a slice, a local, a
        /// return) is not followed: the span is marked unknown and a caller forgets what it knew of the buffer.
        /// </summary>
        private void NoteSpanUse(IOperation operation)
        {
            if (!(SpanParameter(operation) is { } parameter)) return;
            var use = operation;
            while (use.Parent is IConversionOperation) use = use.Parent;
            bool write = false, read = false;
            switch (use.Parent)
            {
                case IPropertyReferenceOperation { Property.IsIndexer: true } element when ReferenceEquals(element.Instance, use):
                    (write, read) = element.Parent switch
                    {
                        ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, element) => (true, false),
                        ICompoundAssignmentOperation compound when ReferenceEquals(compound.Target, element) => (true, true),
                        IIncrementOrDecrementOperation _ => (true, true),
                        _ => (false, true),
                    };
                    break;
                case IInvocationOperation call when ReferenceEquals(call.Instance, use) && call.TargetMethod.Name != "Slice":
                    (write, read) = call.TargetMethod.Name is "Fill" or "Clear" ? (true, false) : (false, true);
                    break;
                case IArgumentOperation { Parent: IInvocationOperation call } argument when IsCompilationMethod(call.TargetMethod):
                    return;
                case IArgumentOperation { Parent: IInvocationOperation call } argument when call.TargetMethod.ContainingType?.Name != "MemoryMarshal":
                    (write, read) = call.TargetMethod.Name is "CopyTo" or "TryCopyTo" ? (true, false)
                        : argument.Parameter?.Type.Name == "ReadOnlySpan" ? (false, true) : (true, true);
                    break;
                case IForEachLoopOperation loop when ReferenceEquals(loop.Collection, use):
                    read = true;
                    break;
                default:
                    Own.UnknownSpans = Own.UnknownSpans.Add(parameter);
                    return;
            }
            if (write) Own.WrittenSpans = Own.WrittenSpans.Add(parameter);
            if (read) Own.ReadSpans = Own.ReadSpans.Add(parameter);
        }

        /// <summary>A parameter of type Span or ReadOnlySpan, by ordinal, when the operation names it (directly).</summary>
        private int? SpanParameter(IOperation operation) =>
            operation is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, _method)
            && parameter.Parameter.Type.Name is "Span" or "ReadOnlySpan" && parameter.Parameter.Type.ContainingNamespace?.ToDisplayString() == "System"
                ? parameter.Parameter.Ordinal : (int?)null;

        /// <summary>
        /// State this method reads before its first launch and overwrites with results after its first wait: a field of
        /// the object (or a static), or an array parameter updated in place.
        /// </summary>
        private void FindCarriedState()
        {
            if (_firstLaunch == int.MaxValue || _firstWait == int.MaxValue) return;
            var operations = _body.Descendants().ToList();
            var written = ReadBackTaint.WrittenFromResults(_types, operations, _firstWait, _ => false);
            foreach (var op in operations)
            {
                if (op.Syntax.SpanStart >= _firstLaunch || !(LoopFixes.VariableSymbol(op) is { } symbol) || !written.Contains(symbol)) continue;
                if (op.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, op)) continue;
                if (symbol is IFieldSymbol) Own.CarriesFieldState = true;
                else if (symbol is IParameterSymbol parameter && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _method))
                    Own.CarriedParameters = Own.CarriedParameters.Add(parameter.Ordinal);
            }
        }

        /// <summary>
        /// An SDK call or a call into the compilation: in a lambda whose running is not known, it may run whenever, so
        /// the method may do anything (its summary is opaque).
        /// </summary>
        private bool MayDoNpuWork(IOperation operation) => _types.Classify(operation) != NpuCallKind.None
            || (operation is IInvocationOperation call && (IsCompilationMethod(call.TargetMethod) || _tensors.Classify(call.TargetMethod) != TensorCallKind.None));

        /// <summary>A runtime call the rules do not classify that is handed a buffer or a tensor: it may sync it.</summary>
        private bool IsOtherRuntimeCallOnABuffer(IInvocationOperation call) =>
            SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingAssembly, _types.Bo.ContainingAssembly) && call.TargetMethod.Name != "Dispose"
            && (IsBuffer(call.Instance?.Type) || call.Arguments.Any(a => IsBuffer(a.Value.Type)));

        private bool IsBuffer(ITypeSymbol? type) => _types.IsBo(type) || _tensors.IsTensor(type);

        private bool IsCompilationMethod(IMethodSymbol method) =>
            method.MethodKind == MethodKind.LocalFunction || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _types.Compilation.Assembly);

        /// <summary>The method's parameter a run expression comes from: run, p.Run, p.Item1, ...</summary>
        private int? ParameterRoot(IOperation? run)
        {
            for (var value = run?.WithoutConversions(); value is not null; value = (value as IMemberReferenceOperation)?.Instance?.WithoutConversions())
            {
                if (value is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, _method))
                    return parameter.Parameter.Ordinal;
                if (!(value is IMemberReferenceOperation)) break;
            }
            return null;
        }

        /// <summary>
        /// A field or property of this object (or a static), or a primary constructor's parameter it captured: the same
        /// object on every call of the method.
        /// </summary>
        private bool IsOwnState(IOperation value)
        {
            value = value.WithoutConversions();
            return value switch
            {
                IFieldReferenceOperation field => field.Instance is null || field.Instance is IInstanceReferenceOperation,
                IPropertyReferenceOperation property => property.Arguments.IsEmpty && (property.Instance is null || property.Instance is IInstanceReferenceOperation),
                IParameterReferenceOperation captured => captured.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
                    && !SymbolEqualityComparer.Default.Equals(constructor, _method),
                _ => false,
            };
        }

        private HashSet<int> ParametersIn(IOperation operation) => new HashSet<int>(operation.DescendantsAndSelf().OfType<IParameterReferenceOperation>()
            .Where(p => SymbolEqualityComparer.Default.Equals(p.Parameter.ContainingSymbol, _method)).Select(p => p.Parameter.Ordinal));

        /// <summary>The value is what the method returns, alone or inside a tuple or an object it returns.</summary>
        private static bool ReturnedWhole(IOperation value)
        {
            for (var parent = value.Parent; parent is not null; parent = parent.Parent)
            {
                switch (parent)
                {
                    case IReturnOperation _:
                        return true;
                    case IConversionOperation _:
                    case IParenthesizedOperation _:
                    case ITupleOperation _:
                    case IArgumentOperation { Parent: IObjectCreationOperation } _:
                    case IObjectCreationOperation _:
                    case IConditionalOperation _:
                    case ICoalesceOperation _:
                        continue;
                    default:
                        return false;
                }
            }
            return false;
        }

    }
}
