using System;
using System.ComponentModel;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.KernelModel;

/// <summary>One named dimension of a design's tile, such as <c>m = 64</c>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DesignTile
{
    /// <summary>Creates the dimension.</summary>
    /// <param name="key">The dimension's name, which operand shapes use (<c>m</c>, <c>k</c>, <c>n</c>, <c>elements</c>, ...).</param>
    /// <param name="value">Its size.</param>
    public DesignTile(string key, int value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The dimension's name.</summary>
    public string Key { get; }

    /// <summary>Its size.</summary>
    public int Value { get; }

    /// <inheritdoc />
    public override string ToString() => Key + " = " + Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One operand packed into a buffer argument, with its row-major shape, outermost first.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DesignPart
{
    /// <summary>Creates the part.</summary>
    /// <param name="operand">The operand's name (<c>a</c>, <c>b</c>, <c>c</c>, <c>in0</c>, ...).</param>
    /// <param name="shape">Each dimension: a key of the design's tile, <c>K</c> (a K-strip's call-dependent length) or a size in digits.</param>
    public DesignPart(string operand, params string[] shape)
    {
        Operand = operand;
        Shape = shape ?? Array.Empty<string>();
    }

    /// <summary>The operand's name.</summary>
    public string Operand { get; }

    /// <summary>Its dimensions, outermost first.</summary>
    public IReadOnlyList<string> Shape { get; }

    /// <inheritdoc />
    public override string ToString() => Operand + "[" + string.Join(" x ", Shape) + "]";
}

/// <summary>
/// One argument of a design's kernel, at its index in the xclbin's signature, and what a run binds to it: the opcode, the
/// instruction buffer or its length, a data buffer (input, output or scratch, with its element type and the operands
/// packed into it), an unused buffer, or a scalar (fixed, or passed by the method).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DesignArgument
{
    private DesignArgument(int index, string name, ArgumentUse use, BufferRole? role, ElementType? elementType, DesignPart[] parts,
        ScalarType? scalarType, string meaning, double? value)
    {
        Index = index;
        Name = name;
        Use = use;
        Role = role;
        ElementType = elementType;
        Parts = parts ?? Array.Empty<DesignPart>();
        ScalarType = scalarType;
        Meaning = meaning;
        Value = value;
    }

    /// <summary>The argument's index in the kernel's signature.</summary>
    public int Index { get; }
    /// <summary>The argument's name in the xclbin.</summary>
    public string Name { get; }
    /// <summary>What a run binds to it.</summary>
    public ArgumentUse Use { get; }
    /// <summary>For a buffer: input, output, scratch or unused; null for the opcode, the instructions, their count and scalars.</summary>
    public BufferRole? Role { get; }
    /// <summary>For a data buffer: the element type of every operand in it.</summary>
    public ElementType? ElementType { get; }
    /// <summary>For a data buffer: the operands packed into it, one after another.</summary>
    public IReadOnlyList<DesignPart> Parts { get; }
    /// <summary>For a scalar: its type.</summary>
    public ScalarType? ScalarType { get; }
    /// <summary>For a scalar: what its value means.</summary>
    public string Meaning { get; }
    /// <summary>For a fixed scalar: its value; null when the method passes it.</summary>
    public double? Value { get; }

    /// <summary>The opcode: 3, run the instruction stream.</summary>
    public static DesignArgument Opcode(int index, string name) => new(index, name, ArgumentUse.Opcode, null, null, Array.Empty<DesignPart>(), null, "", null);

    /// <summary>The instruction buffer.</summary>
    public static DesignArgument Instructions(int index, string name) => new(index, name, ArgumentUse.Instructions, null, null, Array.Empty<DesignPart>(), null, "", null);

    /// <summary>The instruction stream's length in 32-bit words.</summary>
    public static DesignArgument InstructionCount(int index, string name) => new(index, name, ArgumentUse.InstructionCount, null, null, Array.Empty<DesignPart>(), null, "", null);

    /// <summary>A buffer the kernel reads: the host packs <paramref name="parts"/> into it and syncs it to the device.</summary>
    public static DesignArgument Input(int index, string name, ElementType elementType, params DesignPart[] parts) =>
        new(index, name, ArgumentUse.Buffer, BufferRole.Input, elementType, parts, null, "", null);

    /// <summary>A buffer the kernel writes: the host syncs it from the device and unpacks <paramref name="parts"/>.</summary>
    public static DesignArgument Output(int index, string name, ElementType elementType, params DesignPart[] parts) =>
        new(index, name, ArgumentUse.Buffer, BufferRole.Output, elementType, parts, null, "", null);

    /// <summary>The kernel's working memory: allocated and bound, never synced.</summary>
    public static DesignArgument Scratch(int index, string name, ElementType elementType, params DesignPart[] parts) =>
        new(index, name, ArgumentUse.Buffer, BufferRole.Scratch, elementType, parts, null, "", null);

    /// <summary>A buffer the design does not use: nothing is bound to it.</summary>
    public static DesignArgument Unused(int index, string name) => new(index, name, ArgumentUse.Unused, BufferRole.Unused, null, Array.Empty<DesignPart>(), null, "", null);

    /// <summary>A scalar the method passes (its scalar parameters bind the design's passed scalars in argument order).</summary>
    public static DesignArgument Scalar(int index, string name, ScalarType type, string meaning) =>
        new(index, name, ArgumentUse.Scalar, null, null, Array.Empty<DesignPart>(), type, meaning, null);

    /// <summary>A scalar every run binds to <paramref name="value"/>.</summary>
    public static DesignArgument Scalar(int index, string name, ScalarType type, string meaning, double value) =>
        new(index, name, ArgumentUse.Scalar, null, null, Array.Empty<DesignPart>(), type, meaning, value);

    /// <summary>True for an argument that is a buffer in the xclbin's signature (instructions, data, unused).</summary>
    public bool IsBuffer => Use is ArgumentUse.Instructions or ArgumentUse.Buffer or ArgumentUse.Unused;

    /// <inheritdoc />
    public override string ToString() => Use switch
    {
        ArgumentUse.Buffer => $"{Index} {Name}: {Role!.Value.ToString().ToLowerInvariant()} {KernelModel.ElementTypes.ManifestName(ElementType!.Value)} {string.Join(", ", Parts)}",
        ArgumentUse.Scalar => $"{Index} {Name}: {KernelManifestParser.ScalarTypeName(ScalarType!.Value)} scalar{(Value is double v ? " = " + v.ToString("R", CultureInfo.InvariantCulture) : "")}",
        _ => $"{Index} {Name}: {Use}",
    };
}

/// <summary>
/// A design as the generator resolved it against its xclbin: what one invocation computes (name, operation, pattern,
/// tile, cores, numeric rule) and every argument of the kernel's signature with what a run binds to it. A generated
/// method's descriptor holds one in place of the manifest's text; <see cref="ToManifest"/> gives the kernel model's
/// manifest for it, so the runtime plans calls with no manifest parsed. Buffers and scalars are in the kernel's argument
/// order, which is the order a manifest lists them in.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class KernelDesign
{
    /// <summary>Creates the design. Nothing is checked here (a static field's initializer must not throw); <see cref="ToManifest"/> checks.</summary>
    /// <param name="name">The design's name.</param>
    /// <param name="kernel">The kernel's name in the xclbin.</param>
    /// <param name="operation">What it computes (<c>matmul</c>, <c>add</c>, <c>layernorm</c>, ...).</param>
    /// <param name="pattern">How invocations cover a call.</param>
    /// <param name="cores">AIE compute cores the design uses.</param>
    /// <param name="tile">The tile's named dimensions.</param>
    /// <param name="arguments">Every argument of the kernel's signature, in index order.</param>
    /// <param name="numeric">The numeric rule of one invocation.</param>
    public KernelDesign(string name, string kernel, string operation, NpuPattern pattern, int cores, DesignTile[] tile, DesignArgument[] arguments, NumericRule numeric)
    {
        Name = name;
        Kernel = kernel;
        Operation = operation;
        Pattern = pattern;
        Cores = cores;
        Tile = tile ?? Array.Empty<DesignTile>();
        Arguments = arguments ?? Array.Empty<DesignArgument>();
        Numeric = numeric;
    }

    /// <summary>The design's name.</summary>
    public string Name { get; }
    /// <summary>The kernel's name in the xclbin.</summary>
    public string Kernel { get; }
    /// <summary>What it computes.</summary>
    public string Operation { get; }
    /// <summary>How invocations cover a call.</summary>
    public NpuPattern Pattern { get; }
    /// <summary>AIE compute cores the design uses.</summary>
    public int Cores { get; }
    /// <summary>The tile's named dimensions.</summary>
    public IReadOnlyList<DesignTile> Tile { get; }
    /// <summary>Every argument of the kernel's signature, in index order.</summary>
    public IReadOnlyList<DesignArgument> Arguments { get; }
    /// <summary>The numeric rule.</summary>
    public NumericRule Numeric { get; }

    /// <summary>
    /// The design of <paramref name="manifest"/> bound to a kernel's arguments (<see cref="KernelAbi.Bind(IReadOnlyList{KernelArgumentInfo}, KernelManifest)"/>):
    /// what the generator writes into a method's descriptor.
    /// </summary>
    public static KernelDesign From(KernelManifest manifest, IReadOnlyList<ArgumentBinding> arguments)
    {
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        if (arguments is null) throw new ArgumentNullException(nameof(arguments));
        var list = new DesignArgument[arguments.Count];
        for (int i = 0; i < list.Length; i++)
        {
            var a = arguments[i];
            int index = a.Argument.Index;
            string name = a.Argument.Name;
            list[i] = a.Use switch
            {
                ArgumentUse.Opcode => DesignArgument.Opcode(index, name),
                ArgumentUse.Instructions => DesignArgument.Instructions(index, name),
                ArgumentUse.InstructionCount => DesignArgument.InstructionCount(index, name),
                ArgumentUse.Unused => DesignArgument.Unused(index, name),
                ArgumentUse.Scalar => manifest.Scalars[a.Target] is var s && s.Value is double v
                    ? DesignArgument.Scalar(index, name, s.Type, s.Meaning, v)
                    : DesignArgument.Scalar(index, name, manifest.Scalars[a.Target].Type, manifest.Scalars[a.Target].Meaning),
                _ => Buffer(index, name, manifest.Buffers[a.Target]),
            };
        }
        var tile = manifest.Tile.Select(t => new DesignTile(t.Key, t.Value)).ToArray();
        return new KernelDesign(manifest.Name, manifest.KernelName, manifest.Operation, manifest.Pattern, manifest.Cores, tile, list, manifest.Numeric);
    }

    private static DesignArgument Buffer(int index, string name, ManifestBuffer buffer)
    {
        var parts = buffer.Parts.Select(p => new DesignPart(p.Operand, p.Shape.Select(d => d.ToString()).ToArray())).ToArray();
        var type = buffer.ElementType!.Value;
        return buffer.Role switch
        {
            BufferRole.Input => DesignArgument.Input(index, name, type, parts),
            BufferRole.Output => DesignArgument.Output(index, name, type, parts),
            _ => DesignArgument.Scratch(index, name, type, parts),
        };
    }

    /// <summary>
    /// The kernel model's manifest of this design (buffers and scalars in argument order), checked as the parser checks
    /// a manifest: every shape names a tile key, the pattern's operands are there with their roles and shapes, and the
    /// numeric rule fits the element types.
    /// </summary>
    /// <param name="sourcePath">How messages name the design, e.g. <c>the descriptor of Ops.MatMul</c>.</param>
    /// <exception cref="KernelManifestException">The design is inconsistent; the message says how.</exception>
    public KernelManifest ToManifest(string sourcePath)
    {
        KernelManifestException Error(string reason) => new(reason, sourcePath, 0, 0);
        if (string.IsNullOrEmpty(Name) || string.IsNullOrEmpty(Kernel) || string.IsNullOrEmpty(Operation)) throw Error("the design needs a name, a kernel and an operation");
        if (Pattern == NpuPattern.FromManifest || !Enum.IsDefined(typeof(NpuPattern), Pattern)) throw Error($"pattern {(int)Pattern} is not a pattern a kernel has");
        if (Cores < 1 || Cores > 64) throw Error($"cores is {Cores}; a design uses 1 to 64");
        if (Numeric is null) throw Error("the design has no numeric rule");
        var tile = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in Tile)
        {
            if (t is null || string.IsNullOrEmpty(t.Key) || t.Key == ManifestDimension.StripLength || t.Value < 1) throw Error($"tile dimension {t} is not a named positive size");
            if (tile.ContainsKey(t.Key)) throw Error($"tile names \"{t.Key}\" twice");
            tile.Add(t.Key, t.Value);
        }
        if (tile.Count == 0) throw Error("the tile names no dimension");

        var buffers = new List<ManifestBuffer>();
        var scalars = new List<ManifestScalar>();
        var operands = new HashSet<string>(StringComparer.Ordinal);
        int previous = -1;
        foreach (var a in Arguments)
        {
            if (a is null || a.Index <= previous) throw Error("the arguments are not in index order, each once");
            previous = a.Index;
            switch (a.Use)
            {
                case ArgumentUse.Buffer:
                    if (a.ElementType is not { } type || a.Parts.Count == 0) throw Error($"buffer \"{a.Name}\" needs an element type and at least one operand");
                    var parts = new List<ManifestPart>();
                    foreach (var p in a.Parts)
                    {
                        if (p is null || string.IsNullOrEmpty(p.Operand) || p.Shape.Count is 0 or > 4) throw Error($"buffer \"{a.Name}\" has an operand without a name or with other than 1 to 4 dimensions");
                        if (!operands.Add(p.Operand)) throw Error($"the operand \"{p.Operand}\" appears twice");
                        var part = new ManifestPart(p.Operand, p.Shape.Select(d => Dimension(d, p.Operand)).ToArray());
                        if (part.Shape.Where(d => !d.IsStripLength).Aggregate(1L, (n, d) => n * d.Value) > int.MaxValue / 4)
                            throw Error($"the operand \"{p.Operand}\" has more than {int.MaxValue / 4} elements per invocation");
                        parts.Add(part);
                    }
                    buffers.Add(new ManifestBuffer(a.Name, a.Role!.Value, type, parts));
                    break;
                case ArgumentUse.Unused:
                    buffers.Add(new ManifestBuffer(a.Name, BufferRole.Unused, null, Array.Empty<ManifestPart>()));
                    break;
                case ArgumentUse.Scalar:
                    if (a.ScalarType is not { } scalarType) throw Error($"scalar \"{a.Name}\" has no type");
                    scalars.Add(new ManifestScalar(a.Name, scalarType, a.Meaning, a.Value));
                    break;
            }
        }
        if (buffers.Count(b => b.Role != BufferRole.Unused) == 0) throw Error("the design binds no data buffer");

        var manifest = new KernelManifest(Name, "", Kernel, Operation, Pattern, tile, Cores, buffers, scalars, Numeric, sourcePath, "");
        KernelManifestParser.CheckConsistent(manifest, new ManifestChecks(sourcePath));
        return manifest;

        ManifestDimension Dimension(string d, string operand)
        {
            if (d == ManifestDimension.StripLength)
            {
                if (Pattern != NpuPattern.KStripMatMul) throw Error($"the shape of \"{operand}\" has K (the call's reduction length), which only a kstrip-matmul design has");
                return new ManifestDimension(d, 0);
            }
            if (tile.TryGetValue(d, out int v)) return new ManifestDimension(d, v);
            if (int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0) return new ManifestDimension(null, n);
            throw Error($"the shape of \"{operand}\" names \"{d}\", which is neither a key of the tile ({string.Join(", ", tile.Keys)}) nor a size");
        }
    }

    /// <summary>
    /// Matches the design's arguments with a kernel's signature as an xclbin declares it: the same arguments at the same
    /// indices, with the same names and kinds (buffer or scalar) and scalar sizes. Returns what each run binds, with the
    /// xclbin's argument descriptions.
    /// </summary>
    /// <param name="signature">The xclbin kernel's arguments in index order.</param>
    /// <param name="manifest">The manifest <see cref="ToManifest"/> gave.</param>
    /// <exception cref="KernelManifestException">The signature differs; the message names the first difference.</exception>
    public IReadOnlyList<ArgumentBinding> Bind(IReadOnlyList<KernelArgumentInfo> signature, KernelManifest manifest)
    {
        if (signature is null) throw new ArgumentNullException(nameof(signature));
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        KernelManifestException Error(string reason) => new(reason, manifest.SourcePath, 0, 0);
        string Describe(IEnumerable<(string Name, bool Buffer)> args) => string.Join(", ", args.Select(a => a.Name + (a.Buffer ? "*" : "")));
        string built = Describe(Arguments.Select(a => (a.Name, a.IsBuffer))), loaded = Describe(signature.Select(a => (a.Name, a.IsBuffer)));
        if (signature.Count != Arguments.Count)
            throw Error($"kernel '{Kernel}' has {signature.Count} arguments ({loaded}), but the build bound {Arguments.Count} ({built}); '*' marks buffers");
        for (int i = 0; i < signature.Count; i++)
        {
            var arg = signature[i];
            var a = Arguments[i];
            if (arg.Index != a.Index || arg.Name != a.Name || arg.IsBuffer != a.IsBuffer)
                throw Error($"kernel '{Kernel}' has arguments ({loaded}), but the build bound ({built}); they differ at index {a.Index}; '*' marks buffers");
        }
        // The same arguments in the same places: what each run binds is the manifest's binding to them, scalar sizes checked.
        return KernelAbi.Bind(signature, manifest);
    }

    /// <summary>A canonical text of the design: equal designs give equal text (a key for what may be shared between methods).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Name).Append(" (").Append(Kernel).Append(", ").Append(Operation).Append(", ").Append(KernelManifestParser.PatternName(Pattern))
          .Append(", ").Append(Cores.ToString(CultureInfo.InvariantCulture)).Append(" core(s); ").Append(string.Join(", ", Tile)).Append("): ");
        sb.Append(string.Join("; ", Arguments.Select(a => a.ToString())));
        sb.Append("; numeric ").Append(Numeric?.ToString());
        return sb.ToString();
    }
}
