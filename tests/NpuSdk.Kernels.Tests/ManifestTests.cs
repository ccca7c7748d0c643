using System.Text.Json;
using NpuSdk.Emulation;
using NpuSdk.Emulation.Kernels;

namespace NpuSdk.Kernels.Tests;

public class ManifestTests
{
    private static readonly string KernelsFolder = Path.Combine(RepoRoot(), "kernels");

    private static readonly string Valid = File.ReadAllText(Path.Combine(KernelsFolder, "matmul_16x16_int8", "manifest.json"));

    [Fact]
    public void Every_kernel_folder_is_embedded_unchanged_and_named_after_its_folder()
    {
        var folders = Directory.GetDirectories(KernelsFolder).Where(d => File.Exists(Path.Combine(d, "manifest.json")))
            .Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(10, folders.Length);
        Assert.Equal(folders, BuiltInKernels.Names);
        foreach (var name in folders)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(KernelsFolder, name, "manifest.json")), BuiltInKernels.ManifestJson(name));
            Assert.Equal(name, BuiltInKernels.Manifest(name).Name);
        }
    }

    [Fact]
    public void Every_manifest_has_a_reference_implementation_and_the_mlir_aie_abi()
    {
        foreach (var name in BuiltInKernels.Names)
        {
            var manifest = BuiltInKernels.Manifest(name);
            Assert.NotNull(ReferenceKernelFactory.Create(manifest));
            var spec = BuiltInKernels.XclbinSpecFor(manifest);
            Assert.Equal("MLIR_AIE", spec.KernelName);
            Assert.Equal(["opcode", "instr", "ninstr", .. manifest.Buffers.Select(b => b.Arg)], spec.Arguments.Select(a => a.Name).ToArray());
            Assert.Equal(name, spec.UuidSeed);
        }
    }

    [Fact]
    public void The_16x16_manifest_describes_the_original_port_kernel()
    {
        var m = BuiltInKernels.Manifest("matmul_16x16_int8");
        Assert.Equal(KernelPattern.TileMatMul, m.Pattern);
        Assert.Equal(new[] { "a", "b" }, m.Buffer("bo0").Parts.Select(p => p.Operand));
        Assert.Equal(KernelElementType.Int8, m.Buffer("bo1").ElementType);
        Assert.Equal(("int32", 7, "floor", "int8", "int32"), (m.Numeric.Accumulator, m.Numeric.Shift, m.Numeric.Rounding, m.Numeric.Saturate, m.Numeric.HostAccumulator));
        Assert.Equal(TileMatMul16Int8.Shift, m.Numeric.Shift);
        Assert.Equal(TileMatMul16Int8.Tile, m.Dimension("m"));
    }

    [Fact]
    public void The_schema_names_every_key_the_manifests_use()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(KernelsFolder, "manifest.schema.json")));
        var top = schema.RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var numeric = schema.RootElement.GetProperty("$defs").GetProperty("numeric").GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var name in BuiltInKernels.Names)
        {
            using var doc = JsonDocument.Parse(BuiltInKernels.ManifestJson(name));
            Assert.All(doc.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, top));
            Assert.All(doc.RootElement.GetProperty("numeric").EnumerateObject(), p => Assert.Contains(p.Name, numeric));
        }
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("\"name\": \"matmul_16x16_int8\"|\"name\": \"Bad-Name\"", "name 'Bad-Name'")]
    [InlineData("\"pattern\": \"tile-matmul\"|\"pattern\": \"tiles\"", "pattern 'tiles'")]
    [InlineData("\"m\": 16|\"m\": 0", "tile.m must be a positive integer")]
    [InlineData("\"k\": 16,|", "needs tile.k")]
    [InlineData("\"arg\": \"bo1\"|\"arg\": \"bo3\"", "buffers[1].arg is 'bo3'")]
    [InlineData("\"elementType\": \"int8\"|\"elementType\": \"int4\"", "elementType 'int4'")]
    [InlineData("[\"m\", \"k\"]|[\"m\", \"q\"]", "dimension 'q'")]
    [InlineData("\"role\": \"output\"|\"role\": \"inout\"", "role 'inout'")]
    [InlineData("\"shift\": 7|\"shift\": 40", "numeric.shift 40")]
    [InlineData("\"operation\": \"matmul\"|\"operation\": \"conv\"", "operation 'conv'")]
    [InlineData("\"operand\": \"b\"|\"operand\": \"a\"", "operand 'a' appears twice")]
    public void Bad_manifests_are_rejected_naming_the_key(string edit, string expected)
    {
        string json = edit.Contains('|') ? Replace(Valid, edit) : edit;
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(json, "test.json"));
        Assert.Contains("test.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_key_is_named()
    {
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(Valid.Replace("\"numeric\"", "\"numerics\""), "x.json"));
        Assert.Contains("numeric is missing", e.Message);
    }

    [Fact]
    public void A_manifest_the_emulator_cannot_run_is_named()
    {
        var m = KernelManifestParser.Parse(Valid.Replace("\"operation\": \"matmul\"", "\"operation\": \"softmax\""), "x.json");
        var e = Assert.Throws<KernelManifestException>(() => ReferenceKernelFactory.Create(m));
        Assert.Contains("'matmul_16x16_int8'", e.Message);
        Assert.Contains("softmax", e.Message);
    }

    [Theory]
    [InlineData("\"saturate\": \"int8\"", "\"saturate\": \"int16\"", "numeric.saturate is 'int16'")]
    [InlineData("\"rounding\": \"floor\"", "\"rounding\": \"nearest\"", "numeric.rounding is 'nearest'")]
    public void A_numeric_rule_the_implementation_does_not_follow_is_refused(string from, string to, string expected)
    {
        var m = KernelManifestParser.Parse(Valid.Replace(from, to), "x.json");
        var e = Assert.Throws<KernelManifestException>(() => ReferenceKernelFactory.Create(m));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Unknown_built_in_names_list_the_library()
    {
        var e = Assert.Throws<ArgumentException>(() => BuiltInKernels.Manifest("matmul_8x8"));
        Assert.Contains("matmul_64x64_int8", e.Message);
    }

    private static string Replace(string json, string edit)
    {
        var parts = edit.Split('|');
        Assert.Contains(parts[0], json);
        int at = json.IndexOf(parts[0], StringComparison.Ordinal);
        return json[..at] + parts[1] + json[(at + parts[0].Length)..];
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NpuSdk.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No NpuSdk.sln above {AppContext.BaseDirectory}.");
    }
}
