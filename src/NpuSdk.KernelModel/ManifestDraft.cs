using System.Collections.Generic;
using NpuSdk.KernelModel.Json;

namespace NpuSdk.KernelModel;

/// <summary>
/// A manifest being written: what <c>npu manifest</c> drafts from an xclbin and what the generator writes for a method
/// whose attribute names the pattern instead of a manifest file. <see cref="ToJson"/> gives text the parser reads back.
/// </summary>
internal sealed class ManifestDraft
{
    public string Name { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Kernel { get; set; } = "MLIR_AIE";
    public string Operation { get; set; } = "";
    public NpuPattern Pattern { get; set; }
    /// <summary>The tile's keys in order: numbers, or a string marking what to fill in.</summary>
    public List<KeyValuePair<string, object>> Tile { get; } = new();
    public int? Cores { get; set; }
    public List<DraftBuffer> Buffers { get; } = new();
    public List<DraftScalar> Scalars { get; } = new();
    /// <summary>The numeric rule's keys in order: strings or numbers.</summary>
    public List<KeyValuePair<string, object>> Numeric { get; } = new();

    public string ToJson()
    {
        var w = new JsonWriter().StartObject();
        w.String("name", Name).String("summary", Summary).String("kernel", Kernel).String("operation", Operation)
            .String("pattern", KernelManifestParser.PatternName(Pattern));
        w.StartObject("tile");
        foreach (var t in Tile) Value(w, t.Key, t.Value);
        w.EndObject();
        if (Cores is int cores) w.Number("cores", cores);
        w.StartArray("buffers");
        foreach (var b in Buffers)
        {
            w.StartObject().String("arg", b.Arg).String("role", b.Role);
            if (b.ElementType is not null)
            {
                w.String("elementType", b.ElementType).StartArray("parts");
                foreach (var p in b.Parts)
                {
                    w.StartObject().String("operand", p.Operand).StartArray("shape", inline: true);
                    foreach (var d in p.Shape)
                    {
                        if (long.TryParse(d, out long n)) w.Number(null, n);
                        else w.String(null, d);
                    }
                    w.EndArray().EndObject();
                }
                w.EndArray();
            }
            w.EndObject();
        }
        w.EndArray();
        w.StartArray("scalars");
        foreach (var s in Scalars)
        {
            w.StartObject().String("arg", s.Arg).String("type", s.Type).String("meaning", s.Meaning);
            if (s.Value is double v) w.Number("value", v);
            w.EndObject();
        }
        w.EndArray();
        w.StartObject("numeric");
        foreach (var n in Numeric) Value(w, n.Key, n.Value);
        w.EndObject();
        return w.EndObject().ToString();
    }

    private static void Value(JsonWriter w, string key, object value)
    {
        if (value is string text) w.String(key, text);
        else if (value is int i) w.Number(key, i);
        else if (value is long l) w.Number(key, l);
        else w.Number(key, (double)value);
    }
}

/// <summary>A buffer of a <see cref="ManifestDraft"/>; an unused one has no element type and no parts.</summary>
internal sealed class DraftBuffer
{
    public DraftBuffer(string arg, string role, string? elementType, params DraftPart[] parts)
    {
        Arg = arg;
        Role = role;
        ElementType = elementType;
        Parts = parts;
    }

    public string Arg { get; }
    public string Role { get; }
    public string? ElementType { get; }
    public IReadOnlyList<DraftPart> Parts { get; }
}

/// <summary>An operand of a <see cref="DraftBuffer"/>.</summary>
internal sealed class DraftPart
{
    public DraftPart(string operand, params string[] shape)
    {
        Operand = operand;
        Shape = shape;
    }

    public string Operand { get; }
    public IReadOnlyList<string> Shape { get; }
}

/// <summary>A scalar of a <see cref="ManifestDraft"/>.</summary>
internal sealed class DraftScalar
{
    public DraftScalar(string arg, string type, string meaning, double? value = null)
    {
        Arg = arg;
        Type = type;
        Meaning = meaning;
        Value = value;
    }

    public string Arg { get; }
    public string Type { get; }
    public string Meaning { get; }
    public double? Value { get; }
}
