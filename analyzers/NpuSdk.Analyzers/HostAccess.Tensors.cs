using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace NpuSdk.Analyzers
{
    /// <summary>
    /// Tensors in the buffer facts. A tensor local, parameter or field stands for its device buffer: <c>t.Buffer</c>
    /// resolves to <c>t</c>, so a raw Map, Read, Write or Sync of it is followed like any buffer's. Its own members
    /// make their syncs (CopyFrom, CopyTo, MapForRead, a disposed MapForWrite view); a generated overload over tensors,
    /// NpuLaunch.Invoke over tensor operands and the Replay of a sequence recorded in this method launch kernels over
    /// them, and return once the kernels have completed.
    /// </summary>
    internal sealed partial class BufferFacts
    {
        private readonly TensorTypes _tensors;
        // View locals ("var w = t.MapForWrite()") and the tensor each maps; a view assigned again is not followed.
        private readonly Dictionary<ILocalSymbol, ISymbol> _views = new Dictionary<ILocalSymbol, ISymbol>(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _reassignedViews = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        // Span locals taken from a write view, for the message: a write view shows what the host last saw.
        private readonly HashSet<ILocalSymbol> _writeViewSpans = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        // Sequence locals set once from session.Record(() => ...), with the action; then the tensor calls it records.
        private readonly Dictionary<ILocalSymbol, IOperation> _recordedActions = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> _reassignedSequences = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
        private readonly Dictionary<ILocalSymbol, LaunchedBuffers> _recordings = new Dictionary<ILocalSymbol, LaunchedBuffers>(SymbolEqualityComparer.Default);
        // Tensor variables assigned after their declaration: a recording holds the tensor they named when it was made.
        private readonly HashSet<ISymbol> _reassignedTensors = new HashSet<ISymbol>(SymbolEqualityComparer.Default);

        /// <summary>True when the buffer is a tensor (its raw buffer is <c>name.Buffer</c>).</summary>
        public bool IsTensor(ISymbol buffer) => _tensors.IsTensor(TypeOf(buffer));

        /// <summary>What a whole-buffer sync of the buffer is called on: the raw buffer of a tensor, else the buffer itself.</summary>
        public string SyncTarget(ISymbol buffer) => IsTensor(buffer) ? Display(buffer) + ".Buffer" : Display(buffer);

        /// <summary>True when the read goes through a tensor's write view (for the message; a report happens rarely, so it may look).</summary>
        public bool ThroughWriteView(IOperation read) => read.DescendantsAndSelf().Any(op =>
            (op is IPropertyReferenceOperation span && IsViewSpan(span) && _tensors.IsWriteView(span.Property.ContainingType))
            || (op is ILocalReferenceOperation local && _writeViewSpans.Contains(local.Local)));

        private bool IsTracked(ITypeSymbol? type) => _types.IsBo(type) || _tensors.IsTensor(type);

        /// <summary>The variable an expression names, a tensor standing for its own <c>Buffer</c>.</summary>
        private ISymbol? Variable(IOperation? expression)
        {
            if (expression is IPropertyReferenceOperation buffer && _tensors.IsBufferProperty(buffer.Property))
                return buffer.Instance is null ? null : LoopFixes.VariableSymbol(buffer.Instance.WithoutConversions()) ?? MemberVariable(buffer.Instance.WithoutConversions());
            return LoopFixes.VariableSymbol(expression) ?? MemberVariable(expression);
        }

        private bool IsTensorCreation(IOperation origin) =>
            origin is IInvocationOperation call && _tensors.Classify(call.TargetMethod) == TensorCallKind.Create;

        private bool IsViewSpan(IPropertyReferenceOperation property) =>
            property.Property.Name == "Span" && _tensors.IsView(property.Property.ContainingType);

        private bool IsViewMatrix(IPropertyReferenceOperation property) =>
            property.Property.Name == "Matrix" && _tensors.IsView(property.Property.ContainingType);

        /// <summary>The tensor a view expression maps: a view local, or MapForRead()/MapForWrite() itself.</summary>
        private ISymbol? ViewTensor(IOperation? expression)
        {
            switch (expression?.WithoutConversions())
            {
                case ILocalReferenceOperation local when _views.TryGetValue(local.Local, out var tensor) && !_reassignedViews.Contains(local.Local):
                    return tensor;
                case IInvocationOperation map when _tensors is not null
                    && _tensors.Classify(map.TargetMethod) is TensorCallKind.MapForRead or TensorCallKind.MapForWrite:
                    return Variable(map.Instance);
                default:
                    return null;
            }
        }

        /// <summary>A tensor call's access, or null when the call is not one (the caller's rules apply).</summary>
        private (AccessKind, ISymbol?)? ClassifyTensorCall(IInvocationOperation call, out LaunchedBuffers? launched)
        {
            launched = null;
            var kind = _tensors.Classify(call.TargetMethod);
            switch (kind)
            {
                case TensorCallKind.None:
                case TensorCallKind.Record:
                    // Record runs its action (which may do anything): the lambda rule makes it opaque.
                    return null;
                case TensorCallKind.Reference:
                case TensorCallKind.Create:
                    return (AccessKind.None, null);
                case TensorCallKind.KernelCall:
                case TensorCallKind.Invoke:
                case TensorCallKind.Replay:
                    launched = TensorLaunch(call, kind);
                    return (AccessKind.Launch, null);
                case TensorCallKind.MapForWrite:
                    return (AccessKind.WriteView, Variable(call.Instance));
            }
            // The rest sync: through a tensor (or view) the analysis cannot pin down, they may sync any.
            var tensor = kind == TensorCallKind.WriteViewDispose ? ViewTensor(call.Instance) : Variable(call.Instance);
            if (tensor is null || MayBeAnyBuffer(tensor)) return (AccessKind.Opaque, null);
            switch (kind)
            {
                case TensorCallKind.Upload: return (AccessKind.Upload, tensor);
                case TensorCallKind.Download: return (AccessKind.Download, tensor);
                case TensorCallKind.MapForRead: return (AccessKind.SyncFromDevice, tensor);
                default: return (AccessKind.SyncToDevice, tensor);
            }
        }

        /// <summary>The tensors a tensor call binds, with what its kernels do to each.</summary>
        private LaunchedBuffers TensorLaunch(IInvocationOperation call, TensorCallKind kind)
        {
            if (kind == TensorCallKind.Replay)
                return call.Instance is ILocalReferenceOperation sequence && _recordings.TryGetValue(sequence.Local, out var recording)
                    ? recording : new LaunchedBuffers(completes: true);
            var launched = new LaunchedBuffers(completes: true);
            if (kind == TensorCallKind.Invoke)
            {
                foreach (var argument in call.Arguments)
                    if (_tensors.IsOperandsType(argument.Parameter?.Type)) AddOperandChain(argument.Value, launched);
                return launched;
            }
            var roles = _tensors.Roles(call.TargetMethod);
            foreach (var argument in call.Arguments)
            {
                if (argument.Parameter is not { } parameter || !_tensors.IsTensor(parameter.Type)) continue;
                if (Variable(argument.Value.WithoutConversions()) is { } tensor)
                    launched.Add(tensor, parameter.Ordinal < roles.Length ? roles[parameter.Ordinal] : OperandRole.Unknown);
            }
            return launched;
        }

        /// <summary>NpuTensorOperands.Create().In(a).Out(b)...: each In an input, each Out an output (a chain built elsewhere adds nothing).</summary>
        private void AddOperandChain(IOperation operands, LaunchedBuffers launched)
        {
            var link = operands.WithoutConversions();
            while (link is IInvocationOperation call && _tensors.IsOperandsType(call.TargetMethod.ContainingType))
            {
                if (_tensors.OperandOf(call.TargetMethod) is { } role && call.Arguments.Length == 1
                    && Variable(call.Arguments[0].Value.WithoutConversions()) is { } tensor)
                    launched.Add(tensor, role);
                if (call.Instance is null) break;
                link = call.Instance.WithoutConversions();
            }
        }

        /// <summary>Views, sequences and reassigned tensors; called for each operation of the body, in order.</summary>
        private void GatherTensorFacts(IOperation op)
        {
            if (!_tensors.Exist) return;
            switch (op)
            {
                case IVariableDeclaratorOperation { Initializer: { } view } declarator when _tensors.IsView(declarator.Symbol.Type):
                    if (ViewTensor(view.Value) is { } mapped) _views[declarator.Symbol] = mapped;
                    else _reassignedViews.Add(declarator.Symbol);
                    break;
                case IVariableDeclaratorOperation { Initializer: { } span } declarator when IsSpan(declarator.Symbol.Type):
                    if (span.Value.DescendantsAndSelf().Any(e => e is IPropertyReferenceOperation p && IsViewSpan(p) && _tensors.IsWriteView(p.Property.ContainingType)))
                        _writeViewSpans.Add(declarator.Symbol);
                    break;
                case IVariableDeclaratorOperation { Initializer: { } sequence } declarator when _tensors.IsSequence(declarator.Symbol.Type):
                    if (sequence.Value.WithoutConversions() is IInvocationOperation record && _tensors.Classify(record.TargetMethod) == TensorCallKind.Record
                        && record.Arguments.Length == 1 && record.Arguments[0].Value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation action })
                        _recordedActions[declarator.Symbol] = action.Body;
                    else
                        _reassignedSequences.Add(declarator.Symbol);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local }:
                    if (_tensors.IsView(local.Type)) _reassignedViews.Add(local.Local);
                    else if (_tensors.IsSequence(local.Type)) _reassignedSequences.Add(local.Local);
                    break;
            }
            if (op is ISimpleAssignmentOperation assignment && _tensors.IsTensor(assignment.Target.Type) && Variable(assignment.Target) is { } tensor)
                _reassignedTensors.Add(tensor);
        }

        /// <summary>
        /// The tensors each recorded sequence's Replay launches: those the recorded action passes to tensor calls,
        /// when they are locals or value parameters never assigned again (the recording bound the tensor they held).
        /// </summary>
        private void FinishTensorFacts()
        {
            foreach (var view in _reassignedViews) _views.Remove(view);
            foreach (var pair in _recordedActions)
            {
                if (_reassignedSequences.Contains(pair.Key)) continue;
                var recording = new LaunchedBuffers(completes: true);
                foreach (var op in pair.Value.Descendants())
                {
                    if (!(op is IInvocationOperation call)) continue;
                    var kind = _tensors.Classify(call.TargetMethod);
                    if (kind != TensorCallKind.KernelCall && kind != TensorCallKind.Invoke) continue;
                    foreach (var (tensor, role) in TensorLaunch(call, kind).Operands)
                        if (IsBoundForGood(tensor)) recording.Add(tensor, role);
                }
                _recordings[pair.Key] = recording;
            }
        }

        private bool IsBoundForGood(ISymbol tensor) =>
            !_reassignedTensors.Contains(tensor)
            && ((tensor is ILocalSymbol && !MayBeAnyBuffer(tensor)) || tensor is IParameterSymbol { RefKind: RefKind.None });

        private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => local.Type,
            IParameterSymbol parameter => parameter.Type,
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
    }
}
