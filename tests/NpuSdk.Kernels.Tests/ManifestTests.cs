using System.Text.Json;
using Json.Schema;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Kernels.Tests;

/// <summary>
/// The library's manifests against the schema and the one parser, and the parser against the schema: what one accepts
/// the other accepts, every rejection names the line and column, and the built files are what the manifests say.
/// </summary>
public class ManifestTests
{
    private static readonly string KernelsFolder = Path.Combine(RepoRoot(), "kernels");
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(KernelsFolder, "manifest.schema.json")));
    private static readonly string Valid = File.ReadAllText(Path.Combine(KernelsFolder, "matmul_16x16_int8", "manifest.json"));

    public static TheoryData<string> Names() => new(Folders());

    private static string[] Folders() =>
        Directory.GetDirectories(KernelsFolder).Where(d => File.Exists(Path.Combine(d, "manifest.json")))
            .Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_library_is_every_kernel_folder_named_after_it()
    {
        Assert.Equal(Folders(), KernelLibrary.Names);
        foreach (var name in KernelLibrary.Names)
        {
            Assert.Equal(name, KernelLibrary.Manifest(name).Name);
            Assert.Equal(File.ReadAllText(Path.Combine(KernelsFolder, name, "manifest.json")), KernelLibrary.Manifest(name).Text);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_library_manifest_is_valid_against_the_schema(string name)
    {
        var result = Evaluate(File.ReadAllText(Path.Combine(KernelsFolder, name, "manifest.json")));
        Assert.True(result.IsValid, string.Join("; ", Errors(result)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_library_manifest_has_a_reference_in_the_kernel_library(string name)
    {
        var manifest = KernelLibrary.Manifest(name);
        Assert.True(ReferenceKernelRegistry.Default.TryCreate(manifest, out var reference, out string why), why);
        Assert.True(reference.MacsPerInvocation > 0);
    }

    // npu plan counts compute from the manifest alone (KernelWork); the emulator's reference must charge the same.
    [Theory]
    [MemberData(nameof(Names))]
    public void Every_library_reference_counts_the_compute_npu_plan_projects(string name)
    {
        var manifest = KernelLibrary.Manifest(name);
        Assert.True(ReferenceKernelRegistry.Default.TryCreate(manifest, out var reference, out string why), why);
        int strip = manifest.Pattern == NpuPattern.KStripMatMul ? manifest.Dimension("kMax") : 0;
        long planned = KernelWork.MacsPerInvocation(manifest, strip);
        Assert.True(planned > 0, $"KernelWork counts no compute for {manifest.Operation}");
        Assert.Equal(planned, reference.MacsPerInvocation);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_built_files_are_the_manifest_and_an_xclbin_in_IRONs_shape(string name)
    {
        string folder = AppContext.BaseDirectory;
        Assert.Equal(File.ReadAllText(Path.Combine(KernelsFolder, name, "manifest.json")), File.ReadAllText(Path.Combine(folder, name + ".kernel.json")));
        // Designs that differ only in shape share one xclbin (the manifest names it), each with its instruction file.
        var manifest = KernelLibrary.Manifest(name);
        var xclbin = XclbinFile.ReadFile(Path.Combine(folder, (manifest.Xclbin ?? name) + ".xclbin"));
        Assert.True(File.Exists(Path.Combine(folder, name + ".insts.txt")));
        var kernel = Assert.Single(xclbin.Kernels);
        Assert.Equal(["opcode", "instr", "ninstr", "bo0", "bo1", "bo2", "bo3", "bo4"], kernel.Arguments.Select(a => a.Name).ToArray());
        // The in-memory xclbin the library hands out is the same file, uuid and all, and both say they are stand-ins.
        Assert.Equal(xclbin.Uuid, KernelLibrary.EmulationXclbin(name).Uuid);
        Assert.NotNull(xclbin.EmulationStandIn);
        if (manifest.RealDesign is { } real) Assert.Contains(real, xclbin.EmulationStandIn);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_docs_say_per_kernel_which_xclbin_it_has_and_what_real_design_it_mirrors(string name)
    {
        var manifest = KernelLibrary.Manifest(name);
        string docs = File.ReadAllText(Path.Combine(KernelsFolder, "..", "docs", "kernels.md"));
        string row = docs.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{name}` |", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"docs/kernels.md has no row for {name}");
        Assert.Contains($"| `{manifest.Xclbin ?? name}.xclbin` |", row);
        Assert.Contains(manifest.RealDesign ?? "none published", row);
    }

    // Each mutation of the 16x16 manifest that the schema can see is rejected by both the schema and the parser, and the
    // parser names the line and column of the value at fault.
    [Theory]
    [InlineData("\"name\": \"matmul_16x16_int8\"|\"name\": \"bad name\"", "\"name\"", 3)]
    [InlineData("\"pattern\": \"tile-matmul\"|\"pattern\": \"tiles\"", "\"pattern\" is \"tiles\"", 7)]
    [InlineData("\"m\": 16|\"m\": 0", "tile.m must be a whole number", 9)]
    [InlineData("\"m\": 16|\"m\": 1.5", "tile.m must be a whole number", 9)]
    [InlineData("\"elementType\": \"int8\"|\"elementType\": \"int4\"", "elementType \"int4\"", 17)]
    [InlineData("\"role\": \"output\"|\"role\": \"inout\"", "buffer role \"inout\"", 25)]
    [InlineData("\"shift\": 7|\"shift\": 40", "numeric.shift must be a whole number from 0 to 31", 35)]
    [InlineData("\"kernel\": \"MLIR_AIE\",|\"kernel\": \"MLIR_AIE\", \"color\": \"red\",", "no key \"color\"", 5)]
    [InlineData("\"accumulator\": \"int32\"|\"accumulator\": \"int31\"", "numeric.accumulator \"int31\"", 34)]
    [InlineData("\"arg\": \"bo1\"|\"arg\": \"1bo\"", "\"arg\" is \"1bo\"", 24)]
    [InlineData("\"scalars\": []|\"scalars\": [ { \"arg\": \"x\", \"type\": \"int8\", \"meaning\": \"\" } ]", "scalar type \"int8\"", 32)]
    [InlineData("\"summary\": |\"summarry\": ", "no key \"summarry\"", 4)]
    public void A_mutation_the_schema_rejects_the_parser_rejects_at_its_line(string edit, string expected, int line)
    {
        string json = Replace(Valid, edit);
        Assert.False(Evaluate(json).IsValid, "the schema accepts it");
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(json, "m.json"));
        Assert.Contains(expected, e.Reason);
        Assert.Equal(line, e.Line);
        Assert.True(e.Column > 0);
        Assert.StartsWith($"m.json({line},", e.Message);
    }

    // What JSON allows and the schema accepts, but the design cannot be: the parser's consistency checks, still at a line.
    [Theory]
    [InlineData("[\"m\", \"k\"]|[\"m\", \"q\"]", "names \"q\", which is not a key of \"tile\"")]
    [InlineData("\"operand\": \"b\"|\"operand\": \"a\"", "the operand \"a\" appears twice")]
    [InlineData("\"role\": \"output\"|\"role\": \"input\"", "operand \"c\" is in a buffer with role input")]
    [InlineData("\"hostAccumulator\": \"int32\"|\"hostAccumulator\": \"float32\"", "numeric.hostAccumulator is float32")]
    [InlineData("\"rounding\": \"floor\"|\"rounding\": \"none\"", "numeric.shift is 7, so numeric.rounding must say how it rounds")]
    [InlineData("\"operand\": \"c\"|\"operand\": \"d\"", "needs an operand \"c\"")]
    public void A_consistency_error_the_schema_cannot_express_is_named(string edit, string expected)
    {
        string json = Replace(Valid, edit);
        Assert.True(Evaluate(json).IsValid, "the schema rejects it, so this belongs with the schema's cases");
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(json, "m.json"));
        Assert.Contains(expected, e.Reason);
        Assert.True(e.Line > 0, "no line for: " + e.Message);
    }

    [Theory]
    [InlineData("{ // a comment\n}", 1, 3, "comments are not allowed")]
    [InlineData("{ \"a\": 1, }", 1, 11, "trailing comma")]
    [InlineData("{ \"a\": 1,\n  \"a\": 2 }", 2, 3, "appears twice")]
    [InlineData("{\n\n  \"a\": 01 }", 3, 8, "leading zeros")]
    [InlineData("{\r\n\r\n  \"a\": tru }", 3, 8, "expected a value")]
    [InlineData("{\r\r  \"a\": \"x\n\" }", 3, 10, "does not end on its line")]
    public void Json_syntax_errors_name_line_and_column_whatever_the_line_endings(string json, int line, int column, string expected)
    {
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(json, "m.json"));
        Assert.Contains(expected, e.Reason);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void Nesting_past_the_limit_is_an_error_not_a_stack_overflow()
    {
        string deep = new string('[', 100_000) + new string(']', 100_000);
        var e = Assert.Throws<KernelManifestException>(() => KernelManifestParser.Parse(deep, "m.json"));
        Assert.Contains("deeper than 64", e.Reason);
    }

    [Fact]
    public void The_manifest_an_unknown_kernel_name_asks_for_lists_the_library()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelLibrary.Manifest("matmul_8x8"));
        Assert.Contains("matmul_64x64_int8", e.Message);
    }

    [Fact]
    public void A_manifest_the_emulator_has_no_reference_for_says_why()
    {
        var m = KernelManifestParser.Parse(Valid.Replace("\"operation\": \"matmul\"", "\"operation\": \"conv2d\""), "x.json");
        Assert.False(ReferenceKernelRegistry.Default.TryCreate(m, out _, out string why));
        Assert.Contains("no reference for operation 'conv2d'", why);
        Assert.Contains("matmul", why);
    }

    private static EvaluationResults Evaluate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static IEnumerable<string> Errors(EvaluationResults result) =>
        (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));

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
