using System.ComponentModel;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;
using NpuSdk.Xclbin;

namespace NpuSdk.Launch;

/// <summary>
/// What the generator resolved for one <see cref="NpuKernelAttribute"/> method at compile time, as typed values: the
/// xclbin it checked (its path as the build copies it, its uuid and kernel), the instruction stream, the design (pattern,
/// tile, every argument of the kernel's signature and what runs bind to it, the numeric rule), the method's parameters
/// and the timeout. Generated code holds one in a static field and passes it to <see cref="NpuLaunch"/>; the runtime plans
/// every call from it without reading a manifest.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NpuKernelDescriptor
{
    private KernelBinding? _binding;
    private Exception? _bindingError;

    /// <summary>Creates a descriptor. Nothing is checked until the first call (a static field's initializer must not throw).</summary>
    /// <param name="method">The method's name, for messages.</param>
    /// <param name="xclbinPath">The xclbin, relative to the application's directory (or absolute).</param>
    /// <param name="xclbinUuid">The uuid of the xclbin the generator checked: loading another file is refused.</param>
    /// <param name="instructionsPath">The instruction stream, relative to the application's directory (or absolute); empty when the kernel takes none.</param>
    /// <param name="design">What one invocation computes and how runs bind the kernel's arguments.</param>
    /// <param name="parameters">The method's buffer parameters, then its scalar parameters.</param>
    /// <param name="timeoutMilliseconds">How long one call waits for its runs.</param>
    public NpuKernelDescriptor(string method, string xclbinPath, string xclbinUuid, string instructionsPath, KernelDesign design, NpuParameter[] parameters, int timeoutMilliseconds)
    {
        Method = method ?? "";
        XclbinPath = xclbinPath ?? "";
        XclbinUuid = xclbinUuid ?? "";
        InstructionsPath = instructionsPath ?? "";
        Design = design;
        Parameters = parameters ?? [];
        TimeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>The method's name, for messages.</summary>
    public string Method { get; }
    /// <summary>The xclbin's path.</summary>
    public string XclbinPath { get; }
    /// <summary>The uuid of the xclbin the generator checked.</summary>
    public string XclbinUuid { get; }
    /// <summary>The kernel's name in the xclbin.</summary>
    public string KernelName => Design?.Kernel ?? "";
    /// <summary>The instruction stream's path (empty when the kernel takes none).</summary>
    public string InstructionsPath { get; }
    /// <summary>The design.</summary>
    public KernelDesign Design { get; }
    /// <summary>The method's parameters: buffers, then scalars.</summary>
    public IReadOnlyList<NpuParameter> Parameters { get; }
    /// <summary>How long one call waits for its runs, in milliseconds.</summary>
    public int TimeoutMilliseconds { get; }
    /// <summary>How long one call waits for its runs.</summary>
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(Math.Max(TimeoutMilliseconds, 1));

    /// <summary>The design, pattern and parameters resolved once; a descriptor that cannot be resolved fails every call the same way.</summary>
    internal KernelBinding Binding
    {
        get
        {
            var binding = Volatile.Read(ref _binding);
            if (binding is not null) return binding;
            if (Volatile.Read(ref _bindingError) is { } error) throw new NpuException(error.Message, error);
            try
            {
                binding = new KernelBinding(this);
            }
            catch (Exception e) when (e is KernelManifestException or FormatException or ArgumentException)
            {
                string reason = e is KernelManifestException m ? m.Reason : e.Message;
                var wrapped = new NpuException($"{Method}: its generated descriptor is not usable ({reason}); rebuild the project with the NpuSdk package this program runs with.", e);
                Volatile.Write(ref _bindingError, wrapped);
                throw wrapped;
            }
            return Interlocked.CompareExchange(ref _binding, binding, null) ?? binding;
        }
    }

    /// <summary>
    /// A descriptor for <paramref name="manifest"/> bound to the kernel of <paramref name="xclbin"/>, as the generator
    /// would write it: for the npu tool, tests and benchmarks that call a design without a generated method.
    /// </summary>
    /// <exception cref="KernelManifestException">The manifest does not fit the xclbin's kernel.</exception>
    internal static NpuKernelDescriptor For(string method, XclbinFile xclbin, string xclbinPath, KernelManifest manifest, string instructionsPath,
        IReadOnlyList<ElementType> bufferTypes, int timeoutMilliseconds = 10_000)
    {
        var kernel = xclbin.FindKernel(manifest.KernelName)
            ?? throw new KernelManifestException($"the xclbin has no kernel '{manifest.KernelName}'", manifest.SourcePath, 0, 0);
        var design = KernelDesign.From(manifest, KernelAbi.Bind(kernel, manifest));
        var operands = PatternStrategy.For(manifest.Pattern).Operands(manifest);
        var parameters = operands.Select((o, i) => NpuParameter.Buffer(o.Name, o.Name, i < bufferTypes.Count ? bufferTypes[i] : o.KernelType))
            .Concat(manifest.Scalars.Where(s => s.Value is null).Select(s => NpuParameter.Scalar(s.Arg, s.Arg, s.Type)))
            .ToArray();
        return new NpuKernelDescriptor(method, xclbinPath, xclbin.Uuid.ToString(), instructionsPath, design, parameters, timeoutMilliseconds);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} ({KernelName} in {XclbinPath})";
}

/// <summary>
/// One parameter of a generated method and what it binds: a buffer (a span, memory or tensor of an element type) and the
/// design's operand it stands for, or a scalar and the kernel argument it is bound to.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NpuParameter
{
    private NpuParameter(string name, string target, ElementType? elementType, ScalarType? scalarType)
    {
        Name = name;
        Target = target;
        ElementType = elementType;
        ScalarType = scalarType;
    }

    /// <summary>A buffer parameter of <paramref name="elementType"/> standing for the design's operand <paramref name="operand"/>.</summary>
    public static NpuParameter Buffer(string name, string operand, ElementType elementType) => new(name, operand, elementType, null);

    /// <summary>A scalar parameter of <paramref name="scalarType"/> bound to the kernel's scalar argument <paramref name="argument"/>.</summary>
    public static NpuParameter Scalar(string name, string argument, ScalarType scalarType) => new(name, argument, null, scalarType);

    /// <summary>The parameter's name.</summary>
    public string Name { get; }
    /// <summary>What it binds: a buffer's operand, a scalar's kernel argument.</summary>
    public string Target { get; }
    /// <summary>A buffer's element type; null for a scalar.</summary>
    public ElementType? ElementType { get; }
    /// <summary>A scalar's type; null for a buffer.</summary>
    public ScalarType? ScalarType { get; }

    /// <inheritdoc />
    public override string ToString() => ElementType is { } e
        ? $"{Name}: {ElementTypes.ManifestName(e)} operand {Target}"
        : $"{Name}: {KernelManifestParser.ScalarTypeName(ScalarType!.Value)} scalar {Target}";
}

/// <summary>A descriptor resolved: the design's manifest, the pattern's strategy and the method's operands, types and scalars.</summary>
internal sealed class KernelBinding
{
    public KernelBinding(NpuKernelDescriptor descriptor)
    {
        Descriptor = descriptor;
        if (descriptor.Design is null) throw new ArgumentException("it has no design");
        if (descriptor.Method.Length == 0 || descriptor.XclbinPath.Length == 0) throw new ArgumentException("it names no method or no xclbin");
        if (descriptor.TimeoutMilliseconds <= 0) throw new ArgumentException($"its timeout is {descriptor.TimeoutMilliseconds} ms");
        Uuid = XclbinUuid.Parse(descriptor.XclbinUuid);
        Manifest = descriptor.Design.ToManifest($"the design of {descriptor.Method}");
        Strategy = PatternStrategy.For(Manifest.Pattern);
        Operands = Strategy.Operands(Manifest);
        var buffers = descriptor.Parameters.Where(p => p.ElementType is not null).ToList();
        var scalars = descriptor.Parameters.Where(p => p.ScalarType is not null).ToList();
        if (buffers.Count != Operands.Count)
            throw new ArgumentException($"the method has {buffers.Count} buffer parameters; the {KernelManifestParser.PatternName(Manifest.Pattern)} design has {Operands.Count} operands");
        var passed = Manifest.Scalars.Count(s => s.Value is null);
        if (scalars.Count != passed)
            throw new ArgumentException($"the method passes {scalars.Count} scalars; the design has {passed} without a fixed value");
        for (int i = 0; i < Operands.Count; i++)
        {
            var kernelType = Operands[i].KernelType;
            var type = buffers[i].ElementType!.Value;
            if (buffers[i].Target != Operands[i].Name)
                throw new ArgumentException($"parameter '{buffers[i].Name}' stands for operand '{buffers[i].Target}', but the design's operand {i} is '{Operands[i].Name}'");
            if (!ElementTypes.Fits(Operands[i].IsInput, type, kernelType)) throw new ArgumentException($"parameter '{buffers[i].Name}' is {ElementTypes.ManifestName(type)} but operand '{Operands[i].Name}' is {ElementTypes.ManifestName(kernelType)}");
        }
        var targets = new int[scalars.Count];
        for (int i = 0; i < scalars.Count; i++)
        {
            int target = -1;
            for (int s = 0; s < Manifest.Scalars.Count; s++) if (Manifest.Scalars[s].Arg == scalars[i].Target) target = s;
            if (target < 0 || Manifest.Scalars[target].Value is not null || Array.IndexOf(targets, target, 0, i) >= 0)
                throw new ArgumentException($"scalar parameter '{scalars[i].Name}' is bound to '{scalars[i].Target}', which is not a scalar of the design without a fixed value, or is bound twice");
            var declared = Manifest.Scalars[target].Type;
            if (scalars[i].ScalarType != declared)
                throw new ArgumentException($"scalar parameter '{scalars[i].Name}' is {KernelManifestParser.ScalarTypeName(scalars[i].ScalarType!.Value)} but the design's scalar '{scalars[i].Target}' is {KernelManifestParser.ScalarTypeName(declared)}");
            targets[i] = target;
        }
        ParameterNames = buffers.Select(b => b.Name).ToArray();
        MethodTypes = buffers.Select(b => b.ElementType!.Value).ToArray();
        ScalarTargets = targets;
        // What may share a loaded kernel (its instruction buffer) between methods: the same file, stream and design.
        Key = string.Join("\n", descriptor.XclbinPath, descriptor.XclbinUuid, descriptor.InstructionsPath, descriptor.Design.ToString());
    }

    public NpuKernelDescriptor Descriptor { get; }
    /// <summary>The uuid of the xclbin the generator checked.</summary>
    public XclbinUuid Uuid { get; }
    public KernelManifest Manifest { get; }
    public PatternStrategy Strategy { get; }
    public IReadOnlyList<MethodOperand> Operands { get; }
    public IReadOnlyList<string> ParameterNames { get; }
    public ElementType[] MethodTypes { get; }
    /// <summary>For each scalar the method passes, in order, its index in the manifest's scalars.</summary>
    public int[] ScalarTargets { get; }
    /// <summary>Equal for methods that load the same kernel the same way.</summary>
    public string Key { get; }
    public string Method => Descriptor.Method;
}
