using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NpuSdk.KernelModel.Json;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.KernelModel;

/// <summary>
/// The one reader of kernel manifests. It accepts exactly what <c>kernels/manifest.schema.json</c> describes (strict
/// JSON, no unknown keys) and then checks that the manifest is consistent: every shape names a tile key, every
/// operand the pattern needs is there with the right role and shape, and the numeric rule fits the element types.
/// Every error names the file, line and column.
/// </summary>
public static class KernelManifestParser
{
    /// <summary>Parses and checks a manifest.</summary>
    /// <param name="text">The manifest's JSON text.</param>
    /// <param name="path">Where it came from, for messages.</param>
    /// <exception cref="KernelManifestException">The text is not JSON, does not follow the schema, or is inconsistent.</exception>
    public static KernelManifest Parse(string text, string path)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        if (path is null) throw new ArgumentNullException(nameof(path));
        JsonValue root;
        try
        {
            root = JsonText.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            throw new KernelManifestException(e.Message, path, e.Position.Line, e.Position.Column, e.Position.Offset);
        }
        var reader = new Reader(path);
        var manifest = reader.Manifest(root, text);
        CheckConsistent(manifest, reader.Checks);
        return manifest;
    }

    /// <summary>
    /// What the pattern needs of a manifest, read or built from a descriptor's design: its operands with their roles and
    /// shapes, and nothing the pattern would never pass (an extra operand would never be packed); and a numeric rule that
    /// fits the element types.
    /// </summary>
    internal static void CheckConsistent(KernelManifest manifest, ManifestChecks checks)
    {
        var strategy = PatternStrategy.For(manifest.Pattern);
        strategy.Validate(manifest, checks);
        var passed = new HashSet<string>(strategy.Operands(manifest).Select(o => o.Name), StringComparer.Ordinal);
        foreach (var (buffer, part) in manifest.Operands)
            if (buffer.Role is BufferRole.Input or BufferRole.Output && !passed.Contains(part.Operand))
                throw checks.At(part, $"a {PatternName(manifest.Pattern)} kernel has no operand \"{part.Operand}\"; its operands are {string.Join(", ", passed.Select(p => "\"" + p + "\""))}");
        var rule = manifest.Numeric;
        foreach (var buffer in manifest.Buffers)
        {
            if (buffer.Role != BufferRole.Input || buffer.ElementType is not { } t || ElementTypes.IsFloat(t) == ElementTypes.IsFloat(rule.Accumulator)) continue;
            throw checks.At(rule, $"the accumulator is {ElementTypes.ManifestName(rule.Accumulator)}, but input buffer \"{buffer.Arg}\" holds {ElementTypes.ManifestName(t)}: integer inputs accumulate in int32, bf16 and float32 inputs in float32");
        }
        if (rule.HostAccumulator is { } host && ElementTypes.IsFloat(host) != ElementTypes.IsFloat(rule.Accumulator))
            throw checks.At(rule, $"the host accumulator is {ElementTypes.ManifestName(host)}, but the kernel accumulates in {ElementTypes.ManifestName(rule.Accumulator)}");
        if ((rule.Saturate is not null || rule.Shift > 0) && ElementTypes.IsFloat(rule.Accumulator))
            throw checks.At(rule, "a shift or saturation applies to integer sums, not to a float32 accumulator");
        if (rule.Shift is < 0 or > 31 || (rule.Shift > 0 && rule.Rounding == Rounding.None))
            throw checks.At(rule, $"a shift of {rule.Shift} needs a shift from 0 to 31 and, when not 0, a rounding");
    }

    /// <summary>The manifest's spelling of a pattern, e.g. <c>tile-matmul</c>.</summary>
    public static string PatternName(NpuPattern pattern) => pattern switch
    {
        NpuPattern.TileMatMul => "tile-matmul",
        NpuPattern.WholeArray => "whole-array",
        NpuPattern.KStripMatMul => "kstrip-matmul",
        NpuPattern.Gemv => "gemv",
        NpuPattern.Elementwise => "elementwise",
        NpuPattern.Rowwise => "rowwise",
        NpuPattern.Attention => "attention",
        _ => "from-manifest",
    };

    /// <summary>Every pattern's spelling, for messages.</summary>
    internal const string PatternNames = "tile-matmul, whole-array, kstrip-matmul, gemv, elementwise, rowwise, attention";

    internal static bool TryParsePattern(string? text, out NpuPattern pattern)
    {
        foreach (NpuPattern p in Enum.GetValues(typeof(NpuPattern)))
        {
            if (p == NpuPattern.FromManifest) continue;
            if (PatternName(p) == text) { pattern = p; return true; }
        }
        pattern = default;
        return false;
    }

    /// <summary>The manifest's spelling of a scalar type.</summary>
    public static string ScalarTypeName(ScalarType type) => type switch
    {
        ScalarType.Int32 => "int32",
        ScalarType.UInt32 => "uint32",
        ScalarType.Int64 => "int64",
        ScalarType.UInt64 => "uint64",
        _ => "float32",
    };

    /// <summary>The manifest's spelling of a rounding mode.</summary>
    public static string RoundingName(Rounding rounding) => rounding switch
    {
        Rounding.Floor => "floor",
        Rounding.Truncate => "truncate",
        Rounding.HalfUp => "half-up",
        Rounding.HalfEven => "half-even",
        _ => "none",
    };

    private sealed class Reader
    {
        private static readonly string[] RootKeys = { "$schema", "name", "summary", "kernel", "operation", "pattern", "tile", "cores", "buffers", "scalars", "numeric", "xclbin", "realDesign" };
        private static readonly string[] RootRequired = { "name", "summary", "kernel", "operation", "pattern", "tile", "buffers", "numeric" };
        private static readonly string[] BufferKeys = { "arg", "role", "elementType", "parts" };
        private static readonly string[] PartKeys = { "operand", "shape" };
        private static readonly string[] ScalarKeys = { "arg", "type", "meaning", "value" };
        private static readonly string[] NumericKeys =
        {
            "accumulator", "shift", "rounding", "saturate", "hostAccumulator", "multiplyAdd", "order", "bf16Rounding", "nan",
            "epsilon", "variance", "formula", "scale", "tolerance",
        };

        private readonly string _path;

        public Reader(string path)
        {
            _path = path;
            Checks = new ManifestChecks(path);
        }

        public ManifestChecks Checks { get; }

        public KernelManifest Manifest(JsonValue root, string text)
        {
            Object(root, "the manifest", RootKeys, RootRequired);
            string name = String(root, "name", pattern: IsName, patternText: "letters, digits, '_', '-' and '.'");
            string summary = String(root, "summary");
            string kernel = String(root, "kernel");
            string operation = String(root, "operation", pattern: IsOperation, patternText: "lower-case letters, digits and '-'");
            var patternValue = root.Member("pattern")!.Value;
            string patternText = String(root, "pattern");
            if (!TryParsePattern(patternText, out var pattern))
                throw At(patternValue.Position, $"\"pattern\" is \"{patternText}\"; it must be one of {PatternNames}");

            var tileValue = root.Member("tile")!.Value;
            if (tileValue.Kind != JsonKind.Object) throw At(tileValue.Position, $"\"tile\" must be an object of named dimensions, not {tileValue.KindName}");
            if (tileValue.Members.Count == 0) throw At(tileValue.Position, "\"tile\" must name at least one dimension");
            var tile = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var m in tileValue.Members)
            {
                if (m.Key == ManifestDimension.StripLength)
                    throw At(m.KeyPosition, "\"K\" is reserved for a K-strip's call-dependent reduction length; name the tile dimension otherwise");
                tile[m.Key] = PositiveInt(m.Value, $"tile.{m.Key}");
            }

            // Absent: a single-core design, the common case for a tile kernel.
            int cores = root.Member("cores") is { } c ? PositiveInt(c.Value, "cores", max: 64) : 1;

            var buffersValue = root.Member("buffers")!.Value;
            if (buffersValue.Kind != JsonKind.Array) throw At(buffersValue.Position, $"\"buffers\" must be an array, not {buffersValue.KindName}");
            if (buffersValue.Items.Count == 0) throw At(buffersValue.Position, "\"buffers\" must list at least one buffer");
            if (buffersValue.Items.Count > 16) throw At(buffersValue.Position, $"\"buffers\" lists {buffersValue.Items.Count} buffers; a kernel has at most 16");
            var buffers = new List<ManifestBuffer>();
            var args = new HashSet<string>(StringComparer.Ordinal);
            var operands = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in buffersValue.Items)
            {
                var buffer = Buffer(item, tile, pattern);
                if (!args.Add(buffer.Arg)) throw At(item.Member("arg")!.Value.Position, $"the argument \"{buffer.Arg}\" is described twice");
                for (int i = 0; i < buffer.Parts.Count; i++)
                {
                    if (!operands.Add(buffer.Parts[i].Operand))
                        throw At(item.Member("parts")!.Value.Items[i].Position, $"the operand \"{buffer.Parts[i].Operand}\" appears twice");
                }
                buffers.Add(buffer);
            }

            var scalars = new List<ManifestScalar>();
            if (root.Member("scalars") is { } s)
            {
                if (s.Value.Kind != JsonKind.Array) throw At(s.Value.Position, $"\"scalars\" must be an array, not {s.Value.KindName}");
                foreach (var item in s.Value.Items)
                {
                    var scalar = Scalar(item);
                    if (!args.Add(scalar.Arg)) throw At(item.Member("arg")!.Value.Position, $"the argument \"{scalar.Arg}\" is described twice");
                    scalars.Add(scalar);
                }
            }

            var numeric = Numeric(root.Member("numeric")!.Value, buffers);
            // Designs that differ only in shape may share one xclbin (the same core program), each with its own instruction stream.
            string? xclbin = root.Member("xclbin") is not null ? String(root, "xclbin", pattern: IsName, patternText: "letters, digits, '_', '-' and '.'") : null;
            string? realDesign = root.Member("realDesign") is not null ? String(root, "realDesign") : null;
            return Checks.Built(new KernelManifest(name, summary, kernel, operation, pattern, tile, cores, buffers, scalars, numeric, _path, text) { Xclbin = xclbin, RealDesign = realDesign },
                root, tileValue, buffersValue, root.Member("numeric")!.Value);
        }

        private ManifestBuffer Buffer(JsonValue item, Dictionary<string, int> tile, NpuPattern pattern)
        {
            Object(item, "a buffer", BufferKeys, new[] { "arg", "role" });
            string arg = String(item, "arg", pattern: IsIdentifier, patternText: "an argument name of the xclbin's kernel (letters, digits, '_')");
            string roleText = String(item, "role");
            BufferRole role = roleText switch
            {
                "input" => BufferRole.Input,
                "output" => BufferRole.Output,
                "scratch" => BufferRole.Scratch,
                "unused" => BufferRole.Unused,
                _ => throw At(item.Member("role")!.Value.Position, $"buffer role \"{roleText}\" must be input, output, scratch or unused"),
            };
            if (role == BufferRole.Unused)
            {
                foreach (var key in new[] { "elementType", "parts" })
                    if (item.Member(key) is { } extra)
                        throw At(extra.KeyPosition, $"the unused buffer \"{arg}\" has no \"{key}\": nothing is bound to it");
                var unused = new ManifestBuffer(arg, role, null, Array.Empty<ManifestPart>());
                Checks.Remember(unused, item);
                return unused;
            }
            foreach (var key in new[] { "elementType", "parts" })
                if (item.Member(key) is null) throw At(item.Position, $"the {roleText} buffer \"{arg}\" needs \"{key}\"");
            string typeText = String(item, "elementType");
            if (!ElementTypes.TryParse(typeText, out var elementType))
                throw At(item.Member("elementType")!.Value.Position, $"elementType \"{typeText}\" must be one of {ElementTypes.Spellings}");
            var partsValue = item.Member("parts")!.Value;
            if (partsValue.Kind != JsonKind.Array) throw At(partsValue.Position, $"\"parts\" must be an array, not {partsValue.KindName}");
            if (partsValue.Items.Count == 0) throw At(partsValue.Position, $"buffer \"{arg}\" must hold at least one operand");
            var parts = new List<ManifestPart>();
            foreach (var partValue in partsValue.Items)
            {
                Object(partValue, "a part", PartKeys, PartKeys);
                string operand = String(partValue, "operand", pattern: IsIdentifier, patternText: "letters, digits and '_'");
                var shapeValue = partValue.Member("shape")!.Value;
                if (shapeValue.Kind != JsonKind.Array) throw At(shapeValue.Position, $"\"shape\" must be an array, not {shapeValue.KindName}");
                if (shapeValue.Items.Count == 0) throw At(shapeValue.Position, $"the shape of \"{operand}\" needs at least one dimension");
                if (shapeValue.Items.Count > 4) throw At(shapeValue.Position, $"the shape of \"{operand}\" has {shapeValue.Items.Count} dimensions; at most 4");
                var shape = new List<ManifestDimension>();
                long elements = 1;
                foreach (var dim in shapeValue.Items)
                {
                    ManifestDimension d;
                    if (dim.Kind == JsonKind.String)
                    {
                        if (dim.Text == ManifestDimension.StripLength)
                        {
                            if (pattern != NpuPattern.KStripMatMul)
                                throw At(dim.Position, "\"K\" (the call's reduction length) is only meaningful in a kstrip-matmul manifest");
                            d = new ManifestDimension(dim.Text, 0);
                        }
                        else if (tile.TryGetValue(dim.Text, out int v)) d = new ManifestDimension(dim.Text, v);
                        else throw At(dim.Position, $"the shape of \"{operand}\" names \"{dim.Text}\", which is not a key of \"tile\" ({string.Join(", ", tile.Keys)})");
                    }
                    else d = new ManifestDimension(null, PositiveInt(dim, $"a dimension of \"{operand}\""));
                    shape.Add(d);
                    if (!d.IsStripLength) elements *= d.Value;
                }
                if (elements > int.MaxValue / 4)
                    throw At(shapeValue.Position, $"the operand \"{operand}\" has {elements} elements per invocation; at most {int.MaxValue / 4}");
                var part = new ManifestPart(operand, shape);
                Checks.Remember(part, partValue);
                parts.Add(part);
            }
            var buffer = new ManifestBuffer(arg, role, elementType, parts);
            Checks.Remember(buffer, item);
            return buffer;
        }

        private ManifestScalar Scalar(JsonValue item)
        {
            Object(item, "a scalar", ScalarKeys, new[] { "arg", "type", "meaning" });
            string arg = String(item, "arg", pattern: IsIdentifier, patternText: "an argument name of the xclbin's kernel");
            string typeText = String(item, "type");
            ScalarType type = typeText switch
            {
                "int32" => ScalarType.Int32,
                "uint32" => ScalarType.UInt32,
                "int64" => ScalarType.Int64,
                "uint64" => ScalarType.UInt64,
                "float32" => ScalarType.Float32,
                _ => throw At(item.Member("type")!.Value.Position, $"scalar type \"{typeText}\" must be int32, uint32, int64, uint64 or float32"),
            };
            string meaning = String(item, "meaning");
            double? value = null;
            if (item.Member("value") is { } v)
            {
                if (v.Value.Kind != JsonKind.Number) throw At(v.Value.Position, $"the value of scalar \"{arg}\" must be a number, not {v.Value.KindName}");
                double d = v.Value.Number;
                bool integral = type != ScalarType.Float32;
                if (integral && (d != Math.Floor(d) || !FitsScalar(type, d)))
                    throw At(v.Value.Position, $"the value {v.Value.Text} of scalar \"{arg}\" is not a {typeText}");
                value = d;
            }
            var scalar = new ManifestScalar(arg, type, meaning, value);
            Checks.Remember(scalar, item);
            return scalar;
        }

        private static bool FitsScalar(ScalarType type, double d) => type switch
        {
            ScalarType.Int32 => d >= int.MinValue && d <= int.MaxValue,
            ScalarType.UInt32 => d >= 0 && d <= uint.MaxValue,
            ScalarType.Int64 => d >= -9.2233720368547758E18 && d < 9.2233720368547758E18,
            _ => d >= 0 && d < 1.8446744073709552E19,
        };

        private NumericRule Numeric(JsonValue value, List<ManifestBuffer> buffers)
        {
            Object(value, "\"numeric\"", NumericKeys, new[] { "accumulator" });
            var rule = new NumericRule();
            string acc = String(value, "accumulator");
            rule.Accumulator = acc switch
            {
                "int32" => ElementType.Int32,
                "int64" => ElementType.Int32,
                "float32" => ElementType.Float32,
                _ => throw At(value.Member("accumulator")!.Value.Position, $"numeric.accumulator \"{acc}\" must be int32, int64 or float32"),
            };
            rule.WideAccumulator = acc == "int64";
            if (value.Member("shift") is { } shift) rule.Shift = PositiveInt(shift.Value, "numeric.shift", min: 0, max: 31);
            if (value.Member("rounding") is { } rounding)
            {
                string text = String(value, "rounding");
                rule.Rounding = text switch
                {
                    "none" => Rounding.None,
                    "floor" => Rounding.Floor,
                    "truncate" => Rounding.Truncate,
                    "half-up" => Rounding.HalfUp,
                    "half-even" => Rounding.HalfEven,
                    _ => throw At(rounding.Value.Position, $"numeric.rounding \"{text}\" must be none, floor, truncate, half-up or half-even"),
                };
            }
            if (rule.Shift > 0 && rule.Rounding == Rounding.None)
                throw At((value.Member("rounding") ?? value.Member("shift"))!.Value.Position, $"numeric.shift is {rule.Shift}, so numeric.rounding must say how it rounds (floor, truncate, half-up or half-even), not none");
            rule.Saturate = OptionalType(value, "saturate", allowNone: true, ElementType.Int8, ElementType.UInt8, ElementType.Int16, ElementType.Int32);
            rule.HostAccumulator = OptionalType(value, "hostAccumulator", allowNone: true, ElementType.Int32, ElementType.Float32);
            if (value.Member("multiplyAdd") is { } madd)
            {
                string text = String(value, "multiplyAdd");
                rule.MultiplyAdd = text switch
                {
                    "fused" => MultiplyAdd.Fused,
                    "separate" => MultiplyAdd.Separate,
                    _ => throw At(madd.Value.Position, $"numeric.multiplyAdd \"{text}\" must be fused or separate"),
                };
            }
            rule.Order = Enumerated(value, "order", "ascending-k");
            rule.BFloat16Rounding = Enumerated(value, "bf16Rounding", "nearest-even");
            rule.NaN = Enumerated(value, "nan", "propagate");
            rule.Variance = Enumerated(value, "variance", "biased");
            rule.Formula = Enumerated(value, "formula", "tanh-approximation", "erf");
            rule.Epsilon = PositiveNumber(value, "epsilon");
            rule.Scale = PositiveNumber(value, "scale");
            if (value.Member("tolerance") is { } tol)
            {
                Object(tol.Value, "numeric.tolerance", new[] { "relative", "absolute" }, new[] { "relative", "absolute" });
                rule.Tolerance = new ManifestTolerance(NonNegativeNumber(tol.Value, "relative"), NonNegativeNumber(tol.Value, "absolute"));
            }

            // The accumulator must be able to hold the products of the inputs: integers in int32, floats in float32.
            foreach (var buffer in buffers)
            {
                if (buffer.Role != BufferRole.Input || buffer.ElementType is not { } t) continue;
                if (ElementTypes.IsFloat(t) != ElementTypes.IsFloat(rule.Accumulator))
                    throw At(value.Member("accumulator")!.Value.Position,
                        $"numeric.accumulator is {acc}, but input buffer \"{buffer.Arg}\" holds {ElementTypes.ManifestName(t)}: integer inputs accumulate in int32, bf16 and float32 inputs in float32");
            }
            if (rule.HostAccumulator is { } host && ElementTypes.IsFloat(host) != ElementTypes.IsFloat(rule.Accumulator))
                throw At(value.Member("hostAccumulator")!.Value.Position,
                    $"numeric.hostAccumulator is {ElementTypes.ManifestName(host)}, but the kernel accumulates in {acc}; the host adds integer partials in int32 and float partials in float32");
            if (rule.Saturate is not null && ElementTypes.IsFloat(rule.Accumulator))
                throw At(value.Member("saturate")!.Value.Position, "numeric.saturate applies to integer sums; a float32 accumulator has nothing to saturate (use \"none\")");
            if (rule.Shift > 0 && ElementTypes.IsFloat(rule.Accumulator))
                throw At(value.Member("shift")!.Value.Position, "numeric.shift applies to integer sums, not to a float32 accumulator");
            Checks.Remember(rule, value);
            return rule;
        }

        private ElementType? OptionalType(JsonValue obj, string key, bool allowNone, params ElementType[] allowed)
        {
            if (obj.Member(key) is not { } m) return null;
            string text = String(obj, key);
            if (allowNone && text == "none") return null;
            if (ElementTypes.TryParse(text, out var t) && Array.IndexOf(allowed, t) >= 0) return t;
            string names = string.Join(", ", allowed.Select(ElementTypes.ManifestName)) + (allowNone ? " or none" : "");
            throw At(m.Value.Position, $"numeric.{key} \"{text}\" must be {names}");
        }

        private string? Enumerated(JsonValue obj, string key, params string[] allowed)
        {
            if (obj.Member(key) is not { } m) return null;
            string text = String(obj, key);
            if (Array.IndexOf(allowed, text) >= 0) return text;
            throw At(m.Value.Position, $"numeric.{key} \"{text}\" must be {string.Join(" or ", allowed)}");
        }

        private double? PositiveNumber(JsonValue obj, string key)
        {
            if (obj.Member(key) is not { } m) return null;
            if (m.Value.Kind != JsonKind.Number || !(m.Value.Number > 0) || double.IsInfinity(m.Value.Number))
                throw At(m.Value.Position, $"numeric.{key} must be a positive number");
            return m.Value.Number;
        }

        private double NonNegativeNumber(JsonValue obj, string key)
        {
            var v = obj.Member(key)!.Value;
            if (v.Kind != JsonKind.Number || v.Number < 0 || double.IsInfinity(v.Number))
                throw At(v.Position, $"numeric.tolerance.{key} must be a number of at least 0");
            return v.Number;
        }

        private void Object(JsonValue value, string what, string[] allowed, string[] required)
        {
            if (value.Kind != JsonKind.Object) throw At(value.Position, $"{what} must be an object, not {value.KindName}");
            foreach (var m in value.Members)
                if (Array.IndexOf(allowed, m.Key) < 0)
                    throw At(m.KeyPosition, $"{what} has no key \"{m.Key}\" (known: {string.Join(", ", allowed.Where(k => k != "$schema"))})");
            foreach (var key in required)
                if (value.Member(key) is null) throw At(value.Position, $"{what} needs \"{key}\"");
        }

        private string String(JsonValue obj, string key, Func<string, bool>? pattern = null, string? patternText = null)
        {
            var v = obj.Member(key)!.Value;
            if (v.Kind != JsonKind.String) throw At(v.Position, $"\"{key}\" must be a string, not {v.KindName}");
            if (v.Text.Length == 0) throw At(v.Position, $"\"{key}\" must not be empty");
            if (pattern is not null && !pattern(v.Text)) throw At(v.Position, $"\"{key}\" is \"{v.Text}\"; it may hold only {patternText}");
            return v.Text;
        }

        private int PositiveInt(JsonValue v, string what, int min = 1, int max = 1 << 24)
        {
            if (v.Kind != JsonKind.Number || v.Number != Math.Floor(v.Number) || v.Number < min || v.Number > max)
                throw At(v.Position, $"{what} must be a whole number from {min} to {max.ToString(CultureInfo.InvariantCulture)}{(v.Kind == JsonKind.Number ? $", not {v.Text}" : $", not {v.KindName}")}");
            return (int)v.Number;
        }

        private KernelManifestException At(TextPosition p, string message) => new(message, _path, p.Line, p.Column, p.Offset);

        private static bool IsName(string s) => s.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '_' or '-' or '.');
        private static bool IsOperation(string s) => s.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
        private static bool IsIdentifier(string s) =>
            s.Length > 0 && !(s[0] >= '0' && s[0] <= '9') && s.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    }
}

/// <summary>
/// Reports a consistency error at the JSON element a model object came from, so a pattern's check can name the line
/// of the buffer, part or rule it objects to.
/// </summary>
internal sealed class ManifestChecks
{
    private readonly string _path;
    private readonly Dictionary<object, TextPosition> _positions = new(ReferenceEqualityComparer.Instance);

    public ManifestChecks(string path) => _path = path;

    internal void Remember(object element, JsonValue value) => _positions[element] = value.Position;

    internal KernelManifest Built(KernelManifest manifest, JsonValue root, JsonValue tile, JsonValue buffers, JsonValue numeric)
    {
        _positions[manifest] = root.Position;
        _positions[manifest.Tile] = tile.Position;
        _positions[manifest.Buffers] = buffers.Position;
        _positions[manifest.Numeric] = numeric.Position;
        return manifest;
    }

    /// <summary>An error at <paramref name="element"/> (a manifest, its tile, buffers, a buffer, part, scalar or rule).</summary>
    public KernelManifestException At(object element, string message) =>
        _positions.TryGetValue(element, out var p) ? new KernelManifestException(message, _path, p.Line, p.Column, p.Offset)
        : new KernelManifestException(message, _path, 0, 0);

    private sealed class ReferenceEqualityComparer : IEqualityComparer<object>
    {
        public static readonly ReferenceEqualityComparer Instance = new();
        public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);
        public int GetHashCode(object obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
