using System.Text.Json;

namespace NpuSdk.Emulation.Kernels;

/// <summary>
/// Reads kernel manifests (the JSON in <c>kernels/&lt;name&gt;/manifest.json</c>, described by
/// <c>kernels/manifest.schema.json</c>) and checks them for what the emulator and the generator rely on.
/// Every error names the manifest (source) and the offending key.
/// </summary>
public static class KernelManifestParser
{
    private static readonly string[] TileMatMulKeys = ["m", "k", "n"];
    private static readonly string[] KStripKeys = ["m", "n", "kMax", "kMultiple"];
    private static readonly string[] ElementwiseKeys = ["elements"];
    private static readonly string[] RowwiseKeys = ["rows", "cols"];
    private static readonly string[] AttentionKeys = ["queries", "keys", "dim", "heads", "headDim"];

    /// <summary>The symbol a K-strip shape uses for the call's reduction length.</summary>
    public const string StripLength = "K";

    /// <summary>Parses and checks one manifest.</summary>
    /// <param name="json">The manifest text.</param>
    /// <param name="source">Where it came from (a path or resource name), for error messages.</param>
    public static KernelManifest Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new KernelManifestException($"Kernel manifest {source}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var reader = new Reader(source);
            var manifest = reader.Manifest(document.RootElement);
            Check(manifest, source);
            return manifest;
        }
    }

    private static void Check(KernelManifest manifest, string source)
    {
        string[] required = manifest.Pattern switch
        {
            KernelPattern.TileMatMul => TileMatMulKeys,
            KernelPattern.KStripMatMul => KStripKeys,
            KernelPattern.Elementwise => ElementwiseKeys,
            KernelPattern.Rowwise => RowwiseKeys,
            _ => AttentionKeys,
        };
        foreach (var key in required)
            if (!manifest.Tile.ContainsKey(key))
                throw new KernelManifestException($"Kernel manifest {source}: pattern '{PatternName(manifest.Pattern)}' needs tile.{key}.");
        if (manifest.Pattern == KernelPattern.Attention && manifest.Tile["heads"] * manifest.Tile["headDim"] != manifest.Tile["dim"])
            throw new KernelManifestException($"Kernel manifest {source}: tile.heads ({manifest.Tile["heads"]}) x tile.headDim ({manifest.Tile["headDim"]}) must equal tile.dim ({manifest.Tile["dim"]}).");
        if (manifest.Pattern == KernelPattern.KStripMatMul && manifest.Tile["kMax"] % manifest.Tile["kMultiple"] != 0)
            throw new KernelManifestException($"Kernel manifest {source}: tile.kMax ({manifest.Tile["kMax"]}) must be a multiple of tile.kMultiple ({manifest.Tile["kMultiple"]}).");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < manifest.Buffers.Count; i++)
        {
            var buffer = manifest.Buffers[i];
            if (buffer.Arg != "bo" + i)
                throw new KernelManifestException($"Kernel manifest {source}: buffers[{i}].arg is '{buffer.Arg}'; buffers are listed in ABI order bo0, bo1, ..., so it must be 'bo{i}'.");
            foreach (var part in buffer.Parts)
            {
                if (!seen.Add(part.Operand))
                    throw new KernelManifestException($"Kernel manifest {source}: operand '{part.Operand}' appears twice.");
                foreach (var dim in part.Shape)
                {
                    bool known = manifest.Tile.ContainsKey(dim)
                        || (dim == StripLength && manifest.Pattern == KernelPattern.KStripMatMul)
                        || (int.TryParse(dim, out int n) && n > 0);
                    if (!known)
                        throw new KernelManifestException($"Kernel manifest {source}: {buffer.Arg} operand '{part.Operand}' has dimension '{dim}', which is neither a tile key ({string.Join(", ", manifest.Tile.Keys)}), a positive number, nor K of a kstrip-matmul.");
                }
            }
        }
    }

    /// <summary>The manifest spelling of a pattern.</summary>
    public static string PatternName(KernelPattern pattern) => pattern switch
    {
        KernelPattern.TileMatMul => "tile-matmul",
        KernelPattern.KStripMatMul => "kstrip-matmul",
        KernelPattern.Elementwise => "elementwise",
        KernelPattern.Rowwise => "rowwise",
        _ => "attention",
    };

    /// <summary>The manifest spelling of an element type.</summary>
    public static string ElementTypeName(KernelElementType type) => type switch
    {
        KernelElementType.Int8 => "int8",
        KernelElementType.UInt8 => "uint8",
        KernelElementType.Int16 => "int16",
        KernelElementType.Int32 => "int32",
        KernelElementType.Float32 => "float32",
        _ => "bf16",
    };

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(KernelElementType type) => type switch
    {
        KernelElementType.Int8 or KernelElementType.UInt8 => 1,
        KernelElementType.Int16 or KernelElementType.BFloat16 => 2,
        _ => 4,
    };

    private sealed class Reader(string source)
    {
        public KernelManifest Manifest(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Error("", "the manifest must be a JSON object");
            var name = String(root, "name", "");
            if (name.Length == 0 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
                throw Error("name", $"'{name}' must be lower-case letters, digits and underscores (it is the xclbin file stem)");
            return new KernelManifest
            {
                Name = name,
                Summary = String(root, "summary", ""),
                KernelName = String(root, "kernel", ""),
                Operation = Operation(String(root, "operation", "")),
                Pattern = Pattern(String(root, "pattern", "")),
                Tile = Tile(Property(root, "tile", "", JsonValueKind.Object)),
                Buffers = Array(root, "buffers", "").Select((b, i) => Buffer(b, $"buffers[{i}]")).ToArray(),
                Scalars = root.TryGetProperty("scalars", out _)
                    ? Array(root, "scalars", "").Select((s, i) => new ManifestScalar(String(s, "name", $"scalars[{i}]"), String(s, "type", $"scalars[{i}]"), String(s, "meaning", $"scalars[{i}]"))).ToArray()
                    : [],
                Numeric = Numeric(Property(root, "numeric", "", JsonValueKind.Object)),
            };
        }

        private string Operation(string text) => text is "matmul" or "layernorm" or "gelu" or "softmax" or "attention"
            ? text
            : throw Error("operation", $"'{text}' is not one of matmul, layernorm, gelu, softmax, attention");

        private KernelPattern Pattern(string text) => text switch
        {
            "tile-matmul" => KernelPattern.TileMatMul,
            "kstrip-matmul" => KernelPattern.KStripMatMul,
            "elementwise" => KernelPattern.Elementwise,
            "rowwise" => KernelPattern.Rowwise,
            "attention" => KernelPattern.Attention,
            _ => throw Error("pattern", $"'{text}' is not one of tile-matmul, kstrip-matmul, elementwise, rowwise, attention"),
        };

        private Dictionary<string, int> Tile(JsonElement tile)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var p in tile.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int v) || v <= 0)
                    throw Error("tile." + p.Name, "must be a positive integer");
                result[p.Name] = v;
            }
            if (result.Count == 0) throw Error("tile", "has no dimensions");
            return result;
        }

        private ManifestBuffer Buffer(JsonElement b, string path)
        {
            if (b.ValueKind != JsonValueKind.Object) throw Error(path, "must be an object");
            var role = String(b, "role", path) switch
            {
                "input" => BufferRole.Input,
                "output" => BufferRole.Output,
                "scratch" => BufferRole.Scratch,
                var r => throw Error(path + ".role", $"'{r}' is not input, output or scratch"),
            };
            var type = String(b, "elementType", path) switch
            {
                "int8" => KernelElementType.Int8,
                "uint8" => KernelElementType.UInt8,
                "int16" => KernelElementType.Int16,
                "int32" => KernelElementType.Int32,
                "float32" => KernelElementType.Float32,
                "bf16" => KernelElementType.BFloat16,
                var t => throw Error(path + ".elementType", $"'{t}' is not int8, uint8, int16, int32, float32 or bf16"),
            };
            var parts = Array(b, "parts", path).Select((p, i) => Part(p, $"{path}.parts[{i}]")).ToArray();
            if (parts.Length == 0) throw Error(path + ".parts", "is empty");
            return new ManifestBuffer(String(b, "arg", path), role, type, parts);
        }

        private ManifestPart Part(JsonElement p, string path)
        {
            var shape = Array(p, "shape", path).Select((d, i) => d.ValueKind switch
            {
                JsonValueKind.String when d.GetString() is { Length: > 0 } s => s,
                JsonValueKind.Number when d.TryGetInt32(out int n) && n > 0 => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw Error($"{path}.shape[{i}]", "must be a tile key or a positive integer"),
            }).ToArray();
            if (shape.Length == 0) throw Error(path + ".shape", "is empty");
            return new ManifestPart(String(p, "operand", path), shape);
        }

        private ManifestNumeric Numeric(JsonElement n)
        {
            ManifestTolerance? tolerance = null;
            if (n.TryGetProperty("tolerance", out var t))
            {
                if (t.ValueKind != JsonValueKind.Object) throw Error("numeric.tolerance", "must be an object");
                tolerance = new ManifestTolerance(Number(t, "relative", "numeric.tolerance") ?? throw Error("numeric.tolerance.relative", "is missing"),
                                                  Number(t, "absolute", "numeric.tolerance") ?? throw Error("numeric.tolerance.absolute", "is missing"));
            }
            double? shift = Number(n, "shift", "numeric");
            if (shift is { } s && (s < 0 || s > 31 || s != Math.Floor(s))) throw Error("numeric.shift", $"{s} is not a whole number of bits from 0 to 31");
            return new ManifestNumeric
            {
                Accumulator = String(n, "accumulator", "numeric"),
                Shift = (int)(shift ?? 0),
                Rounding = OptionalString(n, "rounding", "numeric"),
                Saturate = OptionalString(n, "saturate", "numeric"),
                HostAccumulator = OptionalString(n, "hostAccumulator", "numeric"),
                MultiplyAdd = OptionalString(n, "multiplyAdd", "numeric"),
                Order = OptionalString(n, "order", "numeric"),
                BFloat16Rounding = OptionalString(n, "bf16Rounding", "numeric"),
                NaN = OptionalString(n, "nan", "numeric"),
                Epsilon = Number(n, "epsilon", "numeric"),
                Scale = Number(n, "scale", "numeric"),
                Formula = OptionalString(n, "formula", "numeric"),
                Tolerance = tolerance,
            };
        }

        private JsonElement Property(JsonElement obj, string key, string path, JsonValueKind kind)
        {
            string full = path.Length == 0 ? key : path + "." + key;
            if (!obj.TryGetProperty(key, out var value)) throw Error(full, "is missing");
            if (value.ValueKind != kind) throw Error(full, $"must be {(kind == JsonValueKind.Array ? "an array" : "an " + kind.ToString().ToLowerInvariant())}");
            return value;
        }

        private string String(JsonElement obj, string key, string path) => Property(obj, key, path, JsonValueKind.String).GetString()!;

        private string? OptionalString(JsonElement obj, string key, string path) =>
            obj.TryGetProperty(key, out _) ? String(obj, key, path) : null;

        private double? Number(JsonElement obj, string key, string path) =>
            obj.TryGetProperty(key, out _) ? Property(obj, key, path, JsonValueKind.Number).GetDouble() : null;

        private JsonElement.ArrayEnumerator Array(JsonElement obj, string key, string path) =>
            Property(obj, key, path, JsonValueKind.Array).EnumerateArray();

        private KernelManifestException Error(string key, string problem) =>
            new($"Kernel manifest {source}: {(key.Length == 0 ? "" : key + " ")}{problem}.");
    }
}
