namespace NpuSdk.Emulation.Kernels;

/// <summary>An int8 tile kernel (<c>tile-matmul</c>, int8 in and out): C = clamp((A·B) &gt;&gt; shift), A and B packed or separate.</summary>
internal sealed class Int8TileMatMulKernel : IReferenceKernel
{
    private readonly OperandLayout _a, _b, _c;
    private readonly int _m, _k, _n, _shift;

    public Int8TileMatMulKernel(KernelManifest manifest)
    {
        (_m, _k, _n, _shift) = (manifest.Dimension("m"), manifest.Dimension("k"), manifest.Dimension("n"), manifest.Numeric.Shift);
        (_a, _b, _c) = (OperandLayout.Of(manifest, "a"), OperandLayout.Of(manifest, "b"), OperandLayout.Of(manifest, "c"));
    }

    public long MacsPerInvocation => (long)_m * _k * _n;
    public ComputePrecision Precision => ComputePrecision.Int8;

    public void Execute(in ReferenceInvocation invocation) =>
        Int8MatMul.MultiplyRequantize(_a.View<sbyte>(invocation), _b.View<sbyte>(invocation), _c.View<sbyte>(invocation), _m, _k, _n, _shift);
}

/// <summary>
/// The int8 K-strip kernel (<c>kstrip-matmul</c>): one whole int32 output tile from an m x K strip of A and a K x n
/// strip of B. On hardware K is compiled into the instruction stream; the emulator reads it from the size of bo0.
/// </summary>
internal sealed class Int8KStripMatMulKernel : IReferenceKernel
{
    private readonly KernelManifest _manifest;
    private readonly OperandLayout _c;
    private readonly string _aArg, _bArg;
    private readonly int _m, _n, _kMax, _kMultiple;

    public Int8KStripMatMulKernel(KernelManifest manifest)
    {
        _manifest = manifest;
        (_m, _n, _kMax, _kMultiple) = (manifest.Dimension("m"), manifest.Dimension("n"), manifest.Dimension("kMax"), manifest.Dimension("kMultiple"));
        _aArg = OperandLayout.Of(manifest, "a").Arg;
        _bArg = OperandLayout.Of(manifest, "b").Arg;
        _c = OperandLayout.Of(manifest, "c");
    }

    /// <summary>For the latency model: an invocation at the largest K.</summary>
    public long MacsPerInvocation => (long)_m * _kMax * _n;
    public ComputePrecision Precision => ComputePrecision.Int8;

    public void Execute(in ReferenceInvocation invocation)
    {
        var a = invocation.Buffer(_aArg);
        var b = invocation.Buffer(_bArg);
        if (a.Length % _m != 0)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_aArg} holds {a.Length} bytes, which is not {_m} rows of K int8 values; size it m x K.");
        int k = a.Length / _m;
        if (k == 0 || k % _kMultiple != 0 || k > _kMax)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_aArg} holds {a.Length} bytes = {_m} x K with K = {k}; K must be a positive multiple of {_kMultiple} up to {_kMax}.");
        if (b.Length < k * _n)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_bArg} holds {b.Length} bytes; the {k} x {_n} strip of B needs {k * _n}.");
        Int8MatMul.Multiply(
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(a),
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(b[..(k * _n)]),
            _c.View<int>(invocation), _m, k, _n);
    }
}

/// <summary>A bf16 tile kernel (<c>tile-matmul</c>, bf16 in, float32 out): C = A·B with fused multiply-adds, k ascending.</summary>
internal sealed class BFloat16TileMatMulKernel : IReferenceKernel
{
    private readonly OperandLayout _a, _b, _c;
    private readonly int _m, _k, _n;

    public BFloat16TileMatMulKernel(KernelManifest manifest)
    {
        (_m, _k, _n) = (manifest.Dimension("m"), manifest.Dimension("k"), manifest.Dimension("n"));
        (_a, _b, _c) = (OperandLayout.Of(manifest, "a"), OperandLayout.Of(manifest, "b"), OperandLayout.Of(manifest, "c"));
    }

    public long MacsPerInvocation => (long)_m * _k * _n;
    public ComputePrecision Precision => ComputePrecision.BFloat16;

    public void Execute(in ReferenceInvocation invocation) =>
        BFloat16MatMul.Multiply(_a.View<ushort>(invocation), _b.View<ushort>(invocation), _c.View<float>(invocation), _m, _k, _n);
}
