namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// The two plans issue 12's benchmarks time, both the original port's 512x512x512 int8 product: the 16x16 tile kernel
/// (32,768 runs; A and B packed per run in bo0, int8 partials added over K on the host) and the whole-array design
/// (one run; A, B, C in bo0, bo1, bo2, int32 out).
/// </summary>
internal static partial class ProofDesigns
{
    public const int Size = 512;
    public const string Tile16 = "tile16", WholeArray = "whole-array";

    public static string Library(string design) => design == Tile16 ? "matmul_16x16_int8" : "matmul_whole_array_int8";

    public static (sbyte[] A, sbyte[] B) Inputs()
    {
        var rng = new Random(12);
        var a = new sbyte[Size * Size];
        var b = new sbyte[Size * Size];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }
        return (a, b);
    }

    /// <summary>The generated call of <paramref name="design"/>; <paramref name="c"/> is sbyte[] for the tile kernel, int[] for the whole array.</summary>
    public static void Call(NpuSession session, string design, sbyte[] a, sbyte[] b, Array c)
    {
        var av = new ReadOnlySpan2D<sbyte>(a, Size, Size);
        var bv = new ReadOnlySpan2D<sbyte>(b, Size, Size);
        if (design == Tile16) Tile16Call(session, av, bv, new Span2D<sbyte>((sbyte[])c, Size, Size));
        else WholeArrayCall(session, av, bv, new Span2D<int>((int[])c, Size, Size));
    }

    public static Array Output(string design) => design == Tile16 ? new sbyte[Size * Size] : new int[Size * Size];

    [NpuKernel("matmul_16x16_int8.xclbin")]
    private static partial void Tile16Call(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<sbyte> c);

    [NpuKernel("matmul_whole_array_int8.xclbin")]
    private static partial void WholeArrayCall(NpuSession session, ReadOnlySpan2D<sbyte> a, ReadOnlySpan2D<sbyte> b, Span2D<int> c);
}
