using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using NpuSdk.KernelModel;

namespace NpuSdk.Kernels;

/// <summary>
/// C = A·B under any rule a manifest can state: integer inputs (int8, uint8, int16, int32) summed in int32 (wrapping)
/// or int64, then shifted, rounded, saturated and stored; bf16 and float32 inputs summed in float32 from +0 with one
/// fused or separate multiply-add per k, k ascending, stored as float32 or rounded to bf16 (nearest-even). Bit for bit
/// the plain triple loop of the rule; vectorized over the columns of C, with the library's int8 and bf16 kernels as
/// fast paths. Nothing allocates: scratch comes from the shared array pool.
/// </summary>
internal sealed class MatMulCore
{
    private readonly ElementType _a, _b, _c;
    private readonly NumericRule _rule;
    private readonly IntegerRule _integer;

    public MatMulCore(ElementType a, ElementType b, ElementType c, NumericRule rule)
    {
        (_a, _b, _c, _rule) = (a, b, c, rule);
        _integer = new IntegerRule(rule);
    }

    public void Multiply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, int m, int k, int n)
    {
        if (ElementTypes.IsFloat(_rule.Accumulator)) MultiplyFloat(a, b, c, m, k, n);
        else MultiplyInteger(a, b, c, m, k, n);
    }

    private void MultiplyInteger(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, int m, int k, int n)
    {
        int count = m * n;
        if (_a == ElementType.Int8 && _b == ElementType.Int8 && k <= 1 << 17)
        {
            // int8 sums are exact in int32 for any K up to 2^17, so both accumulators give the same sums.
            int[] sums = ArrayPool<int>.Shared.Rent(count);
            try
            {
                Int8MatMul.Multiply(MemoryMarshal.Cast<byte, sbyte>(a), MemoryMarshal.Cast<byte, sbyte>(b), sums, m, k, n);
                if (_c == ElementType.Int8 && _rule.Rounding is Rounding.Floor or Rounding.None && _rule.Saturate == ElementType.Int8)
                    Int8MatMul.Requantize(sums.AsSpan(0, count), MemoryMarshal.Cast<byte, sbyte>(c), _rule.Shift);
                else
                    for (int i = 0; i < count; i++) IntegerRule.Store(c, _c, i, _integer.Apply(sums[i]));
            }
            finally
            {
                ArrayPool<int>.Shared.Return(sums);
            }
            return;
        }
        if (_rule.WideAccumulator) MultiplyWide(a, b, c, m, k, n);
        else MultiplyWrapping(a, b, c, m, k, n);
    }

    // 32-bit sums: products and sums wrap at 32 bits exactly as the int32 accumulator does.
    private void MultiplyWrapping(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, int m, int k, int n)
    {
        int[] panel = ArrayPool<int>.Shared.Rent(k * n);
        int[] row = ArrayPool<int>.Shared.Rent(n);
        try
        {
            for (int t = 0; t < k * n; t++) panel[t] = (int)IntegerRule.Load(b, _b, t);
            var acc = row.AsSpan(0, n);
            for (int i = 0; i < m; i++)
            {
                acc.Clear();
                for (int t = 0; t < k; t++)
                {
                    int av = (int)IntegerRule.Load(a, _a, i * k + t);
                    if (av == 0) continue;
                    var bRow = panel.AsSpan(t * n, n);
                    int j = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        var va = new Vector<int>(av);
                        for (; j <= n - Vector<int>.Count; j += Vector<int>.Count)
                            (new Vector<int>(acc[j..]) + va * new Vector<int>(bRow[j..])).CopyTo(acc[j..]);
                    }
                    for (; j < n; j++) acc[j] = unchecked(acc[j] + av * bRow[j]);
                }
                for (int j = 0; j < n; j++) IntegerRule.Store(c, _c, i * n + j, _integer.Apply(acc[j]));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(panel);
            ArrayPool<int>.Shared.Return(row);
        }
    }

    // 64-bit sums: exact for every K a design can have.
    private void MultiplyWide(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, int m, int k, int n)
    {
        long[] panel = ArrayPool<long>.Shared.Rent(k * n);
        long[] row = ArrayPool<long>.Shared.Rent(n);
        try
        {
            for (int t = 0; t < k * n; t++) panel[t] = IntegerRule.Load(b, _b, t);
            var acc = row.AsSpan(0, n);
            for (int i = 0; i < m; i++)
            {
                acc.Clear();
                for (int t = 0; t < k; t++)
                {
                    long av = IntegerRule.Load(a, _a, i * k + t);
                    if (av == 0) continue;
                    var bRow = panel.AsSpan(t * n, n);
                    int j = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        var va = new Vector<long>(av);
                        for (; j <= n - Vector<long>.Count; j += Vector<long>.Count)
                            (new Vector<long>(acc[j..]) + va * new Vector<long>(bRow[j..])).CopyTo(acc[j..]);
                    }
                    for (; j < n; j++) acc[j] += av * bRow[j];
                }
                for (int j = 0; j < n; j++) IntegerRule.Store(c, _c, i * n + j, _integer.Apply(acc[j]));
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(panel);
            ArrayPool<long>.Shared.Return(row);
        }
    }

    private void MultiplyFloat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> c, int m, int k, int n)
    {
        int count = m * n;
        float[] sums = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var s = sums.AsSpan(0, count);
            if (_a == ElementType.BFloat16 && _b == ElementType.BFloat16 && _rule.MultiplyAdd == MultiplyAdd.Fused)
                BFloat16MatMul.Multiply(MemoryMarshal.Cast<byte, ushort>(a), MemoryMarshal.Cast<byte, ushort>(b), s, m, k, n);
            else
                MultiplyFloatGeneric(a, b, s, m, k, n);
            if (_c == ElementType.BFloat16) BFloat16Span.Narrow(s, MemoryMarshal.Cast<byte, ushort>(c));
            else s.CopyTo(MemoryMarshal.Cast<byte, float>(c));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sums);
        }
    }

    private void MultiplyFloatGeneric(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<float> sums, int m, int k, int n)
    {
        float[] panel = ArrayPool<float>.Shared.Rent(k * n);
        float[] aRow = ArrayPool<float>.Shared.Rent(k);
        try
        {
            Widen(b, _b, panel.AsSpan(0, k * n));
            bool fused = _rule.MultiplyAdd == MultiplyAdd.Fused;
            for (int i = 0; i < m; i++)
            {
                var ar = aRow.AsSpan(0, k);
                Widen(a.Slice(i * k * ElementTypes.Size(_a), k * ElementTypes.Size(_a)), _a, ar);
                var acc = sums.Slice(i * n, n);
                acc.Clear();
                for (int t = 0; t < k; t++)
                {
                    float av = ar[t];
                    var bRow = panel.AsSpan(t * n, n);
                    int j = 0;
                    var va = new Vector<float>(av);
                    for (; j <= n - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        var vb = new Vector<float>(bRow[j..]);
                        var vc = new Vector<float>(acc[j..]);
                        (fused ? Vector.FusedMultiplyAdd(va, vb, vc) : vc + va * vb).CopyTo(acc[j..]);
                    }
                    for (; j < n; j++) acc[j] = fused ? MathF.FusedMultiplyAdd(av, bRow[j], acc[j]) : acc[j] + av * bRow[j];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(panel);
            ArrayPool<float>.Shared.Return(aRow);
        }
    }

    private static void Widen(ReadOnlySpan<byte> source, ElementType type, Span<float> destination)
    {
        if (type == ElementType.BFloat16) BFloat16Span.Widen(MemoryMarshal.Cast<byte, ushort>(source)[..destination.Length], destination);
        else MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);
    }
}
