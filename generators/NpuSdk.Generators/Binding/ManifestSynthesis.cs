using System.Linq;
using System.Text;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Binding;

/// <summary>
/// The manifest of a method whose attribute names the pattern instead (matmul and elementwise patterns): the kernel's
/// data buffers in order hold the method's operands (a tile matmul with two data buffers packs A and B), partials of a
/// matmul are of its input type, and the host adds them over K. The emulator needs C# registered for such a kernel,
/// since no manifest says its rule.
/// </summary>
internal static class ManifestSynthesis
{
    /// <summary>The synthesized manifest; null after reporting why the attribute cannot stand for one.</summary>
    public static KernelManifest? Synthesize(BindContext c, KernelSignature kernel, ProjectFile xclbin)
    {
        var options = c.Options;
        string name = c.Name;
        if (AttributeChecks.PatternOf(options.Pattern) is not { } pattern)
        {
            string stem = KernelFiles.FileName(KernelFiles.Stem(xclbin));
            return Fail(options.Pattern == NpuPattern.FromManifest
                ? c.Report(NpuDiagnostics.NoPattern, name,
                    $"what one invocation of kernel '{kernel.Name}' computes is unknown; add its manifest '{stem}.kernel.json' beside the xclbin (npu manifest {KernelFiles.FileName(xclbin.Path)} drafts one) or set Pattern on [NpuKernel]")
                : c.Report(NpuDiagnostics.NoPattern, name, $"Pattern = {(int)options.Pattern} is not an NpuPattern value"));
        }
        if (pattern is NpuPattern.Rowwise or NpuPattern.Attention or NpuPattern.Gemv)
            return Fail(c.Report(NpuDiagnostics.NoPattern, name,
                $"the shapes of {BindContext.Article(KernelManifestParser.PatternName(pattern))} kernel are compiled into it, so it needs its manifest beside the xclbin; write one (npu manifest drafts it)"));
        if (options.Tile <= 0)
            return Fail(c.Report(NpuDiagnostics.TileNotUsable, name, options.Tile.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"without a manifest Tile says what one invocation covers, so it must be a positive number of {(pattern == NpuPattern.Elementwise ? "elements" : "rows and columns per block")}"));

        var buffers = c.Buffers;
        var data = kernel.Arguments.Where(a => a.IsBuffer && a.Name != "instr").ToList();
        string argList = data.Count == 0 ? "none" : string.Join(", ", data.Select(a => a.Name));
        var draft = new ManifestDraft { Name = ManifestName(c.Method.Name), Summary = "Synthesized from [NpuKernel] on " + name, Kernel = kernel.Name, Operation = "custom", Pattern = pattern };
        if (pattern != NpuPattern.Elementwise)
        {
            if (buffers.Count != 3 || buffers[0].Kind != ParameterKind.Input2D || buffers[1].Kind != ParameterKind.Input2D || buffers[2].Kind != ParameterKind.Output2D || buffers[0].Element != buffers[1].Element)
                return Fail(c.Report(NpuDiagnostics.BufferMismatch, name, kernel.Name,
                    $"a matmul method takes (ReadOnlySpan2D<T> a, ReadOnlySpan2D<T> b, Span2D<R> c) with a and b of one element type, and this one takes ({c.DescribeBuffers()})"));
            bool kstrip = pattern == NpuPattern.KStripMatMul;
            if (data.Count < (kstrip ? 3 : 2))
                return Fail(c.Report(NpuDiagnostics.BufferMismatch, name, kernel.Name,
                    $"it has {data.Count} data buffer(s) ({argList}), but {BindContext.Article(KernelManifestParser.PatternName(pattern))} kernel needs {(kstrip ? "3 (A strip, B strip, C block)" : "2 (A and B packed, C) or 3 (A, B, C)")}"));
            var input = buffers[0].Element!.Value;
            bool isFloat = ElementTypes.IsFloat(input);
            string inputName = ElementTypes.ManifestName(input);
            string partial = kstrip ? (isFloat ? "float32" : "int32") : inputName;
            draft.Tile.Add(new("m", options.Tile));
            if (kstrip)
            {
                draft.Tile.Add(new("n", options.Tile));
                draft.Tile.Add(new("kMultiple", options.Tile));
                draft.Tile.Add(new("kMax", (1 << 24) / options.Tile * options.Tile));
            }
            else
            {
                draft.Tile.Add(new("k", options.Tile));
                draft.Tile.Add(new("n", options.Tile));
            }
            string k = kstrip ? "K" : "k";
            if (data.Count == 2)
            {
                draft.Buffers.Add(new DraftBuffer(data[0].Name, "input", inputName, new DraftPart("a", "m", k), new DraftPart("b", k, "n")));
                draft.Buffers.Add(new DraftBuffer(data[1].Name, "output", partial, new DraftPart("c", "m", "n")));
            }
            else
            {
                draft.Buffers.Add(new DraftBuffer(data[0].Name, "input", inputName, new DraftPart("a", "m", k)));
                draft.Buffers.Add(new DraftBuffer(data[1].Name, "input", inputName, new DraftPart("b", k, "n")));
                draft.Buffers.Add(new DraftBuffer(data[2].Name, "output", partial, new DraftPart("c", "m", "n")));
            }
            draft.Numeric.Add(new("accumulator", isFloat ? "float32" : "int32"));
            draft.Numeric.Add(new("hostAccumulator", kstrip ? "none" : isFloat ? "float32" : "int32"));
        }
        else
        {
            int inputs = buffers.TakeWhile(b => b.Kind == ParameterKind.Input1D).Count();
            int outputs = buffers.Skip(inputs).TakeWhile(b => b.Kind == ParameterKind.Output1D).Count();
            if (inputs == 0 || outputs == 0 || inputs + outputs != buffers.Count || buffers.Count != data.Count)
                return Fail(c.Report(NpuDiagnostics.BufferMismatch, name, kernel.Name,
                    $"it has {data.Count} data buffer(s) ({argList}), but an elementwise method takes ReadOnlySpan<T> inputs followed by Span<T> outputs, one per data buffer in order, and this one takes ({c.DescribeBuffers()})"));
            draft.Tile.Add(new("elements", options.Tile));
            for (int i = 0; i < buffers.Count; i++)
                draft.Buffers.Add(new DraftBuffer(data[i].Name, i < inputs ? "input" : "output", ElementTypes.ManifestName(buffers[i].Element!.Value),
                    new DraftPart(i < inputs ? $"in{i}" : $"out{i - inputs}", "elements")));
            draft.Numeric.Add(new("accumulator", ElementTypes.IsFloat(buffers[0].Element!.Value) ? "float32" : "int32"));
        }
        try
        {
            return KernelManifestParser.Parse(draft.ToJson(), $"(the manifest of {name}, from its [NpuKernel] attribute)");
        }
        catch (KernelManifestException e)
        {
            return Fail(c.Report(NpuDiagnostics.BufferMismatch, name, kernel.Name, e.Reason));
        }
    }

    private static KernelManifest? Fail(bool _) => null;

    /// <summary>A manifest name for a synthesized manifest: the method's name without '@', other characters than ASCII letters and digits as '_'.</summary>
    private static string ManifestName(string identifier)
    {
        var sb = new StringBuilder(identifier.Length);
        foreach (char ch in identifier.TrimStart('@'))
            sb.Append((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ? ch : '_');
        return sb.ToString();
    }
}
