using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

[assembly: ReferenceKernelLibrary(typeof(NpuSdk.Kernels.KernelLibrary))]

namespace NpuSdk.Kernels;

/// <summary>
/// The kernel library: its kernels' manifests and emulation xclbins, and the emulator's references, one per operation,
/// each computing what a manifest states (element types, layout, shift, rounding, saturation, accumulator, float
/// multiply-add). <see cref="ReferenceKernelRegistry.Default"/> finds this library by itself; call
/// <see cref="Register"/> to fill a registry of your own.
/// </summary>
public sealed class KernelLibrary : IReferenceKernelLibrary
{
    private static readonly IReadOnlyDictionary<string, KernelManifest> Manifests = EmbeddedManifests.Load(typeof(KernelLibrary).Assembly, "NpuSdk.Kernels.");

    /// <summary>The names of the library's kernels (<c>kernels/&lt;name&gt;/manifest.json</c>), sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Manifests.Keys.ToArray();

    /// <summary>The manifest of library kernel <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The library has no such kernel.</exception>
    public static KernelManifest Manifest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Manifests.TryGetValue(name, out var m) ? m
            : throw new ArgumentException($"The kernel library has no kernel '{name}'; it has {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>
    /// The emulation xclbin of library kernel <paramref name="name"/>: the same file the library's build writes as
    /// <c>&lt;name&gt;.xclbin</c> (IRON's argument shape, a uuid derived from the name). Register it with its
    /// <see cref="Manifest"/> (<see cref="Device.RegisterXclbin(XclbinFile, KernelManifest?)"/>) to run it on the emulator.
    /// </summary>
    public static XclbinFile EmulationXclbin(string name)
    {
        var manifest = Manifest(name);
        return XclbinFile.Read(XclbinWriter.Write(KernelModel.EmulationXclbin.Spec(manifest)!), name + ".xclbin");
    }

    /// <inheritdoc />
    public void Register(ReferenceKernelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.RegisterOperation("matmul", m => m.Pattern switch
        {
            NpuPattern.TileMatMul or NpuPattern.WholeArray => new MatMulReference(m),
            NpuPattern.KStripMatMul => new KStripMatMulReference(m),
            _ => throw Pattern(m, "tile-matmul, whole-array or kstrip-matmul"),
        });
        registry.RegisterOperation("gemv", m => m.Pattern == NpuPattern.Gemv ? new GemvReference(m) : throw Pattern(m, "gemv"));
        registry.RegisterOperation("add", m => m.Pattern == NpuPattern.Elementwise ? new ElementwiseReference(m) : throw Pattern(m, "elementwise"));
        registry.RegisterOperation("multiply", m => m.Pattern == NpuPattern.Elementwise ? new ElementwiseReference(m) : throw Pattern(m, "elementwise"));
        registry.RegisterOperation("gelu", m => m.Pattern == NpuPattern.Elementwise ? new GeluReference(m) : throw Pattern(m, "elementwise"));
        registry.RegisterOperation("layernorm", m => m.Pattern == NpuPattern.Rowwise ? new LayerNormReference(m) : throw Pattern(m, "rowwise"));
        registry.RegisterOperation("softmax", m => m.Pattern == NpuPattern.Rowwise ? new SoftmaxReference(m) : throw Pattern(m, "rowwise"));
        registry.RegisterOperation("bias-add", m => m.Pattern == NpuPattern.Rowwise ? new BiasAddReference(m) : throw Pattern(m, "rowwise"));
        registry.RegisterOperation("attention", m => m.Pattern == NpuPattern.Attention ? new AttentionReference(m) : throw Pattern(m, "attention"));
    }

    private static KernelManifestException Pattern(KernelManifest m, string patterns) =>
        new($"the emulator's {m.Operation} runs with pattern {patterns}, not {KernelManifestParser.PatternName(m.Pattern)}", m.SourcePath, 0, 0);
}
