using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NpuSdk.Kernels;

/// <summary>The instruction set an int8 matmul uses; tests force each one the machine has.</summary>
internal enum Int8Path
{
    /// <summary><see cref="Vector{T}"/> int32 multiply-adds: any machine.</summary>
    Portable,
    /// <summary>AVX2 <c>vpmaddwd</c>: 16 int16 products summed in pairs into 8 int32 lanes.</summary>
    Avx2,
    /// <summary>AVX-512BW <c>vpmaddwd</c>: 32 products into 16 int32 lanes.</summary>
    Avx512,
}

/// <summary>
/// Exact int8 x int8 -&gt; int32 matrix products (row-major) for the int8 tile and K-strip kernels. B is repacked per
/// block of 64 K rows into int16 pairs along K so that one <c>vpmaddwd</c> forms two products of each output and
/// adds them without saturation; the sums are exact for any K the manifests allow (|sum| &lt;= 2^14 * K).
/// </summary>
internal static class Int8MatMul
{
    private const int KBlock = 64;
    private const int NBlock = 64;

    internal static Int8Path BestPath =>
        Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? Int8Path.Avx512
        : Avx2.IsSupported ? Int8Path.Avx2
        : Int8Path.Portable;

    /// <summary>True when this machine can run <paramref name="path"/>.</summary>
    internal static bool IsSupported(Int8Path path) => path switch
    {
        Int8Path.Avx512 => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated,
        Int8Path.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>C (m x n, int32) = A (m x k) x B (k x n), every sum exact.</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<int> c, int m, int k, int n) =>
        Multiply(a, b, c, m, k, n, BestPath);

    /// <summary>
    /// The tile kernels' rule: <c>C[i,j] = clamp((Σk A[i,k]·B[k,j]) &gt;&gt; shift, -128, 127)</c>, int32 sum,
    /// arithmetic (flooring) shift.
    /// </summary>
    public static void MultiplyRequantize(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> c, int m, int k, int n, int shift) =>
        MultiplyRequantize(a, b, c, m, k, n, shift, BestPath);

    internal static void MultiplyRequantize(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> c, int m, int k, int n, int shift, Int8Path path)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n);
        if ((uint)shift > 31) throw new ArgumentOutOfRangeException(nameof(shift), shift, "The shift is 0 to 31 bits.");
        // A 64x64 tile's sums fit the stack; larger tiles borrow pooled memory, so no invocation allocates.
        int count = m * n;
        int[]? rented = count > 4096 ? ArrayPool<int>.Shared.Rent(count) : null;
        Span<int> sums = rented is null ? stackalloc int[count] : rented.AsSpan(0, count);
        try
        {
            Multiply(a, b, sums, m, k, n, path);
            Requantize(sums, c, shift);
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Shifts int32 sums right (arithmetic) and saturates them to int8.</summary>
    public static void Requantize(ReadOnlySpan<int> sums, Span<sbyte> destination, int shift)
    {
        if (destination.Length < sums.Length) throw new ArgumentException($"destination holds {destination.Length} values; {sums.Length} are needed.", nameof(destination));
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lo = Vector256.Create((int)sbyte.MinValue);
            var hi = Vector256.Create((int)sbyte.MaxValue);
            ref int s = ref MemoryMarshal.GetReference(sums);
            ref sbyte d = ref MemoryMarshal.GetReference(destination);
            for (; j + 32 <= sums.Length; j += 32)
            {
                var v0 = Vector256.Clamp(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref s, (nuint)j), shift), lo, hi);
                var v1 = Vector256.Clamp(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref s, (nuint)(j + 8)), shift), lo, hi);
                var v2 = Vector256.Clamp(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref s, (nuint)(j + 16)), shift), lo, hi);
                var v3 = Vector256.Clamp(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref s, (nuint)(j + 24)), shift), lo, hi);
                // Clamped first, so the truncating narrows are exact.
                Vector256.Narrow(Vector256.Narrow(v0, v1), Vector256.Narrow(v2, v3)).StoreUnsafe(ref d, (nuint)j);
            }
        }
        for (; j < sums.Length; j++) destination[j] = (sbyte)Math.Clamp(sums[j] >> shift, sbyte.MinValue, sbyte.MaxValue);
    }

    internal static void Multiply(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<int> c, int m, int k, int n, Int8Path path)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n);
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"This machine cannot run the {path} int8 path.");
        c[..(m * n)].Clear();
        Span<short> packed = stackalloc short[KBlock * NBlock];
        Span<short> aRow = stackalloc short[4 * KBlock];
        for (int j0 = 0; j0 < n; j0 += NBlock)
        {
            int nb = Math.Min(NBlock, n - j0);
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kb = Math.Min(KBlock, k - k0);
                int lanes = path == Int8Path.Avx512 ? 16 : 8;
                bool pairs = path != Int8Path.Portable && kb % 2 == 0 && nb % lanes == 0;
                if (pairs) PackPairs(b, packed, k0, kb, j0, nb, n);
                int i = 0;
                if (pairs && path == Int8Path.Avx512 && nb == NBlock)
                {
                    // Four rows of A share every load of B: 16 accumulators, 4 loads and 4 broadcasts per 16 vpmaddwd.
                    for (; i + 4 <= m; i += 4)
                    {
                        for (int r = 0; r < 4; r++)
                        {
                            var aBlock = a.Slice((i + r) * k + k0, kb);
                            for (int t = 0; t < kb; t++) aRow[r * kb + t] = aBlock[t];
                        }
                        AccumulateAvx512Rows4(MemoryMarshal.Cast<short, int>(aRow[..(4 * kb)]), kb / 2, packed, c.Slice(i * n + j0), n);
                    }
                }
                for (; i < m; i++)
                {
                    var cRow = c.Slice(i * n + j0, nb);
                    var aBlock = a.Slice(i * k + k0, kb);
                    if (!pairs) { AccumulatePortable(aBlock, b, cRow, k0, kb, j0, n); continue; }
                    for (int t = 0; t < kb; t++) aRow[t] = aBlock[t];
                    var aPairs = MemoryMarshal.Cast<short, int>(aRow[..kb]);
                    if (path == Int8Path.Avx512) AccumulateAvx512(aPairs, packed, cRow);
                    else AccumulateAvx2(aPairs, packed, cRow);
                }
            }
        }
    }

    /// <summary>Lays B[k0.., j0..] out as int16 pairs (B[2p, j], B[2p+1, j]) so a pair of A values multiplies both at once.</summary>
    private static void PackPairs(ReadOnlySpan<sbyte> b, Span<short> packed, int k0, int kb, int j0, int nb, int n)
    {
        for (int p = 0; p < kb / 2; p++)
        {
            var even = b.Slice((k0 + 2 * p) * n + j0, nb);
            var odd = b.Slice((k0 + 2 * p + 1) * n + j0, nb);
            var dst = packed.Slice(p * nb * 2, nb * 2);
            for (int j = 0; j < nb; j++)
            {
                dst[2 * j] = even[j];
                dst[2 * j + 1] = odd[j];
            }
        }
    }

    private static void AccumulateAvx512(ReadOnlySpan<int> aPairs, ReadOnlySpan<short> packed, Span<int> cRow)
    {
        ref short bp = ref MemoryMarshal.GetReference(packed);
        ref int c = ref MemoryMarshal.GetReference(cRow);
        int nb = cRow.Length;
        for (int j = 0; j < nb; j += 16)
        {
            var acc = Vector512.LoadUnsafe(ref c, (nuint)j);
            for (int p = 0; p < aPairs.Length; p++)
            {
                var av = Vector512.Create(aPairs[p]).AsInt16();
                acc += Avx512BW.MultiplyAddAdjacent(av, Vector512.LoadUnsafe(ref bp, (nuint)((p * nb + j) * 2)));
            }
            acc.StoreUnsafe(ref c, (nuint)j);
        }
    }

    private static void AccumulateAvx512Rows4(ReadOnlySpan<int> aPairs, int pairCount, ReadOnlySpan<short> packed, Span<int> cRows, int stride)
    {
        ref short bp = ref MemoryMarshal.GetReference(packed);
        ref int c0 = ref MemoryMarshal.GetReference(cRows);
        ref int c1 = ref Unsafe.Add(ref c0, stride);
        ref int c2 = ref Unsafe.Add(ref c1, stride);
        ref int c3 = ref Unsafe.Add(ref c2, stride);
        Vector512<int> r00 = Vector512.LoadUnsafe(ref c0), r01 = Vector512.LoadUnsafe(ref c0, 16), r02 = Vector512.LoadUnsafe(ref c0, 32), r03 = Vector512.LoadUnsafe(ref c0, 48);
        Vector512<int> r10 = Vector512.LoadUnsafe(ref c1), r11 = Vector512.LoadUnsafe(ref c1, 16), r12 = Vector512.LoadUnsafe(ref c1, 32), r13 = Vector512.LoadUnsafe(ref c1, 48);
        Vector512<int> r20 = Vector512.LoadUnsafe(ref c2), r21 = Vector512.LoadUnsafe(ref c2, 16), r22 = Vector512.LoadUnsafe(ref c2, 32), r23 = Vector512.LoadUnsafe(ref c2, 48);
        Vector512<int> r30 = Vector512.LoadUnsafe(ref c3), r31 = Vector512.LoadUnsafe(ref c3, 16), r32 = Vector512.LoadUnsafe(ref c3, 32), r33 = Vector512.LoadUnsafe(ref c3, 48);
        for (int p = 0; p < pairCount; p++)
        {
            nuint row = (nuint)(p * NBlock * 2);
            var b0 = Vector512.LoadUnsafe(ref bp, row);
            var b1 = Vector512.LoadUnsafe(ref bp, row + 32);
            var b2 = Vector512.LoadUnsafe(ref bp, row + 64);
            var b3 = Vector512.LoadUnsafe(ref bp, row + 96);
            var a0 = Vector512.Create(aPairs[p]).AsInt16();
            r00 += Avx512BW.MultiplyAddAdjacent(a0, b0); r01 += Avx512BW.MultiplyAddAdjacent(a0, b1);
            r02 += Avx512BW.MultiplyAddAdjacent(a0, b2); r03 += Avx512BW.MultiplyAddAdjacent(a0, b3);
            var a1 = Vector512.Create(aPairs[pairCount + p]).AsInt16();
            r10 += Avx512BW.MultiplyAddAdjacent(a1, b0); r11 += Avx512BW.MultiplyAddAdjacent(a1, b1);
            r12 += Avx512BW.MultiplyAddAdjacent(a1, b2); r13 += Avx512BW.MultiplyAddAdjacent(a1, b3);
            var a2 = Vector512.Create(aPairs[2 * pairCount + p]).AsInt16();
            r20 += Avx512BW.MultiplyAddAdjacent(a2, b0); r21 += Avx512BW.MultiplyAddAdjacent(a2, b1);
            r22 += Avx512BW.MultiplyAddAdjacent(a2, b2); r23 += Avx512BW.MultiplyAddAdjacent(a2, b3);
            var a3 = Vector512.Create(aPairs[3 * pairCount + p]).AsInt16();
            r30 += Avx512BW.MultiplyAddAdjacent(a3, b0); r31 += Avx512BW.MultiplyAddAdjacent(a3, b1);
            r32 += Avx512BW.MultiplyAddAdjacent(a3, b2); r33 += Avx512BW.MultiplyAddAdjacent(a3, b3);
        }
        r00.StoreUnsafe(ref c0); r01.StoreUnsafe(ref c0, 16); r02.StoreUnsafe(ref c0, 32); r03.StoreUnsafe(ref c0, 48);
        r10.StoreUnsafe(ref c1); r11.StoreUnsafe(ref c1, 16); r12.StoreUnsafe(ref c1, 32); r13.StoreUnsafe(ref c1, 48);
        r20.StoreUnsafe(ref c2); r21.StoreUnsafe(ref c2, 16); r22.StoreUnsafe(ref c2, 32); r23.StoreUnsafe(ref c2, 48);
        r30.StoreUnsafe(ref c3); r31.StoreUnsafe(ref c3, 16); r32.StoreUnsafe(ref c3, 32); r33.StoreUnsafe(ref c3, 48);
    }

    private static void AccumulateAvx2(ReadOnlySpan<int> aPairs, ReadOnlySpan<short> packed, Span<int> cRow)
    {
        ref short bp = ref MemoryMarshal.GetReference(packed);
        ref int c = ref MemoryMarshal.GetReference(cRow);
        int nb = cRow.Length;
        for (int j = 0; j < nb; j += 8)
        {
            var acc = Vector256.LoadUnsafe(ref c, (nuint)j);
            for (int p = 0; p < aPairs.Length; p++)
            {
                var av = Vector256.Create(aPairs[p]).AsInt16();
                acc += Avx2.MultiplyAddAdjacent(av, Vector256.LoadUnsafe(ref bp, (nuint)((p * nb + j) * 2)));
            }
            acc.StoreUnsafe(ref c, (nuint)j);
        }
    }

    /// <summary>Any shape, any machine: int32 lanes of <see cref="Vector{T}"/>, then a scalar tail.</summary>
    private static void AccumulatePortable(ReadOnlySpan<sbyte> aBlock, ReadOnlySpan<sbyte> b, Span<int> cRow, int k0, int kb, int j0, int n)
    {
        int nb = cRow.Length;
        int width = Vector<int>.Count;
        Span<int> bRow = stackalloc int[NBlock];
        for (int t = 0; t < kb; t++)
        {
            int av = aBlock[t];
            if (av == 0) continue;
            var src = b.Slice((k0 + t) * n + j0, nb);
            for (int j = 0; j < nb; j++) bRow[j] = src[j];
            int jv = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var a = new Vector<int>(av);
                for (; jv + width <= nb; jv += width)
                {
                    var acc = new Vector<int>(cRow[jv..]) + a * new Vector<int>(bRow[jv..]);
                    acc.CopyTo(cRow[jv..]);
                }
            }
            for (; jv < nb; jv++) cRow[jv] += av * bRow[jv];
        }
    }

    private static void CheckShapes(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m <= 0 || k <= 0 || n <= 0) throw new ArgumentOutOfRangeException(nameof(m), $"The shape {m}x{k} @ {k}x{n} has an empty dimension.");
        if (aLength < m * k) throw new ArgumentException($"A holds {aLength} values; {m}x{k} needs {m * k}.", "a");
        if (bLength < k * n) throw new ArgumentException($"B holds {bLength} values; {k}x{n} needs {k * n}.", "b");
        if (cLength < m * n) throw new ArgumentException($"C holds {cLength} values; {m}x{n} needs {m * n}.", "c");
    }
}
