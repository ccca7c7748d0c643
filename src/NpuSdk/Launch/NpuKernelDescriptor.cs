using System.ComponentModel;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// What the generator learned about one <see cref="NpuKernelAttribute"/> method at compile time: the files to load
/// (paths relative to the application's directory, as the build copies them), the kernel, the manifest that says
/// what one invocation computes, and the method's parameters. Generated code holds one in a static field and passes
/// it to <see cref="NpuLaunch"/>; the runtime plans every call from it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NpuKernelDescriptor
{
    private KernelBinding? _binding;
    private Exception? _bindingError;

    /// <summary>Creates a descriptor.</summary>
    /// <param name="method">The method's name, for messages.</param>
    /// <param name="xclbinPath">The xclbin, relative to the application's directory (or absolute).</param>
    /// <param name="kernelName">The kernel's name in the xclbin.</param>
    /// <param name="instructionsPath">The instruction stream, relative to the application's directory (or absolute).</param>
    /// <param name="manifest">The kernel manifest's JSON text.</param>
    /// <param name="parameters">The method's buffer parameters, then its scalar parameters, each as <c>name:type</c> (manifest type names).</param>
    /// <param name="timeoutMilliseconds">How long one call waits for its runs.</param>
    public NpuKernelDescriptor(string method, string xclbinPath, string kernelName, string instructionsPath, string manifest, string[] parameters, int timeoutMilliseconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(xclbinPath);
        ArgumentException.ThrowIfNullOrEmpty(kernelName);
        ArgumentNullException.ThrowIfNull(instructionsPath);
        ArgumentException.ThrowIfNullOrEmpty(manifest);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutMilliseconds);
        Method = method;
        XclbinPath = xclbinPath;
        KernelName = kernelName;
        InstructionsPath = instructionsPath;
        ManifestText = manifest;
        Parameters = (string[])parameters.Clone();
        Timeout = TimeSpan.FromMilliseconds(timeoutMilliseconds);
    }

    /// <summary>The method's name, for messages.</summary>
    public string Method { get; }
    /// <summary>The xclbin's path.</summary>
    public string XclbinPath { get; }
    /// <summary>The kernel's name.</summary>
    public string KernelName { get; }
    /// <summary>The instruction stream's path (empty when the kernel takes none).</summary>
    public string InstructionsPath { get; }
    /// <summary>The manifest's JSON text.</summary>
    public string ManifestText { get; }
    /// <summary>How long one call waits for its runs.</summary>
    public TimeSpan Timeout { get; }

    internal string[] Parameters { get; }

    /// <summary>The manifest, pattern and parameters resolved once; a descriptor that cannot be resolved fails every call the same way.</summary>
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
                var wrapped = new NpuException($"{Method}: the generated binding does not fit its manifest ({e.Message}); rebuild the project.", e);
                Volatile.Write(ref _bindingError, wrapped);
                throw wrapped;
            }
            return Interlocked.CompareExchange(ref _binding, binding, null) ?? binding;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} ({KernelName} in {XclbinPath})";
}

/// <summary>A descriptor resolved: the manifest, the pattern's strategy and the method's operands, types and scalars.</summary>
internal sealed class KernelBinding
{
    public KernelBinding(NpuKernelDescriptor descriptor)
    {
        Descriptor = descriptor;
        Manifest = KernelManifestParser.Parse(descriptor.ManifestText, Path.ChangeExtension(descriptor.XclbinPath, ".kernel.json"));
        Strategy = PatternStrategy.For(Manifest.Pattern);
        Operands = Strategy.Operands(Manifest);
        var names = new List<string>();
        var types = new List<ElementType>();
        var scalars = new List<int>();
        var passed = Manifest.Scalars.Select((s, i) => (s, i)).Where(x => x.s.Value is null).Select(x => x.i).ToList();
        foreach (var parameter in descriptor.Parameters)
        {
            int colon = parameter.LastIndexOf(':');
            if (colon <= 0) throw new FormatException($"parameter '{parameter}' is not name:type");
            string name = parameter[..colon], type = parameter[(colon + 1)..];
            if (ElementTypes.TryParse(type, out var element) && names.Count < Operands.Count)
            {
                names.Add(name);
                types.Add(element);
            }
            else
            {
                if (scalars.Count >= passed.Count) throw new FormatException($"scalar parameter '{name}' has no scalar in the manifest to bind");
                scalars.Add(passed[scalars.Count]);
            }
        }
        if (names.Count != Operands.Count) throw new FormatException($"the method has {names.Count} buffer parameters; the {KernelManifestParser.PatternName(Manifest.Pattern)} manifest has {Operands.Count} operands");
        if (scalars.Count != passed.Count) throw new FormatException($"the method passes {scalars.Count} scalars; the manifest has {passed.Count} without a fixed value");
        for (int i = 0; i < Operands.Count; i++)
        {
            var kernelType = Operands[i].KernelType;
            bool fits = Operands[i].IsInput ? types[i] == kernelType : ElementConversion.CanConvert(kernelType, types[i]);
            if (!fits) throw new FormatException($"parameter '{names[i]}' is {ElementTypes.ManifestName(types[i])} but operand '{Operands[i].Name}' is {ElementTypes.ManifestName(kernelType)}");
        }
        ParameterNames = names;
        MethodTypes = types.ToArray();
        ScalarTargets = scalars.ToArray();
    }

    public NpuKernelDescriptor Descriptor { get; }
    public KernelManifest Manifest { get; }
    public PatternStrategy Strategy { get; }
    public IReadOnlyList<MethodOperand> Operands { get; }
    public IReadOnlyList<string> ParameterNames { get; }
    public ElementType[] MethodTypes { get; }
    /// <summary>For each scalar the method passes, in order, its index in the manifest's scalars.</summary>
    public int[] ScalarTargets { get; }
    public string Method => Descriptor.Method;
}
