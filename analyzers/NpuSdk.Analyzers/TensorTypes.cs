using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Analyzers
{
    /// <summary>What a call does to a device-resident tensor, as NPU2006 follows it.</summary>
    internal enum TensorCallKind
    {
        None,
        /// <summary>NpuTensor.CopyFrom: the host writes every element, then syncs them to the device.</summary>
        Upload,
        /// <summary>NpuTensor.CopyTo: a sync from the device, then a read.</summary>
        Download,
        /// <summary>NpuTensor.MapForRead: a sync from the device; its view reads the host memory.</summary>
        MapForRead,
        /// <summary>NpuTensor.MapForWrite: a view of the host memory that syncs to the device when disposed.</summary>
        MapForWrite,
        /// <summary>NpuTensorWriteView.Dispose: the view's sync to the device.</summary>
        WriteViewDispose,
        /// <summary>A generated [NpuKernel] overload over tensors: it launches the kernel over the tensors it is passed.</summary>
        KernelCall,
        /// <summary>NpuLaunch.Invoke or InvokeAsync over NpuTensorOperands (what a generated overload calls).</summary>
        Invoke,
        /// <summary>NpuSequence.Replay: the recorded tensor calls, run again.</summary>
        Replay,
        /// <summary>NpuTensorOperands' builder and NpuLaunch.SessionOf: they hold the tensor, touching nothing.</summary>
        Reference,
        /// <summary>NpuSession.CreateTensor: a new tensor.</summary>
        Create,
        /// <summary>NpuSession.Record: runs its action to record the tensor calls it makes.</summary>
        Record,
    }

    /// <summary>What a kernel call does with one tensor it is passed.</summary>
    internal enum OperandRole
    {
        /// <summary>Not known: the kernel may read or write it.</summary>
        Unknown,
        /// <summary>The kernel only reads it.</summary>
        Input,
        /// <summary>The kernel writes it (and may read it).</summary>
        Output,
    }

    /// <summary>
    /// The tensor types of the runtime, resolved once per compilation. When the runtime referenced has no tensors (an
    /// older SDK) every check is false and every call classifies as None, so NPU2006 follows buffers only. What a
    /// method is (its call kind, a generated overload's operand roles) depends on the method alone, so it is worked
    /// out once per method for the whole compilation (method bodies are analyzed concurrently).
    /// </summary>
    internal sealed class TensorTypes
    {
        private const string GeneratorName = "NpuSdk.Generators";

        private TensorTypes(INamedTypeSymbol? tensor, INamedTypeSymbol? typedTensor, INamedTypeSymbol? readView, INamedTypeSymbol? writeView,
            INamedTypeSymbol? session, INamedTypeSymbol? sequence, INamedTypeSymbol? launch, INamedTypeSymbol? operands,
            INamedTypeSymbol? generatedCode)
        {
            _tensor = tensor;
            _typedTensor = typedTensor;
            _readView = readView;
            _writeView = writeView;
            _session = session;
            _sequence = sequence;
            _launch = launch;
            _operands = operands;
            _generatedCode = generatedCode;
            _classify = ClassifyUncached;
            _roles = RolesUncached;
        }

        private readonly INamedTypeSymbol? _tensor;
        private readonly INamedTypeSymbol? _typedTensor;
        private readonly INamedTypeSymbol? _readView;
        private readonly INamedTypeSymbol? _writeView;
        private readonly INamedTypeSymbol? _session;
        private readonly INamedTypeSymbol? _sequence;
        private readonly INamedTypeSymbol? _launch;
        private readonly INamedTypeSymbol? _operands;
        private readonly INamedTypeSymbol? _generatedCode;
        // Per compilation (this object lives as long as the compilation's analysis): no symbol outlives it here.
        private readonly ConcurrentDictionary<IMethodSymbol, TensorCallKind> _kinds =
            new ConcurrentDictionary<IMethodSymbol, TensorCallKind>(SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<OperandRole>> _rolesByOverload =
            new ConcurrentDictionary<IMethodSymbol, ImmutableArray<OperandRole>>(SymbolEqualityComparer.Default);
        private readonly Func<IMethodSymbol, TensorCallKind> _classify;
        private readonly Func<IMethodSymbol, ImmutableArray<OperandRole>> _roles;

        /// <summary>The compilation's tensor types: a fresh instance each time (its caches die with the compilation).</summary>
        public static TensorTypes Resolve(Compilation compilation)
        {
            var tensor = compilation.GetTypeByMetadataName("NpuSdk.NpuTensor");
            var typedTensor = compilation.GetTypeByMetadataName("NpuSdk.NpuTensor`1");
            if (tensor is null || typedTensor is null) return new TensorTypes(null, null, null, null, null, null, null, null, null);
            return new TensorTypes(tensor, typedTensor,
                compilation.GetTypeByMetadataName("NpuSdk.NpuTensorReadView`1"),
                compilation.GetTypeByMetadataName("NpuSdk.NpuTensorWriteView`1"),
                compilation.GetTypeByMetadataName("NpuSdk.NpuSession"),
                compilation.GetTypeByMetadataName("NpuSdk.NpuSequence"),
                compilation.GetTypeByMetadataName("NpuSdk.Launch.NpuLaunch"),
                compilation.GetTypeByMetadataName("NpuSdk.Launch.NpuTensorOperands"),
                compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute"));
        }

        /// <summary>False when the runtime has no tensor types: every check is then false and every call classifies as None.</summary>
        public bool Exist => _tensor is not null;

        /// <summary>A call that runs kernels over tensors.</summary>
        public static bool IsLaunch(TensorCallKind kind) =>
            kind == TensorCallKind.KernelCall || kind == TensorCallKind.Invoke || kind == TensorCallKind.Replay;

        /// <summary>NpuTensor or NpuTensor&lt;T&gt;.</summary>
        public bool IsTensor(ITypeSymbol? type) => type is not null && (NpuTypes.Is(type, _typedTensor) || NpuTypes.Is(type, _tensor));

        /// <summary>NpuTensorWriteView&lt;T&gt;.</summary>
        public bool IsWriteView(ITypeSymbol? type) => type is not null && NpuTypes.Is(type, _writeView);

        /// <summary>Either view a tensor maps.</summary>
        public bool IsView(ITypeSymbol? type) => type is not null && (NpuTypes.Is(type, _readView) || NpuTypes.Is(type, _writeView));

        /// <summary>NpuTensor.Buffer: the tensor's raw device buffer.</summary>
        public bool IsBufferProperty(IPropertySymbol property) => property.Name == "Buffer" && IsTensor(property.ContainingType);

        /// <summary>NpuTensorOperands: the operands of a tensor call, built by a chain of Create, In, Out and Scalar.</summary>
        public bool IsOperandsType(ITypeSymbol? type) => type is not null && NpuTypes.Is(type, _operands);

        /// <summary>NpuSequence.</summary>
        public bool IsSequence(ITypeSymbol? type) => type is not null && NpuTypes.Is(type, _sequence);

        /// <summary>A link of the operand chain: In adds an input, Out an output; null for any other call (Create and Scalar add no tensor).</summary>
        public OperandRole? OperandOf(IMethodSymbol method)
        {
            if (method.ContainingType is null || !NpuTypes.Is(method.ContainingType, _operands)) return null;
            return method.Name == "In" ? OperandRole.Input : method.Name == "Out" ? OperandRole.Output : (OperandRole?)null;
        }

        /// <summary>What a call of the method does to tensors; worked out once per method.</summary>
        public TensorCallKind Classify(IMethodSymbol method) => Exist ? _kinds.GetOrAdd(method, _classify) : TensorCallKind.None;

        private TensorCallKind ClassifyUncached(IMethodSymbol method)
        {
            var type = method.ContainingType;
            if (type is null) return TensorCallKind.None;
            switch (method.Name)
            {
                case "CopyFrom" when NpuTypes.Is(type, _typedTensor): return TensorCallKind.Upload;
                case "CopyTo" when NpuTypes.Is(type, _typedTensor): return TensorCallKind.Download;
                case "MapForRead" when NpuTypes.Is(type, _typedTensor): return TensorCallKind.MapForRead;
                case "MapForWrite" when NpuTypes.Is(type, _typedTensor): return TensorCallKind.MapForWrite;
                case "Dispose" when NpuTypes.Is(type, _writeView): return TensorCallKind.WriteViewDispose;
                case "Replay" when NpuTypes.Is(type, _sequence): return TensorCallKind.Replay;
                case "CreateTensor" when NpuTypes.Is(type, _session): return TensorCallKind.Create;
                case "Record" when NpuTypes.Is(type, _session): return TensorCallKind.Record;
                case "SessionOf" when NpuTypes.Is(type, _launch): return TensorCallKind.Reference;
                case "Invoke" when NpuTypes.Is(type, _launch):
                case "InvokeAsync" when NpuTypes.Is(type, _launch):
                    foreach (var parameter in method.Parameters)
                        if (IsOperandsType(parameter.Type)) return TensorCallKind.Invoke;
                    return TensorCallKind.None;
            }
            if (NpuTypes.Is(type, _operands)) return TensorCallKind.Reference;
            return IsGeneratedTensorOverload(method) ? TensorCallKind.KernelCall : TensorCallKind.None;
        }

        /// <summary>
        /// What a generated tensor overload does with each parameter: the [NpuKernel] method it mirrors (same type, name
        /// and parameter count: the declared span method for the synchronous form, the memory form for the asynchronous
        /// one) takes a read-only span or memory for an input and a writable one for an output.
        /// </summary>
        public ImmutableArray<OperandRole> Roles(IMethodSymbol overload) => _rolesByOverload.GetOrAdd(overload.OriginalDefinition, _roles);

        private ImmutableArray<OperandRole> RolesUncached(IMethodSymbol method)
        {
            var roles = new OperandRole[method.Parameters.Length];
            bool found = false;
            foreach (var member in method.ContainingType.GetMembers(method.Name))
            {
                if (!(member is IMethodSymbol mirror) || SymbolEqualityComparer.Default.Equals(mirror, method)
                    || mirror.Parameters.Length != method.Parameters.Length)
                    continue;
                var candidate = new OperandRole[roles.Length];
                bool fits = true;
                for (int i = 0; i < roles.Length && fits; i++)
                {
                    if (!IsTensor(method.Parameters[i].Type)) continue;
                    candidate[i] = RoleOf(mirror.Parameters[i].Type);
                    fits = candidate[i] != OperandRole.Unknown;
                }
                if (!fits) continue;
                // Two mirrors that disagree (hand-written overloads): trust neither.
                if (found && !roles.SequenceEqual(candidate)) return ImmutableArray.Create(new OperandRole[roles.Length]);
                roles = candidate;
                found = true;
            }
            return ImmutableArray.Create(roles);
        }

        private static OperandRole RoleOf(ITypeSymbol type)
        {
            var ns = type.ContainingNamespace?.ToDisplayString();
            if (ns != "System" && ns != "NpuSdk") return OperandRole.Unknown;
            switch (type.Name)
            {
                case "ReadOnlySpan": case "ReadOnlyMemory": case "ReadOnlySpan2D": case "ReadOnlyMemory2D":
                    return OperandRole.Input;
                case "Span": case "Memory": case "Span2D": case "Memory2D":
                    return OperandRole.Output;
                default:
                    return OperandRole.Unknown;
            }
        }

        /// <summary>A method the NpuSdk generator wrote that takes a tensor: it launches the kernel over the tensors it is passed.</summary>
        private bool IsGeneratedTensorOverload(IMethodSymbol method)
        {
            bool takesTensor = false;
            foreach (var parameter in method.Parameters) takesTensor |= IsTensor(parameter.Type);
            if (!takesTensor) return false;
            if (_generatedCode is null) return false;
            foreach (var attribute in method.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _generatedCode)
                    && attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string tool && tool == GeneratorName)
                    return true;
            }
            return false;
        }
    }
}
