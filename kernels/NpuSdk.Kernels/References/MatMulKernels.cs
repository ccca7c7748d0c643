using NpuSdk.Emulation;
using NpuSdk.KernelModel;

namespace NpuSdk.Kernels;

/// <summary>
/// <c>matmul</c> with pattern <c>tile-matmul</c> or <c>whole-array</c>: one invocation computes C[m x n] = A[m x k]·B[k x n]
/// at the manifest's shapes under its rule; operands wherever the manifest's layout puts them (packed or not, in any order).
/// </summary>
internal sealed class MatMulReference : IReferenceKernel
{
    private readonly OperandLayout _a, _b, _c;
    private readonly int _m, _k, _n;
    private readonly MatMulCore _core;

    public MatMulReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        (_m, _k, _n) = (manifest.Dimension("m"), manifest.Dimension("k"), manifest.Dimension("n"));
        (_a, _b, _c) = (OperandLayout.Of(manifest, "a"), OperandLayout.Of(manifest, "b"), OperandLayout.Of(manifest, "c"));
        _core = new MatMulCore(_a.ElementType, _b.ElementType, _c.ElementType, manifest.Numeric);
    }

    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => LatencyModel.PrecisionOf(_a.ElementType);

    public void Execute(in ReferenceInvocation invocation) =>
        _core.Multiply(invocation.Bytes(_a), invocation.Bytes(_b), invocation.Bytes(_c), _m, _k, _n);
}

/// <summary><c>gemv</c>: one invocation computes c[m] = A[m x k]·b[k] under the manifest's rule.</summary>
internal sealed class GemvReference : IReferenceKernel
{
    private readonly OperandLayout _a, _b, _c;
    private readonly int _m, _k;
    private readonly MatMulCore _core;

    public GemvReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        (_m, _k) = (manifest.Dimension("m"), manifest.Dimension("k"));
        (_a, _b, _c) = (OperandLayout.Of(manifest, "a"), OperandLayout.Of(manifest, "b"), OperandLayout.Of(manifest, "c"));
        _core = new MatMulCore(_a.ElementType, _b.ElementType, _c.ElementType, manifest.Numeric);
    }

    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => LatencyModel.PrecisionOf(_a.ElementType);

    // b is a k x 1 matrix and c an m x 1 one.
    public void Execute(in ReferenceInvocation invocation) =>
        _core.Multiply(invocation.Bytes(_a), invocation.Bytes(_b), invocation.Bytes(_c), _m, _k, 1);
}

/// <summary>
/// <c>matmul</c> with pattern <c>kstrip-matmul</c>: one whole m x n block of C from an m x K strip of A and a K x n strip
/// of B. On hardware K is compiled into the instruction stream; the emulator reads it from the size of A's buffer.
/// </summary>
internal sealed class KStripMatMulReference : IReferenceKernel
{
    private readonly KernelManifest _manifest;
    private readonly OperandLayout _c;
    private readonly string _aArg, _bArg;
    private readonly int _m, _n, _kMax, _kMultiple, _aSize, _bSize;
    private readonly MatMulCore _core;

    public KStripMatMulReference(KernelManifest manifest)
    {
        _manifest = manifest;
        (_m, _n, _kMax, _kMultiple) = (manifest.Dimension("m"), manifest.Dimension("n"), manifest.Dimension("kMax"), manifest.Dimension("kMultiple"));
        var a = OperandLayout.Of(manifest, "a", 1);
        var b = OperandLayout.Of(manifest, "b", 1);
        if (a.Buffer.Parts.Count != 1 || b.Buffer.Parts.Count != 1)
            throw new KernelManifestException("the emulator's K-strip matmul needs A and B each alone in its buffer (K is read from the buffer's size)", manifest.SourcePath, 0, 0);
        (_aArg, _bArg, _aSize, _bSize) = (a.Arg, b.Arg, a.ElementSize, b.ElementSize);
        _c = OperandLayout.Of(manifest, "c");
        _core = new MatMulCore(a.ElementType, b.ElementType, _c.ElementType, manifest.Numeric);
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest, _kMax);
        Precision = LatencyModel.PrecisionOf(a.ElementType);
    }

    /// <summary>An invocation at the largest K; <see cref="MacsOf"/> counts the K a run is bound for.</summary>
    public long MacsPerInvocation { get; }
    public ComputePrecision Precision { get; }

    /// <summary>For the latency model: m·K·n (KernelWork's count) at the K the bound strip of A holds.</summary>
    public long MacsOf(in ReferenceInvocation invocation) =>
        (long)_m * _n * (invocation.Buffer(_aArg).Length / (_m * _aSize));

    public void Execute(in ReferenceInvocation invocation)
    {
        var a = invocation.Buffer(_aArg);
        var b = invocation.Buffer(_bArg);
        if (a.Length % (_m * _aSize) != 0)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_aArg} holds {a.Length} bytes, which is not {_m} rows of K values; size it m x K.");
        int k = a.Length / (_m * _aSize);
        if (k == 0 || k % _kMultiple != 0 || k > _kMax)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_aArg} holds {a.Length} bytes = {_m} x K with K = {k}; K must be a positive multiple of {_kMultiple} up to {_kMax}.");
        if (b.Length < k * _n * _bSize)
            throw new ArgumentException($"Kernel '{_manifest.Name}': {_bArg} holds {b.Length} bytes; the {k} x {_n} strip of B needs {k * _n * _bSize}.");
        _core.Multiply(a, b[..(k * _n * _bSize)], invocation.Bytes(_c), _m, k, _n);
    }
}
