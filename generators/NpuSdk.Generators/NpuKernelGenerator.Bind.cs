using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;

namespace NpuSdk.Generators;

public sealed partial class NpuKernelGenerator
{
    /// <summary>
    /// Matches a method to its xclbin, kernel, instruction stream and pattern, and decides the launch plan
    /// it gets; everything that cannot work becomes a diagnostic and no source.
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

            var xclbin = Find(files, options.XclbinPath);
            if (xclbin is null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.XclbinNotInAdditionalFiles, at, options.XclbinPath, name));
                return null;
            }
            if (xclbin.Error is not null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.XclbinUnreadable, at, options.XclbinPath, name, xclbin.Error));
                return null;
            }
            string fileName = FileName(xclbin.Path);
            string stem = xclbin.Path.Substring(0, xclbin.Path.Length - ".xclbin".Length);
            string manifestPath = stem + ".kernel.json";
            var manifest = files.FirstOrDefault(f => string.Equals(f.Path, manifestPath, StringComparison.OrdinalIgnoreCase))?.Manifest;
            var usableManifest = manifest is { Error: null } ? manifest : null;
            string names = xclbin.Kernels.Count == 0 ? "none" : string.Join(", ", xclbin.Kernels.Select(k => k.Name));
            KernelSignature? kernel;
            if ((options.Kernel ?? usableManifest?.Kernel) is { } wanted)
            {
                kernel = xclbin.Kernels.FirstOrDefault(k => k.Name == wanted);
                if (kernel is null)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.KernelNotFound, at, name, $"there is no kernel '{wanted}'", fileName, names));
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
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.KernelNotFound, at, name, why, fileName, names));
                return null;
            }
            token.ThrowIfCancellationRequested();

            var pattern = options.Pattern;
            int tile = options.Tile, tileK = 0, tileN = 0;
            if (pattern == PatternKind.FromManifest)
            {
                if (usableManifest is null)
                {
                    string shown = FileName(manifestPath) + (manifest?.Error is { } e ? $" (present, but {e})" : "");
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.NoPattern, at, name, kernel.Name, shown));
                    return null;
                }
                pattern = usableManifest.Pattern;
            }
            else if (pattern is not (PatternKind.TileMatMul or PatternKind.Elementwise or PatternKind.KStripMatMul or PatternKind.Rowwise))
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.NoPattern, at, name, kernel.Name, FileName(manifestPath)));
                return null;
            }
            // The attribute may restate the manifest's tile but not contradict it: one invocation computes what the kernel was built for.
            if (usableManifest is not null && usableManifest.Pattern == pattern)
            {
                bool square = pattern != PatternKind.TileMatMul || (usableManifest.TileK == usableManifest.Tile && usableManifest.TileN == usableManifest.Tile);
                if (tile != 0 && (tile != usableManifest.Tile || !square))
                {
                    string manifestTile = square ? usableManifest.Tile.ToString() : $"m = {usableManifest.Tile}, k = {usableManifest.TileK}, n = {usableManifest.TileN}";
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TileNotUsable, at, name, tile.ToString(), $"the kernel's manifest says one invocation computes a tile of {manifestTile}"));
                    return null;
                }
                tile = usableManifest.Tile;
                if (pattern == PatternKind.TileMatMul) (tileK, tileN) = (usableManifest.TileK, usableManifest.TileN);
            }
            if (tileK == 0) (tileK, tileN) = (tile, tile);
            bool matmul = pattern is PatternKind.TileMatMul or PatternKind.KStripMatMul;
            if (tile <= 0 || (matmul && Math.Max(tile, Math.Max(tileK, tileN)) > 4096))
            {
                string why = tile <= 0 ? "it must be a positive number of " + (matmul ? "rows and columns per block" : pattern == PatternKind.Rowwise ? "rows per invocation" : "elements per invocation")
                    : "a tile matmul block of more than 4096x4096 elements does not fit a plan's 32-bit buffer sizes";
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.TileNotUsable, at, name, tile.ToString(), why));
                return null;
            }

            var instructions = FindInstructions(files, options.Instructions, stem, out string missing);
            if (instructions is null)
            {
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.InstructionsNotFound, at, name, missing));
                return null;
            }

            var dataArgs = kernel.Arguments.Where(a => a.IsBuffer && a.Name != "instr").Select(a => a.Name).ToList();
            var buffers = method.Parameters.Where(p => p.IsBuffer).ToList();
            string argList = dataArgs.Count == 0 ? "none" : string.Join(", ", dataArgs);
            bool packed = false;
            string typeArguments;
            int kMultiple = 0, kMax = 0;
            if (matmul)
            {
                bool shapeOk = buffers.Count == 3 && buffers[0].Kind == ParameterKind.Input2D && buffers[1].Kind == ParameterKind.Input2D && buffers[2].Kind == ParameterKind.Output2D;
                bool countOk = pattern == PatternKind.TileMatMul ? dataArgs.Count is 2 or 3 : dataArgs.Count == 3;
                if (!shapeOk || !countOk)
                {
                    string but = !shapeOk
                        ? $"a matmul method takes (ReadOnlySpan2D<T> a, ReadOnlySpan2D<T> b, Span2D<T> c) and this one takes ({Describe(buffers)})"
                        : pattern == PatternKind.TileMatMul ? "a tile matmul kernel takes 2 (A and B packed, C) or 3 (A, B, C) data buffers"
                        : "a K-strip matmul kernel takes 3 data buffers (A strip, B strip, C block)";
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name, dataArgs.Count.ToString(), argList, but));
                    return null;
                }
                if (usableManifest is { Buffers.Count: > 0 } && !ManifestAgrees(usableManifest, pattern, buffers, dataArgs, method, kernel.Name, argList, at, errors))
                    return null;
                packed = pattern == PatternKind.TileMatMul && dataArgs.Count == 2;
                string? partial = usableManifest is { Buffers.Count: > 0 } ? usableManifest.Buffers[usableManifest.Buffers.Count - 1].ElementType : null;
                var rule = pattern == PatternKind.TileMatMul
                    ? MatMulRule(buffers[0].ElementType, buffers[1].ElementType, buffers[2].ElementType, partial)
                    : KStripRule(buffers[0].ElementType, buffers[1].ElementType, buffers[2].ElementType);
                if (pattern == PatternKind.KStripMatMul)
                {
                    // Without a manifest the strip's K is padded to a multiple of the tile and has no upper bound.
                    kMultiple = usableManifest?.KMultiple is > 0 and var m ? m : tile;
                    kMax = usableManifest?.KMax is > 0 and var x ? x : int.MaxValue;
                }
                if (rule is null)
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, name,
                        $"a {(pattern == PatternKind.TileMatMul ? "tile" : "K-strip")} matmul of {Short(buffers[0].ElementType)} x {Short(buffers[1].ElementType)} into {Short(buffers[2].ElementType)} has no numeric rule; supported: sbyte x sbyte with int8 partials into sbyte or int (int32 host accumulation), BFloat16 x BFloat16 with bf16 or float32 partials into float or BFloat16 (float host accumulation); K-strip: sbyte x sbyte into int or sbyte (int32 summed on the device)"));
                    return null;
                }
                typeArguments = rule;
            }
            else
            {
                bool rowwise = pattern == PatternKind.Rowwise;
                int inputs = buffers.TakeWhile(b => rowwise ? b.IsInput : b.Kind == ParameterKind.Input1D).Count();
                int outputs = buffers.Skip(inputs).TakeWhile(b => b.Kind == (rowwise ? ParameterKind.Output2D : ParameterKind.Output1D)).Count();
                bool hasMatrixInput = !rowwise || buffers.Take(inputs).Any(b => b.Kind == ParameterKind.Input2D);
                if (inputs == 0 || outputs == 0 || inputs + outputs != buffers.Count || !hasMatrixInput || buffers.Count != dataArgs.Count)
                {
                    string expected = rowwise
                        ? "a rowwise method takes inputs (ReadOnlySpan2D<T> matrices, at least one, and ReadOnlySpan<T> per-column vectors) followed by Span2D<T> outputs"
                        : "an elementwise method takes ReadOnlySpan<T> inputs followed by Span<T> outputs";
                    string but = inputs + outputs != buffers.Count || inputs == 0 || outputs == 0 || !hasMatrixInput
                        ? $"{expected}, in the order of the kernel's buffers, and this one takes ({Describe(buffers)})"
                        : $"the method has {buffers.Count} buffer parameter(s)";
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, name, kernel.Name, dataArgs.Count.ToString(), argList, but));
                    return null;
                }
                if (buffers.Any(b => b.ElementType != buffers[0].ElementType))
                {
                    errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, name,
                        $"an {(rowwise ? "rowwise" : "elementwise")} kernel's operands share one element type, but this method mixes {string.Join(", ", buffers.Select(b => Short(b.ElementType)).Distinct())}"));
                    return null;
                }
                if (usableManifest is { Buffers.Count: > 0 } && !ManifestAgrees(usableManifest, pattern, buffers, dataArgs, method, kernel.Name, argList, at, errors))
                    return null;
                typeArguments = buffers[0].ElementType;
            }

            return new KernelSourceModel(method.HintName, method.Namespace, method.Types, method.Name, method.Modifiers, method.Parameters,
                fileName, kernel.Name, FileName(instructions.Path), dataArgs.Count, options.TimeoutMilliseconds > 0 ? options.TimeoutMilliseconds : 10_000,
                pattern, tile, tileK, tileN, packed, typeArguments, kMultiple, kMax, pattern == PatternKind.Rowwise ? usableManifest?.Cols ?? 0 : 0);
        }

        /// <summary>The manifest's buffers against the kernel's and the method's: same count, same directions, same element types.</summary>
        private static bool ManifestAgrees(ManifestModel manifest, PatternKind pattern, System.Collections.Generic.List<ParameterModel> buffers,
            System.Collections.Generic.List<string> dataArgs, MethodModel method, string kernel, string argList, DiagnosticLocation at, ImmutableArray<DiagnosticInfo>.Builder errors)
        {
            var declared = manifest.Buffers;
            string roles = string.Join(", ", declared.Select(b => (b.Arg.Length > 0 ? b.Arg + " " : "") + (b.IsInput ? "input" : "output")));
            bool matmul = pattern is PatternKind.TileMatMul or PatternKind.KStripMatMul;
            bool directionsAgree = matmul
                ? declared.Take(declared.Count - 1).All(b => b.IsInput) && !declared[declared.Count - 1].IsInput
                : declared.Count == buffers.Count && declared.Select(b => b.IsInput).SequenceEqual(buffers.Select(p => p.IsInput));
            if (declared.Count != dataArgs.Count || !directionsAgree)
            {
                string but = declared.Count != dataArgs.Count
                    ? $"its manifest declares {declared.Count} ({roles})"
                    : $"its manifest declares them as ({roles}) and the method takes ({Describe(buffers)})";
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.BufferMismatch, at, method.DisplayName, kernel, dataArgs.Count.ToString(), argList, but));
                return false;
            }
            // Element types: a matmul's inputs are A and B (its output holds the kernel's partials, converted on the host);
            // an elementwise kernel's buffers map one to one onto the method's.
            var pairs = matmul
                ? buffers.Take(2).Select(p => (Param: p, Declared: declared[0]))
                : buffers.Select((p, i) => (Param: p, Declared: declared[i]));
            foreach (var (param, buffer) in pairs)
            {
                if (buffer.ElementType is null || buffer.ElementType == param.ElementType) continue;
                errors.Add(DiagnosticInfo.Create(NpuDiagnostics.UnsupportedType, at, method.DisplayName,
                    $"parameter '{param.Name}' has element type {Short(param.ElementType)}, but the kernel's manifest declares {Short(buffer.ElementType)} for its buffer {(buffer.Arg.Length > 0 ? buffer.Arg : "")}".TrimEnd()));
                return false;
            }
            return true;
        }

        /// <summary>
        /// The plan's type arguments for inputs a, b, output c and the kernel's partial type (from the manifest; by
        /// default the input type, as the original port's kernel returns requantized int8 partials).
        /// </summary>
        private static string? MatMulRule(string a, string b, string c, string? partial)
        {
            const string BFloat16 = "global::NpuSdk.BFloat16";
            if (a != b) return null;
            return (a, partial ?? a, c) switch
            {
                ("sbyte", "sbyte", "sbyte") => "sbyte, sbyte, int, sbyte, global::NpuSdk.Launch.Int8PartialsToInt8",
                ("sbyte", "sbyte", "int") => "sbyte, sbyte, int, int, global::NpuSdk.Launch.Int8PartialsToInt32",
                (BFloat16, BFloat16, "float") => $"{BFloat16}, {BFloat16}, float, float, global::NpuSdk.Launch.BFloat16PartialsToSingle",
                (BFloat16, BFloat16, BFloat16) => $"{BFloat16}, {BFloat16}, float, {BFloat16}, global::NpuSdk.Launch.BFloat16PartialsToBFloat16",
                (BFloat16, "float", "float") => $"{BFloat16}, float, float, float, global::NpuSdk.Launch.SinglePartialsToSingle",
                (BFloat16, "float", BFloat16) => $"{BFloat16}, float, float, {BFloat16}, global::NpuSdk.Launch.SinglePartialsToBFloat16",
                _ => null,
            };
        }

        /// <summary>A K-strip kernel sums int8 products in int32 on the device; the host returns them or saturates them to int8.</summary>
        private static string? KStripRule(string a, string b, string c) => (a, b, c) switch
        {
            ("sbyte", "sbyte", "int") => "sbyte, int, global::NpuSdk.Launch.Int32SumsToInt32",
            ("sbyte", "sbyte", "sbyte") => "sbyte, sbyte, global::NpuSdk.Launch.Int32SumsToInt8",
            _ => null,
        };

        private static string Short(string elementType) => elementType.Replace("global::NpuSdk.", "");

        private static string Describe(System.Collections.Generic.List<ParameterModel> buffers) =>
            buffers.Count == 0 ? "no buffers" : string.Join(", ", buffers.Select(b => b.Kind switch
            {
                ParameterKind.Input2D => "ReadOnlySpan2D",
                ParameterKind.Output2D => "Span2D",
                ParameterKind.Input1D => "ReadOnlySpan",
                _ => "Span",
            } + "<" + Short(b.ElementType) + "> " + b.Name));

        private static ProjectFile? Find(ImmutableArray<ProjectFile> files, string path)
        {
            if (path.Length == 0) return null;
            string wanted = "/" + path.Replace('\\', '/').TrimStart('.', '/');
            foreach (var f in files)
                if (("/" + f.Path).EndsWith(wanted, StringComparison.OrdinalIgnoreCase)) return f;
            return null;
        }

        private static ProjectFile? FindInstructions(ImmutableArray<ProjectFile> files, string? explicitPath, string stem, out string missing)
        {
            if (explicitPath is not null)
            {
                missing = $"the instruction file '{explicitPath}' is not among the project's AdditionalFiles";
                return Find(files, explicitPath);
            }
            string dir = stem.Substring(0, stem.LastIndexOf('/') + 1);
            missing = $"no instruction file beside '{FileName(stem)}.xclbin' (looked for {FileName(stem)}.insts.bin, {FileName(stem)}.insts.txt, then a single *insts.bin or *insts.txt in its folder)";
            foreach (string suffix in new[] { ".insts.bin", ".insts.txt" })
            {
                var exact = files.FirstOrDefault(f => string.Equals(f.Path, stem + suffix, StringComparison.OrdinalIgnoreCase));
                if (exact is not null) return exact;
            }
            foreach (string suffix in new[] { "insts.bin", "insts.txt" })
            {
                var beside = files.Where(f => f.Path.StartsWith(dir, StringComparison.OrdinalIgnoreCase) && f.Path.IndexOf('/', dir.Length) < 0
                    && f.Path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)).ToList();
                if (beside.Count == 1) return beside[0];
            }
            return null;
        }

        private static string FileName(string path) => path.Substring(path.LastIndexOf('/') + 1);
    }
}
