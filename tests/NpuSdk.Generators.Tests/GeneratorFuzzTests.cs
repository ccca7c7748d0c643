using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NpuSdk.Generators.Tests;

/// <summary>
/// Seeded mutations of <c>[NpuKernel]</c> declarations (names, keywords, modifiers, containers, parameters, attribute
/// arguments, language versions): the generator never throws, and whenever it reports no error the code it generated
/// compiles and every kernel method is implemented. A failure prints the seed and the source, so it replays exactly.
/// </summary>
public sealed class GeneratorFuzzTests
{
    private const int Cases = 1_200;

    [Fact]
    public void Mutated_declarations_never_throw_and_compile_whenever_nothing_is_reported()
    {
        var h = new GeneratorHarness(nameof(GeneratorFuzzTests))
            .AddMlirAieKernel("k.xclbin", 2)
            .AddMlirAieKernel("k3.xclbin", 3)
            .AddMlirAieKernel("deep.xclbin", 3)
            .AddText("deep.kernel.json", "{ \"name\": " + new string('[', 5_000) + new string(']', 5_000) + " }")
            // A kernel name and output paths holding every line break and the characters literals, comments and XML docs escape.
            .AddMlirAieKernel("odd.xclbin", 2, kernelName: Declarations.OddKernel)
            .AddBinary("odd-path.xclbin", NpuSdk.Xclbin.XclbinWriter.Write(NpuSdk.Xclbin.XclbinSpec.MlirAie(2, uuidSeed: "odd-path")), outputPath: Declarations.OddPath + ".xclbin")
            .AddText("odd-path.insts.txt", "0x00000001\n", outputPath: Declarations.OddPath + ".insts.txt");
        var failures = new List<string>();
        int checkedCases = 0, generatedCases = 0, reportedCases = 0;
        var invalidBecause = new Dictionary<string, int>();
        for (int seed = 0; seed < Cases && failures.Count < 5; seed++)
        {
            var (source, version) = Declarations.Make(new Random(seed));
            var parse = GeneratorHarness.ParseOptions.WithLanguageVersion(version);
            GeneratorDriverRunResult run;
            Compilation output;
            try
            {
                (run, output) = h.Run(parse, source);
            }
            catch (Exception e)
            {
                failures.Add($"seed {seed}: the driver threw {e}\n{source}");
                continue;
            }
            var thrown = run.Results.Select(r => r.Exception).FirstOrDefault(e => e is not null);
            if (thrown is not null || run.Diagnostics.Any(d => d.Id is "CS8784" or "CS8785"))
            {
                failures.Add($"seed {seed}: the generator threw {thrown}\n{source}");
                continue;
            }
            if (run.Diagnostics.Any(d => d.Id.StartsWith("NPU", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error)) reportedCases++;
            if (run.GeneratedTrees.Length > 0) generatedCases++;

            // Only a source that is valid C# by itself (apart from the implementations the generator owes) can hold the
            // generator to account: otherwise an error in generated code may just echo the user's.
            var userErrors = GeneratorHarness.Compile(parse, source).GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Select(d => d.Id).Distinct().ToList();
            foreach (var id in userErrors) invalidBecause[id] = invalidBecause.GetValueOrDefault(id) + 1;
            if (userErrors.Count > 0) continue;
            checkedCases++;
            var errors = GeneratorHarness.GeneratorErrors(run, output);
            if (errors.Count > 0)
                failures.Add($"seed {seed} (C# {version}): {string.Join("; ", errors)}\nreported: {string.Join("; ", run.Diagnostics)}\n{source}\n--- generated ---\n{string.Join("\n", run.GeneratedTrees.Select(t => t.ToString()))}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        // The mutations must exercise both sides, or the test proves nothing.
        Assert.True(checkedCases > Cases / 2, $"only {checkedCases} of {Cases} cases were valid C# on their own; errors: " +
            string.Join(", ", invalidBecause.OrderByDescending(p => p.Value).Select(p => $"{p.Key} x{p.Value}")));
        Assert.True(generatedCases > Cases / 4, $"only {generatedCases} of {Cases} cases generated code");
        Assert.True(reportedCases > Cases / 10, $"only {reportedCases} of {Cases} cases were reported");
    }

    /// <summary>Writes one random compilation unit of kernel declarations.</summary>
    private static class Declarations
    {
        public const string OddKernel = "K\nA\rB\r\nC\u0085D\u2028E\u2029F\"G\\H*/I<J&K\u202EL";
        public const string OddPath = "p\nA\rB\r\nC\u0085D\u2028E\u2029F\"G*/I<J&K\0L";

        // Unicode escapes and a format character (soft hyphen) are part of a name as C# reads it.
        private static readonly string[] s_methodNames = ["MatMul", "matMul", "@void", "@class", "Add", "Größe", "_", "M1", "__npuPlan", "NpuLaunch", "Invoke", "Dispose", "\\u0061dd", "Mat\u00ADMul"];
        // No type named like one of the SDK's in its own namespace: that user code shadows the SDK, which no generator can mend.
        private static readonly string[] s_typeNames = ["Ops", "OPS", "@class", "Model", "Layer", "Größe", "NpuSession", "Descriptor", "@record"];
        private static readonly string[] s_namespaces = ["", "Demo", "D.x", "D.X", "@namespace.@if", "Outer.Inner.Deep", "Demo.Kernels"];
        private static readonly string[] s_parameterNames = ["a", "b", "c", "@in", "@out", "__npuSession", "__npuOperands", "descriptor", "operands", "session", "NpuSdk", "value"];
        private static readonly string[] s_bufferTypes =
        [
            "ReadOnlySpan2D<sbyte>", "ReadOnlySpan2D<sbyte>", "Span2D<sbyte>", "Span2D<int>", "ReadOnlySpan<int>", "Span<int>",
            "ReadOnlySpan2D<BFloat16>", "Span2D<float>", "int[]", "Memory<int>", "ReadOnlySpan2D<double>", "Span<sbyte>",
        ];
        private static readonly string[] s_paths = ["k.xclbin", "k.xclbin", "k3.xclbin", "deep.xclbin", "missing.xclbin", "", "K.XCLBIN", "sub/k.xclbin", "k.xclbin\\n", "..\\\\k.xclbin", "odd.xclbin", "odd-path.xclbin", "*/\\u2029<&.xclbin"];
        private static readonly string[] s_kernels = ["MLIR_AIE", "MLIR_AIE", "other", "a\\\"b", "x\\ny", "\\u2028", "", SymbolDisplay.FormatLiteral(OddKernel, quote: false)];
        private static readonly string[] s_patterns = ["NpuPattern.TileMatMul", "NpuPattern.TileMatMul", "NpuPattern.Elementwise", "NpuPattern.KStripMatMul", "NpuPattern.WholeArray", "(NpuPattern)42", "default"];
        private static readonly string[] s_tiles = ["16", "16", "64", "0", "-1", "int.MaxValue", "256", "1 << 20"];
        private static readonly LanguageVersion[] s_versions =
        [
            LanguageVersion.CSharp8, LanguageVersion.CSharp9, LanguageVersion.CSharp10, LanguageVersion.CSharp11, LanguageVersion.CSharp12,
            LanguageVersion.Latest, LanguageVersion.Latest, LanguageVersion.Preview, LanguageVersion.Preview, LanguageVersion.Preview,
        ];

        public static (string Source, LanguageVersion Version) Make(Random rng)
        {
            var version = Pick(rng, s_versions);
            var sb = new StringBuilder("using System;\nusing NpuSdk;\n\n");
            string ns = Pick(rng, s_namespaces);
            bool fileScoped = ns.Length > 0 && !ns.StartsWith("global::", StringComparison.Ordinal) && rng.Next(3) == 0;
            bool blockNs = ns.Length > 0 && !fileScoped;
            if (fileScoped) sb.Append("namespace ").Append(ns).Append(";\n");
            else if (blockNs) sb.Append("namespace ").Append(ns).Append("\n{\n");

            int types = 1 + rng.Next(2);
            for (int t = 0; t < types; t++) AppendType(sb, rng, depth: 0, topLevel: true);

            if (blockNs) sb.Append("}\n");
            return (sb.ToString(), version);
        }

        private static void AppendType(StringBuilder sb, Random rng, int depth, bool topLevel)
        {
            string kind = Pick(rng, ["class", "static class", "struct", "readonly struct", "record", "record struct", "sealed class", "ref struct"]);
            bool isStatic = kind == "static class";
            string name = Pick(rng, s_typeNames) + (depth > 0 ? depth.ToString() : "");
            string generic = rng.Next(5) == 0 ? Pick(rng, ["<T>", "<T> where T : struct", "<TIn, TOut>", "<@int>"]) : "";
            string where = "";
            if (generic.Contains(" where ", StringComparison.Ordinal)) { where = generic[generic.IndexOf(" where ", StringComparison.Ordinal)..]; generic = generic[..generic.IndexOf(" where ", StringComparison.Ordinal)]; }
            string access = topLevel ? Pick(rng, ["public ", "internal ", "", rng.Next(8) == 0 ? "file " : "public "]) : Pick(rng, ["public ", "private ", "internal ", "protected "]);
            // What C# refuses anyway (protected members of static types and structs) would only make the case unusable.
            bool protectedAllowed = kind is "class" or "sealed class" or "record";
            bool partial = rng.Next(40) != 0;
            // Modifiers (static, readonly, ref, sealed) come before partial; partial comes right before the keyword.
            string[] words = kind.Split(' ');
            string head = words.Length == 2 && words[0] is "static" or "readonly" or "ref" or "sealed" ? words[0] + " " : "";
            string core = head.Length > 0 ? words[1] : kind;
            sb.Append(access).Append(head).Append(partial ? "partial " : "").Append(core).Append(' ').Append(name).Append(generic).Append(where).Append("\n{\n");

            int methods = 1 + rng.Next(3);
            var names = new HashSet<string>();
            for (int m = 0; m < methods; m++) AppendMethod(sb, rng, kind, isStatic, topLevel && generic.Length == 0 && isStatic, protectedAllowed, names);
            if (rng.Next(10) == 0) sb.Append("    private static readonly int __NpuKernel_MatMul_0 = 1, __npuDescriptor_MatMul = 2;\n");
            if (depth < 2 && rng.Next(4) == 0) AppendType(sb, rng, depth + 1, topLevel: false);
            sb.Append("}\n");
        }

        private static void AppendMethod(StringBuilder sb, Random rng, string typeKind, bool staticType, bool extensionsAllowed, bool protectedAllowed, HashSet<string> names)
        {
            // Half the methods bind (names, modifiers and containers still mutated), so the generated code is exercised;
            // the other half mutate everything.
            bool sane = rng.Next(2) == 0;
            var args = new List<string>();
            if (sane)
            {
                args.AddRange(Pick<string[]>(rng, [
                    ["\"k.xclbin\"", "Tile = 16", "Pattern = NpuPattern.TileMatMul"],
                    ["\"k3.xclbin\"", "Tile = 64", "Pattern = NpuPattern.TileMatMul"],
                    ["\"k3.xclbin\"", "Tile = 256", "Pattern = NpuPattern.Elementwise"],
                    ["\"k3.xclbin\"", "Pattern = NpuPattern.Elementwise", "Tile = 1024", "Kernel = \"MLIR_AIE\""],
                    ["xclbinPath: \"k.xclbin\"", "Pattern = NpuPattern.TileMatMul", "Tile = 32", "TimeoutMilliseconds = 60000"],
                    ["\"odd.xclbin\"", "Tile = 16", "Pattern = NpuPattern.TileMatMul"],
                    ["\"odd-path.xclbin\"", "Tile = 16", "Pattern = NpuPattern.TileMatMul"],
                ]));
            }
            else
            {
                args.Add(rng.Next(10) == 0 ? "null!" : $"\"{Pick(rng, s_paths)}\"");
                if (rng.Next(3) != 0) args.Add("Tile = " + Pick(rng, s_tiles));
                if (rng.Next(4) != 0) args.Add("Pattern = " + Pick(rng, s_patterns));
                if (rng.Next(5) == 0) args.Add($"Kernel = \"{Pick(rng, s_kernels)}\"");
                if (rng.Next(8) == 0) args.Add("TimeoutMilliseconds = " + Pick(rng, ["1", "0", "-5", "60000"]));
                if (rng.Next(8) == 0) args.Add($"Instructions = \"{Pick(rng, ["k.insts.txt", "nope.txt", "k3.insts.txt"])}\"");
            }
            sb.Append("    [NpuKernel(").Append(string.Join(", ", args)).Append(")]\n    ");

            bool isStatic = staticType || rng.Next(2) == 0;
            string access = Pick(rng, ["public ", "public ", "internal ", "private ", "", "protected internal "]);
            if (!protectedAllowed && access.Contains("protected", StringComparison.Ordinal)) access = "public ";
            var modifiers = new StringBuilder(access);
            if (isStatic) modifiers.Append("static ");
            if (!isStatic && typeKind.Contains("struct", StringComparison.Ordinal) && rng.Next(3) == 0) modifiers.Append("readonly ");
            if (!sane && rng.Next(25) == 0) modifiers.Append(Pick(rng, ["unsafe ", "new ", "extern ", "async ", "virtual "]));
            string returns = !sane && rng.Next(15) == 0 ? Pick(rng, ["int", "System.Threading.Tasks.Task", "ref int"]) : "void";
            string name = Pick(rng, s_methodNames);
            if (rng.Next(6) != 0) while (!names.Add(name)) name = Pick(rng, s_methodNames) + names.Count;   // mostly no overloads
            string typeParameters = !sane && rng.Next(15) == 0 ? "<U>" : "";

            var parameters = new List<string>();
            var used = new HashSet<string>();
            string Fresh(string preferred)
            {
                string n = preferred;
                for (int i = 2; !used.Add(n.TrimStart('@')); i++) n = preferred.TrimStart('@') + i;
                return n;
            }
            switch (rng.Next(6))
            {
                case 0: parameters.Add("NpuSession " + Fresh(Pick(rng, ["session", "__npuSession", "s"]))); break;
                case 1: parameters.Add("Device " + Fresh(Pick(rng, ["device", "d"]))); break;
                case 2 when extensionsAllowed && isStatic: parameters.Add("this NpuSession " + Fresh("session")); break;
            }
            bool elementwise = args.Any(a => a.Contains("Elementwise", StringComparison.Ordinal));
            int buffers = !sane && rng.Next(8) == 0 ? rng.Next(5) : 3;
            for (int i = 0; i < buffers; i++)
            {
                string type = !sane && rng.Next(4) == 0 ? Pick(rng, s_bufferTypes)
                    : elementwise ? (i < buffers - 1 ? "ReadOnlySpan<int>" : "Span<int>")
                    : (i < buffers - 1 ? "ReadOnlySpan2D<sbyte>" : Pick(rng, ["Span2D<sbyte>", "Span2D<int>"]));
                string modifier = rng.Next(12) != 0 ? "" : sane ? "scoped " : Pick(rng, ["scoped ", "in ", "ref ", "out "]);
                parameters.Add(modifier + type + " " + Fresh(Pick(rng, s_parameterNames)));
            }
            if (!sane && rng.Next(6) == 0) parameters.Add(Pick(rng, ["int", "long", "float", "uint"]) + " " + Fresh(Pick(rng, ["factor", "n", "@fixed"])));
            if (!sane && rng.Next(30) == 0) parameters.Insert(parameters.Count > 0 ? rng.Next(parameters.Count) : 0, "NpuSession misplaced");

            sb.Append(modifiers).Append("partial ").Append(returns).Append(' ').Append(name).Append(typeParameters)
              .Append('(').Append(string.Join(", ", parameters)).Append(");\n");
            if (!sane && rng.Next(30) == 0)   // the user wrote the implementation part too
                sb.Append("    ").Append(modifiers).Append("partial ").Append(returns).Append(' ').Append(name).Append(typeParameters)
                  .Append('(').Append(string.Join(", ", parameters.Select(p => p.Replace("this ", "")))).Append(") { throw null!; }\n");
        }

        private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];
    }
}
