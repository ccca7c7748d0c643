using System.Reflection;
using NpuSdk.KernelModel;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

namespace NpuSdk.Kernels.Tests;

/// <summary>
/// [NpuKernel] methods over the library's designs (this project's binding tests declare one per design), as the generator wrote them: each descriptor states in C# exactly the design its
/// manifest describes, bound to its xclbin's kernel, and carries that xclbin's uuid.
/// </summary>
public sealed class GeneratedDescriptorTests
{
    public static TheoryData<string> Descriptors()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in All()) data.Add(name);
        return data;
    }

    private static IEnumerable<(string Field, NpuKernelDescriptor Descriptor)> All() =>
        typeof(GeneratedDescriptorTests).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(NpuKernelDescriptor))
            .Select(f => (f.DeclaringType!.Name + "." + f.Name, (NpuKernelDescriptor)f.GetValue(null)!))
            .OrderBy(x => x.Item1, StringComparer.Ordinal);

    [Fact]
    public void Methods_of_many_library_designs_are_generated()
    {
        var designs = All().Select(d => d.Descriptor.Design.Name).ToHashSet();
        Assert.True(designs.Count >= 10, $"only {designs.Count} designs have generated methods: {string.Join(", ", designs)}");
        Assert.All(designs, d => Assert.NotNull(KernelLibrary.Manifest(d)));
    }

    [Theory]
    [MemberData(nameof(Descriptors))]
    public void A_descriptor_states_its_manifest_exactly(string field)
    {
        var descriptor = All().Single(d => d.Field == field).Descriptor;
        var manifest = KernelLibrary.Manifest(descriptor.Design.Name);
        var xclbin = XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, descriptor.XclbinPath));

        Assert.Equal(xclbin.Uuid.ToString(), descriptor.XclbinUuid);
        var expected = KernelDesign.From(manifest, KernelAbi.Bind(xclbin.FindKernel(manifest.KernelName)!, manifest));
        Assert.Equal(expected.ToString(), descriptor.Design.ToString());

        // The manifest the runtime builds from the descriptor is the parsed one: the same buffers, parts, shapes and scalars.
        var built = descriptor.Design.ToManifest("the descriptor");
        Assert.Equal(manifest.Pattern, built.Pattern);
        Assert.Equal(manifest.Tile.OrderBy(t => t.Key), built.Tile.OrderBy(t => t.Key));
        Assert.Equal(Describe(manifest.UsedBuffers), Describe(built.UsedBuffers));
        Assert.Equal(manifest.Scalars.Select(s => (s.Arg, s.Type, s.Value)), built.Scalars.Select(s => (s.Arg, s.Type, s.Value)));
        Assert.Equal(manifest.Numeric.ToString(), built.Numeric.ToString());
    }

    private static IEnumerable<string> Describe(IEnumerable<ManifestBuffer> buffers) =>
        buffers.Select(b => $"{b.Arg} {b.Role} {b.ElementType}: " + string.Join("; ", b.Parts.Select(p => p.Operand + "[" + string.Join(",", p.Shape.Select(d => d + "=" + d.Value)) + "]")));
}
