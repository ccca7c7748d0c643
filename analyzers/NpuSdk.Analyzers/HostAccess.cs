using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>What one operation does to the host or device view of a buffer.</summary>
    internal enum AccessKind
    {
        None,
        HostRead,
        HostWrite,
        /// <summary>A compound assignment or increment: the host reads the element, then writes it.</summary>
        HostReadWrite,
        /// <summary>The buffer may be synced, replaced or touched in a way this analysis cannot follow.</summary>
        Unknown,
        SyncToDevice,
        SyncFromDevice,
        Launch,
        /// <summary>User code runs (it may sync any buffer): forget everything.</summary>
        Opaque,
        /// <summary>Run.Wait or RunList.Wait: the runs started so far may have finished.</summary>
        Wait,
        /// <summary>NpuTensor.CopyFrom: the host writes the whole tensor and syncs it to the device.</summary>
        Upload,
        /// <summary>NpuTensor.CopyTo: a sync from the device, then a host read.</summary>
        Download,
        /// <summary>NpuTensor.MapForWrite: the host will write the tensor through the view (no sync yet).</summary>
        WriteView,
    }

    /// <summary>The buffers one launch is known to bind (possibly not all of them), each with what the kernel does to it.</summary>
    internal sealed class LaunchedBuffers
    {
        public LaunchedBuffers(bool completes) => Completes = completes;

        public List<(ISymbol Buffer, OperandRole Role)> Operands { get; } = new List<(ISymbol, OperandRole)>();

        /// <summary>The call returns once its runs have completed (a tensor call, a replay): nothing is left pending.</summary>
        public bool Completes { get; }

        public void Add(ISymbol buffer, OperandRole role) => Operands.Add((buffer, role));
    }

    /// <summary>
    /// The facts about a method body that do not depend on the path: which span locals map which buffer,
    /// which buffers are sub-buffers of which, which buffers each run (and run list) is bound to, and which
    /// buffers the host ever writes. Only locals, parameters, fields of this instance and members reached through one
    /// variable (HostAccess.Members.cs) are tracked. A tensor
    /// stands for its device buffer (<c>t.Buffer</c> is <c>t</c>); its own calls are in HostAccess.Tensors.cs.
    /// </summary>
    internal sealed partial class BufferFacts
    {
        private readonly NpuTypes _types;
        private readonly Dictionary<ILocalSymbol, ISymbol> _mappedSpans = new Dictionary<ILocalSymbol, ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _reassignedSpans = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, HashSet<ISymbol>> _runBuffers = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, HashSet<ISymbol>> _runListRuns = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ISymbol, HashSet<ISymbol>> _relatives = new Dictionary<ISymbol, HashSet<ISymbol>>(SymbolEqualityComparer.Default);
        // Buffer locals set only from "new Bo(...)" or from tracked variables; any other buffer local (a foreach
        // variable, an out variable, one picked by a ternary or returned by a call) may be any buffer.
        private readonly HashSet<ISymbol> _knownOrigin = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _unknownOrigin = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        private readonly Func<IMethodSymbol, MethodSummary> _summaryOf;

        /// <param name="summaryOf">What a call into the compilation does: a call that cannot sync is followed through the spans it is passed.</param>
        public BufferFacts(NpuTypes types, TensorTypes tensors, Func<IMethodSymbol, MethodSummary> summaryOf, IOperation body)
        {
            _types = types;
            _tensors = tensors;
            _summaryOf = summaryOf;
            GatherMembers(body);
            GatherLambdas(body);
            foreach (var op in body.Descendants()) Gather(op);
            foreach (var span in _reassignedSpans) _mappedSpans.Remove(span);
            FinishTensorFacts();
            foreach (var op in body.Descendants())
            {
                var (kind, buffer) = Classify(op, out _);
                // Zero-filling an output before the launch writes no input: the buffer still holds results after it.
                bool writes = kind == AccessKind.HostWrite || kind == AccessKind.HostReadWrite || kind == AccessKind.Upload || kind == AccessKind.WriteView;
                if (writes && buffer is not null && !IsInitialization(op)) HostWritten.Add(buffer);
            }
        }

        /// <summary>Clear(), or Fill with a constant: the host initializes the buffer, it does not give the kernel data.</summary>
        private static bool IsInitialization(IOperation write) =>
            write is IInvocationOperation { TargetMethod.Name: "Clear" }
            || (write is IInvocationOperation { TargetMethod.Name: "Fill" } fill && fill.Arguments.Length == 1 && fill.Arguments[0].Value.ConstantValue.HasValue);

        /// <summary>Buffers the method writes from the host somewhere: inputs (or in-out), not pure outputs.</summary>
        public HashSet<ISymbol> HostWritten { get; } = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>The buffer itself and the buffers it shares memory with (parent and sub-buffers).</summary>
        public IEnumerable<ISymbol> WithRelatives(ISymbol buffer)
        {
            yield return buffer;
            if (_relatives.TryGetValue(buffer, out var relatives))
                foreach (var r in relatives) yield return r;
        }

        /// <summary>
        /// What the operation does. For a launch, <paramref name="launched"/> holds the buffers it is known to
        /// be bound to (possibly not all of them).
        /// </summary>
        public (AccessKind Kind, ISymbol? Buffer) Classify(IOperation op, out LaunchedBuffers? launched)
        {
            launched = null;
            switch (op)
            {
                case IInvocationOperation call:
                    return ClassifyCall(call, out launched);
                case IObjectCreationOperation creation when creation.Constructor is not null && LoopFixes.IsUserCode(_types, creation.Constructor):
                    return (AccessKind.Opaque, null);
                case IPropertyReferenceOperation element when element.Property.IsIndexer && !IsSpan(element.Type):
                    return ElementAccess(element, SpanBuffer(element.Instance));
                case IImplicitIndexerReferenceOperation implicitElement when !IsSpan(implicitElement.Type):
                    return ElementAccess(implicitElement, SpanBuffer(implicitElement.Instance));
                case ISimpleAssignmentOperation assignment when IsTracked(assignment.Target.Type):
                    return (AccessKind.Unknown, Variable(assignment.Target));
                case IPropertyReferenceOperation matrix when IsViewMatrix(matrix):
                    return (AccessKind.Unknown, ViewTensor(matrix.Instance));
                default:
                    return (AccessKind.None, null);
            }
        }

        private (AccessKind, ISymbol?) ClassifyCall(IInvocationOperation call, out LaunchedBuffers? launched)
        {
            launched = null;
            var kind = _types.Classify(call);
            var receiver = Variable(call.Instance);
            switch (kind)
            {
                case NpuCallKind.Sync:
                    if (receiver is null || MayBeAnyBuffer(receiver)) return (AccessKind.Opaque, null);
                    int direction = LoopFixes.ConstantDirection(call);
                    return (direction == 0 ? AccessKind.SyncToDevice : direction == 1 ? AccessKind.SyncFromDevice : AccessKind.Unknown, receiver);
                case NpuCallKind.HostWrite:
                    return (AccessKind.HostWrite, receiver);
                case NpuCallKind.HostRead:
                    return (AccessKind.HostRead, receiver);
                case NpuCallKind.Launch:
                    launched = RunBuffers(call);
                    return (AccessKind.Launch, null);
                case NpuCallKind.RunWait:
                case NpuCallKind.RunListWait:
                    return (AccessKind.Wait, null);
                case NpuCallKind.None:
                    break;
                default:
                    return (AccessKind.None, null);
            }
            // Before the user-code rule: a generated tensor overload is compiled with the user's code.
            if (ClassifyTensorCall(call, out launched) is { } tensorAccess) return tensorAccess;
            if (LoopFixes.IsUserCode(_types, call.TargetMethod)) return ClassifyUserCall(call);
            // A library call running a lambda (List.ForEach, Parallel.For, Task.Run, ...) runs that code too.
            if (call.Arguments.Any(a => a.Value.Type?.TypeKind == TypeKind.Delegate)) return ClassifyCodeRun(call);
            // A reinterpreting view of mapped memory touches nothing by itself; its element accesses count.
            if (IsMemoryView(call)) return (AccessKind.None, null);
            var instanceBuffer = SpanBuffer(call.Instance);
            if (instanceBuffer is not null)
            {
                switch (call.TargetMethod.Name)
                {
                    case "Slice": return (AccessKind.None, null);
                    case "CopyTo": case "TryCopyTo": case "ToArray": case "GetEnumerator": case "ToString": case "Equals":
                        return (AccessKind.HostRead, instanceBuffer);
                    case "Fill": case "Clear":
                        return (AccessKind.HostWrite, instanceBuffer);
                    default:
                        return (AccessKind.Unknown, instanceBuffer);
                }
            }
            ISymbol? escaped = null;
            foreach (var argument in call.Arguments)
            {
                var buffer = SpanBuffer(argument.Value);
                if (buffer is not null)
                {
                    bool isDestination = call.TargetMethod.Name == "CopyTo" || call.TargetMethod.Name == "TryCopyTo";
                    if (isDestination) return (AccessKind.HostWrite, buffer);
                    // A ReadOnlySpan parameter can only be read; a Span parameter may be written too.
                    return (IsReadOnlySpan(argument.Parameter?.Type) ? AccessKind.HostRead : AccessKind.Unknown, buffer);
                }
                var escaping = Variable(argument.Value.WithoutConversions());
                if (escaping is null || !IsTracked(argument.Value.WithoutConversions().Type)) continue;
                // A library call handed two buffers or tensors may sync either: only one can be forgotten.
                if (escaped is not null) return (AccessKind.Opaque, null);
                escaped = escaping;
            }
            return escaped is null ? (AccessKind.None, null) : (AccessKind.Unknown, escaped);
        }

        /// <summary>
        /// A call into the compilation. One that may sync, launch or run code not followed could make anything right:
        /// forget everything. One that cannot touches only what it is passed: mapped memory it writes or reads through a
        /// span parameter (its summary says which), and a buffer passed whole (whose use is not followed).
        /// </summary>
        private (AccessKind, ISymbol?) ClassifyUserCall(IInvocationOperation call)
        {
            var summary = _summaryOf(call.TargetMethod);
            if (summary.MaySync) return (AccessKind.Opaque, null);
            (AccessKind, ISymbol?) access = (AccessKind.None, null);
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not { } parameter) continue;
                int ordinal = parameter.Ordinal;
                (AccessKind, ISymbol?) touched;
                if (SpanBuffer(argument.Value) is { } mapped)
                {
                    bool writes = summary.WrittenSpans.Contains(ordinal), reads = summary.ReadSpans.Contains(ordinal);
                    if (summary.UnknownSpans.Contains(ordinal)) return (AccessKind.Opaque, null);
                    if (!writes && !reads) continue;
                    touched = (writes && reads ? AccessKind.HostReadWrite : writes ? AccessKind.HostWrite : AccessKind.HostRead, mapped);
                }
                else if (IsTracked(argument.Value.WithoutConversions().Type) && Variable(argument.Value.WithoutConversions()) is { } whole)
                {
                    touched = (AccessKind.Unknown, whole);
                }
                else
                {
                    continue;
                }
                // One access per operation: a call touching two buffers cannot be followed, so it forgets everything.
                if (access.Item2 is not null) return (AccessKind.Opaque, null);
                access = touched;
            }
            return access;
        }

        private static (AccessKind, ISymbol?) ElementAccess(IOperation element, ISymbol? buffer)
        {
            if (buffer is null) return (AccessKind.None, null);
            switch (element.Parent)
            {
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, element):
                    return (AccessKind.HostWrite, buffer);
                case ICompoundAssignmentOperation compound when ReferenceEquals(compound.Target, element):
                case IIncrementOrDecrementOperation _:
                    return (AccessKind.HostReadWrite, buffer);
                default:
                    return (AccessKind.HostRead, buffer);
            }
        }

        /// <summary>A buffer local whose origin the analysis does not know: a sync through it may sync any buffer.</summary>
        private bool MayBeAnyBuffer(ISymbol receiver) =>
            receiver is ILocalSymbol && (!_knownOrigin.Contains(receiver) || _unknownOrigin.Contains(receiver));

        private void NoteOrigin(ILocalSymbol target, IOperation value)
        {
            if (!IsTracked(target.Type)) return;
            var origin = value.WithoutConversions();
            bool known = (origin is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation)
                || IsTensorCreation(origin) || Variable(origin) is not null;
            (known ? _knownOrigin : _unknownOrigin).Add(target);
        }

        private void Gather(IOperation op)
        {
            switch (op)
            {
                case IVariableDeclaratorOperation { Initializer: { } origin } declared:
                    NoteOrigin(declared.Symbol, origin.Value);
                    break;
                case IVariableDeclaratorOperation undeclared when undeclared.Initializer is null:
                    NoteOrigin(undeclared.Symbol, undeclared);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } reassignment:
                    NoteOrigin(assigned.Local, reassignment.Value);
                    break;
            }
            switch (op)
            {
                case IVariableDeclaratorOperation declarator when declarator.Initializer is not null:
                    var value = declarator.Initializer.Value.WithoutConversions();
                    if (IsSpan(declarator.Symbol.Type))
                    {
                        var buffer = SpanBuffer(value);
                        if (buffer is not null) _mappedSpans[declarator.Symbol] = buffer;
                        else _reassignedSpans.Add(declarator.Symbol);
                    }
                    else if (IsTracked(declarator.Symbol.Type) && Variable(value) is { } aliased)
                    {
                        // "var results = output": a sync through either name is a sync of both.
                        Relate(declarator.Symbol, aliased);
                        Relate(aliased, declarator.Symbol);
                    }
                    else if (value is IObjectCreationOperation creation && _types.Classify(creation) == NpuCallKind.BufferAllocation
                        && creation.Arguments.Length > 0 && _types.IsBo(creation.Arguments[0].Value.Type)
                        && Variable(creation.Arguments[0].Value.WithoutConversions()) is { } parent)
                    {
                        Relate(declarator.Symbol, parent);
                        Relate(parent, declarator.Symbol);
                    }
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation spanLocal && IsSpan(spanLocal.Type):
                    _reassignedSpans.Add(spanLocal.Local);
                    break;
                case ISimpleAssignmentOperation alias when IsTracked(alias.Target.Type)
                    && Variable(alias.Target) is { } target && Variable(alias.Value.WithoutConversions()) is { } source:
                    Relate(target, source);
                    Relate(source, target);
                    break;
                case IInvocationOperation call:
                    var kind = _types.Classify(call);
                    var owner = LoopFixes.VariableSymbol(call.Instance);
                    if (owner is null) break;
                    if (kind == NpuCallKind.SetArg && call.Arguments.Length == 2 && _types.IsBo(call.Arguments[1].Value.Type)
                        && Variable(call.Arguments[1].Value.WithoutConversions()) is { } bound)
                        Set(_runBuffers, owner).Add(bound);
                    else if (kind == NpuCallKind.RunListAdd && call.Arguments.Length == 1 && LoopFixes.VariableSymbol(call.Arguments[0].Value.WithoutConversions()) is { } run)
                        Set(_runListRuns, owner).Add(run);
                    break;
            }
            GatherTensorFacts(op);
        }

        private LaunchedBuffers RunBuffers(IInvocationOperation launch)
        {
            var buffers = new LaunchedBuffers(completes: false);
            var owner = LoopFixes.VariableSymbol(launch.Instance);
            switch (launch.TargetMethod.ContainingType.Name)
            {
                case "Kernel":
                    foreach (var value in launch.ArgumentValues())
                    {
                        var inner = value.WithoutConversions();
                        if (_types.IsBo(inner.Type) && Variable(inner) is { } buffer) buffers.Add(buffer, OperandRole.Unknown);
                    }
                    break;
                case "Run":
                    if (owner is not null && _runBuffers.TryGetValue(owner, out var bound))
                        foreach (var buffer in bound) buffers.Add(buffer, OperandRole.Unknown);
                    break;
                case "RunList":
                    if (owner is not null && _runListRuns.TryGetValue(owner, out var runs))
                        foreach (var run in runs)
                            if (_runBuffers.TryGetValue(run, out var runBound))
                                foreach (var buffer in runBound) buffers.Add(buffer, OperandRole.Unknown);
                    break;
            }
            return buffers;
        }

        /// <summary>
        /// The buffer whose mapped memory a span expression is: a mapped span local, Map() itself, a tensor view's Span,
        /// or a slice of any of them.
        /// </summary>
        private ISymbol? SpanBuffer(IOperation? expression)
        {
            // A loop, not recursion: a chain of slices and views may be as long as the code makes it.
            for (var value = expression?.WithoutConversions(); value is not null; value = value?.WithoutConversions())
            {
                switch (value)
                {
                    case ILocalReferenceOperation local when _mappedSpans.TryGetValue(local.Local, out var mapped) && !_reassignedSpans.Contains(local.Local):
                        return mapped;
                    case IInvocationOperation call when _types.Classify(call) == NpuCallKind.Map:
                        return Variable(call.Instance);
                    case IPropertyReferenceOperation viewSpan when IsViewSpan(viewSpan):
                        return ViewTensor(viewSpan.Instance);
                    case IInvocationOperation slice when slice.TargetMethod.Name == "Slice" && IsSpan(slice.Type):
                        value = slice.Instance;
                        break;
                    case IImplicitIndexerReferenceOperation range when IsSpan(range.Type):
                        value = range.Instance;
                        break;
                    case IInvocationOperation view when IsMemoryView(view) && view.Arguments.Length == 1:
                        value = view.Arguments[0].Value;
                        break;
                    default:
                        return null;
                }
            }
            return null;
        }

        /// <summary>MemoryMarshal.Cast / AsBytes: the same memory seen as other elements.</summary>
        private static bool IsMemoryView(IInvocationOperation call) =>
            (call.TargetMethod.Name == "Cast" || call.TargetMethod.Name == "AsBytes") && IsSpan(call.Type)
            && call.TargetMethod.ContainingType.Name == "MemoryMarshal"
            && call.TargetMethod.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Runtime.InteropServices";

        private void Relate(ISymbol a, ISymbol b) => Set(_relatives, a).Add(b);

        private static HashSet<ISymbol> Set(Dictionary<ISymbol, HashSet<ISymbol>> map, ISymbol key)
        {
            if (!map.TryGetValue(key, out var set)) map[key] = set = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            return set;
        }


        private static bool IsSpan(ITypeSymbol? type) =>
            type is INamedTypeSymbol named && (named.Name == "Span" || named.Name == "ReadOnlySpan")
            && named.ContainingNamespace?.ToDisplayString() == "System";

        private static bool IsReadOnlySpan(ITypeSymbol? type) => IsSpan(type) && type!.Name == "ReadOnlySpan";
    }
}
