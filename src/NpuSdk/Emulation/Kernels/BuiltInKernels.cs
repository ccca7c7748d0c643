using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation.Kernels;

/// <summary>
/// The kernel library's manifests (embedded from <c>kernels/*/manifest.json</c>), the emulation xclbin each one
/// turns into, and its reference implementation. The kernel build (<c>kernels/NpuSdk.Kernels.Build</c>) writes
/// exactly these xclbins to disk, so a file it wrote and the registry agree on the uuid.
/// </summary>
public static class BuiltInKernels
{
    /// <summary>The length of the stand-in instruction stream of every emulation kernel (the original port's was 300 bytes).</summary>
    public const int InstructionWords = 75;

    private const string ResourcePrefix = "NpuSdk.Kernels.";
    private const string ResourceSuffix = "/manifest.json";
    private static readonly Dictionary<string, (KernelManifest Manifest, string Json)> Library = Load();
    private static readonly ConcurrentDictionary<string, EmulationKernel> Built = new(StringComparer.Ordinal);

    /// <summary>The names of every built-in kernel, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Library.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The manifest of built-in kernel <paramref name="name"/>.</summary>
    public static KernelManifest Manifest(string name) => Entry(name).Manifest;

    /// <summary>The manifest's text as it is in <c>kernels/&lt;name&gt;/manifest.json</c> (the build publishes it as <c>&lt;name&gt;.kernel.json</c>).</summary>
    public static string ManifestJson(string name) => Entry(name).Json;

    /// <summary>The emulation xclbin and reference implementation of built-in kernel <paramref name="name"/>.</summary>
    public static EmulationKernel Get(string name)
    {
        var manifest = Manifest(name);
        return Built.GetOrAdd(name, _ => Create(manifest));
    }

    /// <summary>
    /// The xclbin spec of a manifest: the mlir-aie ABI with one <c>bo</c> per manifest buffer, then its scalars,
    /// and the manifest name as uuid seed, so every kernel gets its own stable uuid.
    /// </summary>
    public static XclbinSpec XclbinSpecFor(KernelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var spec = XclbinSpec.MlirAie(manifest.Buffers.Count, manifest.KernelName, uuidSeed: manifest.Name);
        foreach (var scalar in manifest.Scalars)
        {
            ulong size = scalar.Type is "uint64" or "int64" ? 8UL : 4UL;
            spec.Arguments.Add(new XclbinArgSpec(scalar.Name, AddressQualifier.Scalar, scalar.Type + "_t", size));
        }
        return spec;
    }

    /// <summary>Builds the emulation kernel of any manifest (a built-in one or a user's).</summary>
    public static EmulationKernel Create(KernelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new EmulationKernel(manifest.XclbinFileName, XclbinSpecFor(manifest), ReferenceKernelFactory.Create(manifest),
                                   EmulationKernels.EmulationInstructions(InstructionWords));
    }

    /// <summary>The instruction file text the build writes beside an xclbin: one hex word per line.</summary>
    public static string InstructionText(ReadOnlySpan<uint> words)
    {
        var text = new StringBuilder(words.Length * 9);
        foreach (uint w in words) text.Append(w.ToString("x8", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    /// <summary>Registers every built-in kernel's reference implementation under its xclbin's uuid and kernel name.</summary>
    public static void RegisterAll(ReferenceKernelRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var name in Names)
        {
            var kernel = Get(name);
            registry.Register(kernel.Uuid, kernel.KernelName, kernel.Reference);
        }
    }

    private static (KernelManifest Manifest, string Json) Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Library.TryGetValue(name, out var entry) ? entry
            : throw new ArgumentException($"There is no built-in kernel '{name}'; the library has {string.Join(", ", Library.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
    }

    private static Dictionary<string, (KernelManifest, string)> Load()
    {
        var assembly = typeof(BuiltInKernels).Assembly;
        var library = new Dictionary<string, (KernelManifest, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(ResourceSuffix, StringComparison.Ordinal)) continue;
            string folder = resource[ResourcePrefix.Length..^ResourceSuffix.Length];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string json = reader.ReadToEnd();
            var manifest = KernelManifestParser.Parse(json, $"kernels/{folder}/manifest.json");
            if (manifest.Name != folder)
                throw new KernelManifestException($"Kernel manifest kernels/{folder}/manifest.json: name is '{manifest.Name}', but it must equal its folder name '{folder}'.");
            library.Add(manifest.Name, (manifest, json));
        }
        return library;
    }
}
