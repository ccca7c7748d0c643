using System.Text;
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis.Text;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>
    /// Matches a method to its xclbin, kernel, manifest and instruction stream through the kernel model (the same code
    /// the runtime plans calls with); everything that cannot work becomes a diagnostic and no source.
    /// </summary>
    private static class Bind
    {
        public static Result<KernelSourceModel?> Run(Result<MethodModel> gathered, ImmutableArray<ProjectFile> files, CancellationToken token)
        {
            var method = gathered.Value;
            var errors = gathered.Errors.AsImmutableArray().ToBuilder();
            var model = method.CanEmit ? TryBind(method, files, errors, token) : null;
            return new Result<KernelSourceModel?>(model, errors.ToImmutable().ToEquatableArray());
        }

        private static KernelSourceModel? TryBind(MethodModel method, ImmutableArray<ProjectFile> files, ImmutableArray<DiagnosticInfo>.Builder errors, CancellationToken token)
        {
            var at = method.AttributeLocation;
            var options = method.Options;
            string name = method.DisplayName;

            var xclbins = files.Where(f => f.Path.EndsWith(".xclbin", StringComparison.OrdinalIgnoreCase)).ToList();
            var xclbin = FindFile(xclbins, options.XclbinPath, out var candidates);
            if (xclbin is null)
            {
                if (candidates.Count > 1)
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.AmbiguousKernelFile, at, name, options.XclbinPath,
                        $"{candidates.Count} of the project's AdditionalFiles match it ({string.Join(", ", candidates.Select(c => c.DisplayPath))}); name one by its path in the output folder ({string.Join(", ", candidates.Select(c => c.OutputPath))})"));
                else
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.XclbinNotInAdditionalFiles, at, options.XclbinPath, name));
                return null;
            }
            var collision = xclbins.FirstOrDefault(f => f.Path != xclbin.Path && string.Equals(f.OutputPath, xclbin.OutputPath, StringComparison.OrdinalIgnoreCase));
            if (collision is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.AmbiguousKernelFile, at, name, options.XclbinPath,
                    $"'{xclbin.DisplayPath}' and '{collision.DisplayPath}' are both copied to '{xclbin.OutputPath}' in the output folder, so the file loaded at run time would not be the file checked now; keep their folders in the output (NpuSdk.props does for files inside the project) or rename one"));
                return null;
            }
            if (xclbin.Error is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.XclbinUnreadable, at, options.XclbinPath, name, xclbin.Error));
                return null;
            }

            string stem = xclbin.Path.Substring(0, xclbin.Path.Length - ".xclbin".Length);
            // A manifest says what one instruction stream computes (designs that differ only in shape may share an xclbin,
            // each with its stream): beside the stream the attribute names, else beside the xclbin.
            var named = options.Instructions is null ? null : FindInstructions(files, options.Instructions, stem, out _);
            var manifestFile = (named is null ? null : files.FirstOrDefault(f => string.Equals(f.Path, StreamStem(named.Path) + ".kernel.json", StringComparison.OrdinalIgnoreCase)))
                ?? files.FirstOrDefault(f => string.Equals(f.Path, stem + ".kernel.json", StringComparison.OrdinalIgnoreCase));
            KernelManifest? manifest = null;
            if (manifestFile?.Manifest is { } source)
            {
                if (manifestFile.ManifestError is { } e)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.ManifestInvalid, ManifestLocation(manifestFile, e), manifestFile.DisplayPath, name, e.Reason));
                    return null;
                }
                // Parsed once, when the file was read (no error means it parsed).
                manifest = source.Manifest;
            }

            string names = xclbin.Kernels.Count == 0 ? "none" : string.Join(", ", xclbin.Kernels.Select(k => k.Name));
            KernelSignature? kernel;
            if ((options.Kernel ?? manifest?.KernelName) is { } wanted)
            {
                kernel = xclbin.Kernels.FirstOrDefault(k => k.Name == wanted);
                if (kernel is null)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.KernelNotFound, at, name, $"there is no kernel '{wanted}'", FileName(xclbin.Path), names));
                    return null;
                }
            }
            else if (xclbin.Kernels.Count == 1)
            {
                kernel = xclbin.Kernels[0];
            }
            else
            {
                string why = xclbin.Kernels.Count == 0 ? "the xclbin declares no kernel" : $"the xclbin has {xclbin.Kernels.Count} kernels, so name one with Kernel = \"...\"";
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.KernelNotFound, at, name, why, FileName(xclbin.Path), names));
                return null;
            }
            token.ThrowIfCancellationRequested();

            var buffers = method.Parameters.Where(p => p.IsBuffer).ToList();
            var scalars = method.Parameters.Where(p => p.Kind == ParameterKind.Scalar).ToList();
            if (manifest is null)
            {
                if (options.Pattern == PatternKind.FromManifest)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.NoPattern, at, name,
                        $"what one invocation of kernel '{kernel.Name}' computes is unknown; add its manifest '{FileName(stem)}.kernel.json' beside the xclbin (npu manifest {FileName(xclbin.Path)} drafts one) or set Pattern on [NpuKernel]"));
                    return null;
                }
                manifest = Synthesize(method, kernel, buffers, at, errors);
                if (manifest is null) return null;
            }
            else if (!AttributeAgrees(method, manifest, at, errors))
            {
                return null;
            }

            IReadOnlyList<ArgumentBinding> arguments;
            try
            {
                arguments = KernelAbi.Bind(kernel.Arguments.AsImmutableArray(), manifest);
            }
            catch (KernelManifestException e)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name, e.Reason));
                return null;
            }

            string instructionsPath = "";
            if (arguments.Any(a => a.Use == ArgumentUse.Instructions))
            {
                var instructions = FindInstructions(files, options.Instructions, stem, out string missing);
                if (instructions is null)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.InstructionsNotFound, at, name, missing));
                    return null;
                }
                instructionsPath = instructions.OutputPath;
            }

            if (!OperandsAgree(method, manifest, kernel, buffers, at, errors) || !ScalarsAgree(method, manifest, scalars, at, errors)) return null;

            // Tensors stand for operands that have a kernel buffer to themselves, in the kernel's own element type.
            var operandList = PatternStrategy.For(manifest.Pattern).Operands(manifest);
            bool tensors = operandList.Select((o, i) => manifest.BufferOf(o.Name)!.Parts.Count == 1 && buffers[i].ElementType == ElementTypes.ManifestName(o.KernelType)).All(x => x);
            return new KernelSourceModel(method.SortKey, method.HintName, method.Namespace, method.Types, method.Name, name, method.Modifiers, method.Parameters,
                method.DescriptorField, xclbin.OutputPath, kernel.Name, instructionsPath, manifest.Text, options.TimeoutMilliseconds,
                $"{KernelManifestParser.PatternName(manifest.Pattern)} on kernel {kernel.Name} of {xclbin.OutputPath}" + StandIn(xclbin), method.AsyncName, tensors);
        }

        /// <summary>What the generated comment says of an emulation stand-in: it runs on the emulator only, and what to build for an NPU.</summary>
        private static string StandIn(ProjectFile xclbin) => xclbin.EmulationStandIn switch
        {
            null => "",
            "" => "; an emulation stand-in: the emulator runs it, an NPU refuses it",
            var note => $"; an emulation stand-in: the emulator runs it, an NPU refuses it ({note})",
        };

        /// <summary>A file named by the attribute: by its path in the output folder, else by a unique path suffix.</summary>
        private static ProjectFile? FindFile(List<ProjectFile> files, string path, out List<ProjectFile> candidates)
        {
            candidates = new List<ProjectFile>();
            if (path.Length == 0) return null;
            string wanted = path.Replace('\\', '/');
            while (wanted.StartsWith("./", StringComparison.Ordinal)) wanted = wanted.Substring(2);
            var byOutput = files.Where(f => string.Equals(f.OutputPath, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            candidates = byOutput.Count > 0 ? byOutput
                : files.Where(f => ("/" + f.Path).EndsWith("/" + wanted.TrimStart('/'), StringComparison.OrdinalIgnoreCase)).ToList();
            return candidates.Count == 1 ? candidates[0] : null;
        }

        private static DiagnosticLocation ManifestLocation(ProjectFile file, ManifestError e)
        {
            int line = Math.Max(e.Line - 1, 0), column = Math.Max(e.Column - 1, 0);
            int offset = Math.Max(e.Offset, 0);
            return new DiagnosticLocation(file.Path, new TextSpan(offset, 0), new LinePositionSpan(new LinePosition(line, column), new LinePosition(line, column)));
        }

        /// <summary>The attribute may restate the manifest's pattern and tile but not contradict them.</summary>
        private static bool AttributeAgrees(MethodModel method, KernelManifest manifest, DiagnosticLocation at, ImmutableArray<DiagnosticInfo>.Builder errors)
        {
            var options = method.Options;
            if (options.Pattern != PatternKind.FromManifest && PatternOf(options.Pattern) is { } p && p != manifest.Pattern)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.NoPattern, at, method.DisplayName,
                    $"Pattern = {options.Pattern} contradicts the kernel's manifest, whose pattern is {KernelManifestParser.PatternName(manifest.Pattern)}; remove Pattern or fix the manifest"));
                return false;
            }
            if (options.Tile == 0) return true;
            string? key = manifest.Pattern switch
            {
                KernelPattern.Elementwise => "elements",
                KernelPattern.Rowwise => "rows",
                KernelPattern.Attention => "queries",
                _ => "m",
            };
            bool square = manifest.Pattern is not (KernelPattern.TileMatMul or KernelPattern.WholeArray)
                || (manifest.Tile["m"] == manifest.Tile["k"] && manifest.Tile["k"] == manifest.Tile["n"]);
            if (manifest.Tile.TryGetValue(key, out int edge) && edge == options.Tile && square) return true;
            string stated = square ? edge.ToString() : $"m = {manifest.Tile["m"]}, k = {manifest.Tile["k"]}, n = {manifest.Tile["n"]}";
            errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TileNotUsable, at, method.DisplayName, options.Tile.ToString(), $"the kernel's manifest says one invocation computes {stated}; remove Tile or make it agree"));
            return false;
        }

        private static KernelPattern? PatternOf(PatternKind kind) => kind switch
        {
            PatternKind.TileMatMul => KernelPattern.TileMatMul,
            PatternKind.Elementwise => KernelPattern.Elementwise,
            PatternKind.KStripMatMul => KernelPattern.KStripMatMul,
            PatternKind.Rowwise => KernelPattern.Rowwise,
            PatternKind.Attention => KernelPattern.Attention,
            PatternKind.WholeArray => KernelPattern.WholeArray,
            PatternKind.Gemv => KernelPattern.Gemv,
            _ => null,
        };

        /// <summary>
        /// The manifest of a method whose attribute names the pattern instead (matmul and elementwise patterns): the
        /// kernel's data buffers in order hold the method's operands (a tile matmul with two data buffers packs A and B),
        /// partials of a matmul are of its input type, and the host adds them over K. The emulator needs C# registered
        /// for such a kernel, since no manifest says its rule.
        /// </summary>
        /// <summary>A manifest name for a synthesized manifest: the method's name without '@', other characters than ASCII letters and digits as '_'.</summary>
        private static string ManifestName(string identifier)
        {
            var sb = new StringBuilder(identifier.Length);
            foreach (char c in identifier.TrimStart('@'))
                sb.Append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
            return sb.ToString();
        }

        private static KernelManifest? Synthesize(MethodModel method, KernelSignature kernel, List<ParameterModel> buffers, DiagnosticLocation at, ImmutableArray<DiagnosticInfo>.Builder errors)
        {
            var options = method.Options;
            var pattern = PatternOf(options.Pattern);
            string name = method.DisplayName;
            if (pattern is null or KernelPattern.Rowwise or KernelPattern.Attention or KernelPattern.Gemv)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.NoPattern, at, name,
                    pattern is null ? $"Pattern = {(int)options.Pattern} is not an NpuPattern value"
                    : $"the shapes of {Article(KernelManifestParser.PatternName(pattern.Value))} kernel are compiled into it, so it needs its manifest beside the xclbin; write one (npu manifest drafts it)"));
                return null;
            }
            if (options.Tile <= 0)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TileNotUsable, at, name, options.Tile.ToString(),
                    $"without a manifest Tile says what one invocation covers, so it must be a positive number of {(pattern == KernelPattern.Elementwise ? "elements" : "rows and columns per block")}"));
                return null;
            }
            var data = kernel.Arguments.Where(a => a.IsBuffer && a.Name != "instr").ToList();
            string argList = data.Count == 0 ? "none" : string.Join(", ", data.Select(a => a.Name));
            var draft = new ManifestDraft { Name = ManifestName(method.Name), Summary = "Synthesized from [NpuKernel] on " + name, Kernel = kernel.Name, Operation = "custom", Pattern = pattern.Value };
            bool matmul = pattern != KernelPattern.Elementwise;
            string t = options.Tile.ToString();
            if (matmul)
            {
                if (buffers.Count != 3 || buffers[0].Kind != ParameterKind.Input2D || buffers[1].Kind != ParameterKind.Input2D || buffers[2].Kind != ParameterKind.Output2D || buffers[0].ElementType != buffers[1].ElementType)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name,
                        $"a matmul method takes (ReadOnlySpan2D<T> a, ReadOnlySpan2D<T> b, Span2D<R> c) with a and b of one element type, and this one takes ({Describe(buffers)})"));
                    return null;
                }
                bool kstrip = pattern == KernelPattern.KStripMatMul;
                int needed = kstrip ? 3 : 2;
                if (data.Count < needed)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name,
                        $"it has {data.Count} data buffer(s) ({argList}), but {Article(KernelManifestParser.PatternName(pattern.Value))} kernel needs {(kstrip ? "3 (A strip, B strip, C block)" : "2 (A and B packed, C) or 3 (A, B, C)")}"));
                    return null;
                }
                string input = buffers[0].ElementType;
                bool isFloat = input is "bf16" or "float32";
                string partial = kstrip ? (isFloat ? "float32" : "int32") : input;
                if (kstrip)
                {
                    draft.Tile.Add(new("m", options.Tile));
                    draft.Tile.Add(new("n", options.Tile));
                    draft.Tile.Add(new("kMultiple", options.Tile));
                    draft.Tile.Add(new("kMax", (1 << 24) / options.Tile * options.Tile));
                }
                else
                {
                    draft.Tile.Add(new("m", options.Tile));
                    draft.Tile.Add(new("k", options.Tile));
                    draft.Tile.Add(new("n", options.Tile));
                }
                string k = kstrip ? "K" : "k";
                if (data.Count == 2)
                {
                    draft.Buffers.Add(new DraftBuffer(data[0].Name, "input", input, new DraftPart("a", "m", k), new DraftPart("b", k, "n")));
                    draft.Buffers.Add(new DraftBuffer(data[1].Name, "output", partial, new DraftPart("c", "m", "n")));
                }
                else
                {
                    draft.Buffers.Add(new DraftBuffer(data[0].Name, "input", input, new DraftPart("a", "m", k)));
                    draft.Buffers.Add(new DraftBuffer(data[1].Name, "input", input, new DraftPart("b", k, "n")));
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
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name,
                        $"it has {data.Count} data buffer(s) ({argList}), but an elementwise method takes ReadOnlySpan<T> inputs followed by Span<T> outputs, one per data buffer in order, and this one takes ({Describe(buffers)})"));
                    return null;
                }
                draft.Tile.Add(new("elements", options.Tile));
                for (int i = 0; i < buffers.Count; i++)
                    draft.Buffers.Add(new DraftBuffer(data[i].Name, i < inputs ? "input" : "output", buffers[i].ElementType, new DraftPart(i < inputs ? $"in{i}" : $"out{i - inputs}", "elements")));
                draft.Numeric.Add(new("accumulator", buffers[0].ElementType is "bf16" or "float32" ? "float32" : "int32"));
            }
            try
            {
                return KernelManifestParser.Parse(draft.ToJson(), $"(the manifest of {name}, from its [NpuKernel] attribute)");
            }
            catch (KernelManifestException e)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name, e.Reason));
                return null;
            }
        }

        /// <summary>The method's buffer parameters against the pattern's operands: count, matrix or vector, direction, element type.</summary>
        private static bool OperandsAgree(MethodModel method, KernelManifest manifest, KernelSignature kernel, List<ParameterModel> buffers, DiagnosticLocation at, ImmutableArray<DiagnosticInfo>.Builder errors)
        {
            var strategy = PatternStrategy.For(manifest.Pattern);
            var operands = strategy.Operands(manifest);
            bool shapeOk = operands.Count == buffers.Count && operands.Select((o, i) =>
                o.IsInput == buffers[i].IsInput && (o.Kind == OperandShapeKind.Matrix) == buffers[i].IsMatrix).All(x => x);
            if (!shapeOk)
            {
                string expected = string.Join(", ", operands.Select(o => (o.Kind == OperandShapeKind.Matrix ? (o.IsInput ? "ReadOnlySpan2D" : "Span2D") : (o.IsInput ? "ReadOnlySpan" : "Span"))
                    + "<" + CSharp(o.KernelType) + "> " + o.Name));
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, method.DisplayName, kernel.Name,
                    $"its {KernelManifestParser.PatternName(manifest.Pattern)} manifest takes ({expected}) in that order, and this method takes ({Describe(buffers)})"));
                return false;
            }
            for (int i = 0; i < operands.Count; i++)
            {
                var o = operands[i];
                string kernelType = ElementTypes.ManifestName(o.KernelType);
                bool isFloat = kernelType is "bf16" or "float32", paramFloat = buffers[i].ElementType is "bf16" or "float32";
                if (o.IsInput ? buffers[i].ElementType == kernelType : isFloat == paramFloat) continue;
                string rule = o.IsInput
                    ? $"the kernel reads {kernelType}, so it must be ReadOnlySpan{(o.Kind == OperandShapeKind.Matrix ? "2D" : "")}<{CSharp(o.KernelType)}>"
                    : $"the kernel writes {kernelType}; an integer output becomes sbyte, byte, short or int (saturating), a float one float or BFloat16";
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, method.DisplayName,
                    $"parameter '{buffers[i].PlainName}' (operand \"{o.Name}\") has element type {CSharpOf(buffers[i].ElementType)}, but {rule}"));
                return false;
            }
            return true;
        }

        private static bool ScalarsAgree(MethodModel method, KernelManifest manifest, List<ParameterModel> scalars, DiagnosticLocation at, ImmutableArray<DiagnosticInfo>.Builder errors)
        {
            var passed = manifest.Scalars.Where(s => s.Value is null).ToList();
            if (passed.Count != scalars.Count)
            {
                string wanted = passed.Count == 0 ? "none" : string.Join(", ", passed.Select(s => $"{KernelManifestParser.ScalarTypeName(s.Type)} {s.Arg}"));
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, method.DisplayName,
                    $"the method passes {scalars.Count} scalar parameter(s), but the manifest has {passed.Count} scalar(s) without a fixed value ({wanted}), bound from the scalar parameters in order"));
                return false;
            }
            for (int i = 0; i < passed.Count; i++)
            {
                string type = KernelManifestParser.ScalarTypeName(passed[i].Type);
                if (scalars[i].ElementType == type) continue;
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, method.DisplayName,
                    $"scalar parameter '{scalars[i].PlainName}' is {scalars[i].TypeText.Replace("global::System.", "")}, but the kernel's scalar \"{passed[i].Arg}\" is {type}"));
                return false;
            }
            return true;
        }

        private static string CSharp(ElementType type) => ElementTypes.CSharpName(type);

        private static string Article(string word) => ("aeiou".IndexOf(word[0]) >= 0 ? "an " : "a ") + word;

        private static string CSharpOf(string manifestType) => ElementTypes.TryParse(manifestType, out var t) ? CSharp(t) : manifestType;

        private static string Describe(List<ParameterModel> buffers) =>
            buffers.Count == 0 ? "no buffers" : string.Join(", ", buffers.Select(b => b.Kind switch
            {
                ParameterKind.Input2D => "ReadOnlySpan2D",
                ParameterKind.Output2D => "Span2D",
                ParameterKind.Input1D => "ReadOnlySpan",
                _ => "Span",
            } + "<" + CSharpOf(b.ElementType) + "> " + b.PlainName));

        private static ProjectFile? FindInstructions(ImmutableArray<ProjectFile> files, string? explicitPath, string stem, out string missing)
        {
            var streams = files.Where(f => f.Path.EndsWith("insts.txt", StringComparison.OrdinalIgnoreCase) || f.Path.EndsWith("insts.bin", StringComparison.OrdinalIgnoreCase)).ToList();
            if (explicitPath is not null)
            {
                missing = $"the instruction file '{explicitPath}' is not among the project's AdditionalFiles";
                var found = FindFile(streams, explicitPath, out var candidates);
                if (found is null && candidates.Count > 1) missing = $"the instruction file '{explicitPath}' matches {candidates.Count} AdditionalFiles ({string.Join(", ", candidates.Select(c => c.DisplayPath))})";
                return found;
            }
            string dir = stem.Substring(0, stem.LastIndexOf('/') + 1);
            missing = $"no instruction file beside '{FileName(stem)}.xclbin' (looked for {FileName(stem)}.insts.bin, {FileName(stem)}.insts.txt, then a single *insts.bin or *insts.txt in its folder)";
            foreach (string suffix in new[] { ".insts.bin", ".insts.txt" })
            {
                var exact = streams.FirstOrDefault(f => string.Equals(f.Path, stem + suffix, StringComparison.OrdinalIgnoreCase));
                if (exact is not null) return exact;
            }
            foreach (string suffix in new[] { "insts.bin", "insts.txt" })
            {
                var beside = streams.Where(f => f.Path.StartsWith(dir, StringComparison.OrdinalIgnoreCase) && f.Path.IndexOf('/', dir.Length) < 0
                    && f.Path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)).ToList();
                if (beside.Count == 1) return beside[0];
            }
            return null;
        }

        private static string FileName(string path) => path.Substring(path.LastIndexOf('/') + 1);

        /// <summary>An instruction file's path without <c>.insts.txt</c> / <c>.insts.bin</c> (or its last extension): where its manifest's stem is.</summary>
        private static string StreamStem(string path)
        {
            foreach (string suffix in new[] { ".insts.txt", ".insts.bin" })
                if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return path.Substring(0, path.Length - suffix.Length);
            int dot = path.LastIndexOf('.');
            return dot > path.LastIndexOf('/') ? path.Substring(0, dot) : path;
        }
    }
}
