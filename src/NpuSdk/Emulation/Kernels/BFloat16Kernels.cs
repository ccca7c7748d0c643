namespace NpuSdk.Emulation.Kernels;

/// <summary>The bf16 layer norm kernel (<c>rowwise</c>): one block of rows per invocation.</summary>
internal sealed class LayerNormKernel(KernelManifest manifest) : IReferenceKernel
{
    private readonly OperandLayout _x = OperandLayout.Of(manifest, "x"), _gamma = OperandLayout.Of(manifest, "gamma"),
        _beta = OperandLayout.Of(manifest, "beta"), _y = OperandLayout.Of(manifest, "y");
    private readonly int _rows = manifest.Dimension("rows"), _cols = manifest.Dimension("cols");
    private readonly float _epsilon = (float)(manifest.Numeric.Epsilon
        ?? throw new KernelManifestException($"Kernel manifest '{manifest.Name}': a layernorm needs numeric.epsilon."));

    // Per element: a subtract, a square-add, a multiply and a multiply-add, counted as two MACs.
    public long MacsPerInvocation => 2L * _rows * _cols;
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) =>
        LayerNorm.Compute(_x.View<ushort>(invocation), _gamma.View<ushort>(invocation), _beta.View<ushort>(invocation), _y.View<ushort>(invocation), _rows, _cols, _epsilon);
}

/// <summary>The bf16 GELU kernel (<c>elementwise</c>): one chunk per invocation.</summary>
internal sealed class GeluKernel : IReferenceKernel
{
    private readonly OperandLayout _x, _y;
    private readonly int _elements;

    public GeluKernel(KernelManifest manifest)
    {
        if (manifest.Numeric.Formula is not "tanh-approximation")
            throw new KernelManifestException($"Kernel manifest '{manifest.Name}': the emulator's GELU implements numeric.formula 'tanh-approximation', not '{manifest.Numeric.Formula}'.");
        (_x, _y, _elements) = (OperandLayout.Of(manifest, "x"), OperandLayout.Of(manifest, "y"), manifest.Dimension("elements"));
    }

    public long MacsPerInvocation => 4L * _elements;
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) => Gelu.Compute(_x.View<ushort>(invocation), _y.View<ushort>(invocation));
}

/// <summary>The bf16 softmax kernel (<c>rowwise</c>): one block of rows per invocation.</summary>
internal sealed class SoftmaxKernel(KernelManifest manifest) : IReferenceKernel
{
    private readonly OperandLayout _x = OperandLayout.Of(manifest, "x"), _y = OperandLayout.Of(manifest, "y");
    private readonly int _rows = manifest.Dimension("rows"), _cols = manifest.Dimension("cols");

    public long MacsPerInvocation => 2L * _rows * _cols;
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) => Softmax.Compute(_x.View<ushort>(invocation), _y.View<ushort>(invocation), _rows, _cols);
}

/// <summary>The bf16 attention kernel: every head of one block of query rows per invocation.</summary>
internal sealed class AttentionKernel(KernelManifest manifest) : IReferenceKernel
{
    private readonly OperandLayout _q = OperandLayout.Of(manifest, "q"), _k = OperandLayout.Of(manifest, "k"),
        _v = OperandLayout.Of(manifest, "v"), _o = OperandLayout.Of(manifest, "o");
    private readonly int _queries = manifest.Dimension("queries"), _keys = manifest.Dimension("keys"),
        _heads = manifest.Dimension("heads"), _headDim = manifest.Dimension("headDim") == FloatPanel.Width ? FloatPanel.Width
            : throw new KernelManifestException($"Kernel manifest '{manifest.Name}': the emulator's attention computes heads of {FloatPanel.Width} columns, not tile.headDim {manifest.Dimension("headDim")}.");
    private readonly float _scale = (float)(manifest.Numeric.Scale
        ?? throw new KernelManifestException($"Kernel manifest '{manifest.Name}': attention needs numeric.scale."));

    // Scores and the weighted sum: two products per query, key and model column.
    public long MacsPerInvocation => 2L * _queries * _keys * _heads * _headDim;
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) =>
        Attention.Compute(_q.View<ushort>(invocation), _k.View<ushort>(invocation), _v.View<ushort>(invocation), _o.View<ushort>(invocation),
                          _queries, _keys, _heads, _headDim, _scale);
}
