using NpuSdk.Emulation;
using NpuSdk.KernelModel;

namespace NpuSdk.Kernels;

/// <summary><c>layernorm</c> (pattern <c>rowwise</c>, bf16): one block of rows per invocation.</summary>
internal sealed class LayerNormReference : IReferenceKernel
{
    private readonly OperandLayout _x, _gamma, _beta, _y;
    private readonly int _rows, _cols;
    private readonly float _epsilon;

    public LayerNormReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        (_x, _gamma, _beta, _y) = (Bf16(manifest, "x"), Bf16(manifest, "gamma"), Bf16(manifest, "beta"), Bf16(manifest, "y"));
        (_rows, _cols) = (manifest.Dimension("rows"), manifest.Dimension("cols"));
        _epsilon = (float)(manifest.Numeric.Epsilon ?? throw Unsupported(manifest, "a layer norm needs numeric.epsilon"));
        if (manifest.Numeric.Variance is not (null or "biased")) throw Unsupported(manifest, "the emulator's layer norm uses the biased variance");
    }

    // Per element: a subtract, a square-add, a multiply and a multiply-add, counted as two MACs (KernelWork).
    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) =>
        LayerNorm.Compute(invocation.Operand<ushort>(_x), invocation.Operand<ushort>(_gamma), invocation.Operand<ushort>(_beta), invocation.Operand<ushort>(_y), _rows, _cols, _epsilon);

    internal static OperandLayout Bf16(KernelManifest manifest, string operand)
    {
        var layout = OperandLayout.Of(manifest, operand);
        if (layout.ElementType != ElementType.BFloat16)
            throw Unsupported(manifest, $"the emulator's {manifest.Operation} computes bf16 operands, but \"{operand}\" is {ElementTypes.ManifestName(layout.ElementType)}");
        return layout;
    }

    internal static KernelManifestException Unsupported(KernelManifest manifest, string what) => new(what, manifest.SourcePath, 0, 0);
}

/// <summary><c>gelu</c> (pattern <c>elementwise</c>, bf16, tanh approximation): one chunk per invocation.</summary>
internal sealed class GeluReference : IReferenceKernel
{
    private readonly OperandLayout _x, _y;

    public GeluReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        if (manifest.Numeric.Formula is not "tanh-approximation")
            throw LayerNormReference.Unsupported(manifest, $"the emulator's GELU implements numeric.formula 'tanh-approximation', not '{manifest.Numeric.Formula ?? "(missing)"}'");
        var inputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Input).ToList();
        var outputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Output).ToList();
        if (inputs.Count != 1 || outputs.Count != 1) throw LayerNormReference.Unsupported(manifest, "the emulator's GELU takes one input and one output");
        (_x, _y) = (LayerNormReference.Bf16(manifest, inputs[0].Part.Operand), LayerNormReference.Bf16(manifest, outputs[0].Part.Operand));
    }

    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) => Gelu.Compute(invocation.Operand<ushort>(_x), invocation.Operand<ushort>(_y));
}

/// <summary><c>softmax</c> (pattern <c>rowwise</c>, bf16): one block of rows per invocation.</summary>
internal sealed class SoftmaxReference : IReferenceKernel
{
    private readonly OperandLayout _x, _y;
    private readonly int _rows, _cols;

    public SoftmaxReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        var inputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Input).ToList();
        var outputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Output).ToList();
        if (inputs.Count != 1 || outputs.Count != 1) throw LayerNormReference.Unsupported(manifest, "the emulator's softmax takes one input and one output");
        (_x, _y) = (LayerNormReference.Bf16(manifest, inputs[0].Part.Operand), LayerNormReference.Bf16(manifest, outputs[0].Part.Operand));
        (_rows, _cols) = (manifest.Dimension("rows"), manifest.Dimension("cols"));
    }

    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) => Softmax.Compute(invocation.Operand<ushort>(_x), invocation.Operand<ushort>(_y), _rows, _cols);
}

/// <summary><c>attention</c> (bf16): every head of one block of query rows per invocation.</summary>
internal sealed class AttentionReference : IReferenceKernel
{
    private readonly OperandLayout _q, _k, _v, _o;
    private readonly int _queries, _keys, _heads, _headDim;
    private readonly float _scale;

    public AttentionReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        (_q, _k, _v, _o) = (LayerNormReference.Bf16(manifest, "q"), LayerNormReference.Bf16(manifest, "k"), LayerNormReference.Bf16(manifest, "v"), LayerNormReference.Bf16(manifest, "o"));
        (_queries, _keys, _heads, _headDim) = (manifest.Dimension("queries"), manifest.Dimension("keys"), manifest.Dimension("heads"), manifest.Dimension("headDim"));
        if (_headDim != FloatPanel.Width)
            throw LayerNormReference.Unsupported(manifest, $"the emulator's attention computes heads of {FloatPanel.Width} columns, not tile.headDim {_headDim}");
        if (_heads * _headDim != manifest.Dimension("dim"))
            throw LayerNormReference.Unsupported(manifest, $"tile.heads x tile.headDim ({_heads} x {_headDim}) must equal tile.dim ({manifest.Dimension("dim")})");
        _scale = (float)(manifest.Numeric.Scale ?? throw LayerNormReference.Unsupported(manifest, "attention needs numeric.scale"));
    }

    // Scores and the weighted sum: two products per query, key and model column (KernelWork).
    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) =>
        Attention.Compute(invocation.Operand<ushort>(_q), invocation.Operand<ushort>(_k), invocation.Operand<ushort>(_v), invocation.Operand<ushort>(_o),
                          _queries, _keys, _heads, _headDim, _scale);
}

/// <summary>
/// <c>bias-add</c> (pattern <c>rowwise</c>, bf16): y[r, c] = x[r, c] + b[c] for a block of rows, the sum in float32
/// rounded to bf16 (nearest-even); the bias vector is read whole by every invocation. NaN and infinities propagate as
/// float32 addition carries them.
/// </summary>
internal sealed class BiasAddReference : IReferenceKernel
{
    private readonly OperandLayout _x, _b, _y;
    private readonly int _rows, _cols;

    public BiasAddReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        var inputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Input).ToList();
        var output = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Output).ToList();
        var matrix = inputs.Where(o => o.Part.Shape.Count == 2).ToList();
        var vector = inputs.Where(o => o.Part.Shape.Count == 1).ToList();
        if (matrix.Count != 1 || vector.Count != 1 || output.Count != 1)
            throw LayerNormReference.Unsupported(manifest, "the emulator's bias-add takes one [rows, cols] matrix and one [cols] bias in, one matrix out");
        (_x, _b, _y) = (LayerNormReference.Bf16(manifest, matrix[0].Part.Operand), LayerNormReference.Bf16(manifest, vector[0].Part.Operand), LayerNormReference.Bf16(manifest, output[0].Part.Operand));
        (_rows, _cols) = (manifest.Dimension("rows"), manifest.Dimension("cols"));
    }

    // One add per element, counted as one MAC (KernelWork).
    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation)
    {
        var x = invocation.Operand<ushort>(_x);
        var b = invocation.Operand<ushort>(_b);
        var y = invocation.Operand<ushort>(_y);
        for (int r = 0; r < _rows; r++)
            for (int c = 0; c < _cols; c++)
            {
                float sum = BitConverter.UInt32BitsToSingle((uint)x[r * _cols + c] << 16) + BitConverter.UInt32BitsToSingle((uint)b[c] << 16);
                y[r * _cols + c] = BFloat16.RoundToBits(BitConverter.SingleToUInt32Bits(sum));
            }
    }
}
