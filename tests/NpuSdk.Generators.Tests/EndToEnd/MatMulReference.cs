namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Plain C# of the original port's numeric rule, written independently of the SDK's packing: for every
/// 16-wide block of K, the kernel's partial C[i,j] = sat_int8((Σ a·b) &gt;&gt; 7) (int32 sum, flooring shift);
/// the host adds the partials in int32 and saturates to int8 once.
/// </summary>
internal static class MatMulReference
{
    public static int[] HostSums(sbyte[] a, sbyte[] b, int m, int k, int n, int tile = 16)
    {
        var sums = new int[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int total = 0;
                for (int k0 = 0; k0 < k; k0 += tile)
                {
                    int partial = 0;
                    for (int kk = k0; kk < Math.Min(k, k0 + tile); kk++) partial += a[i * k + kk] * b[kk * n + j];
                    total += Math.Clamp(partial >> 7, -128, 127);
                }
                sums[i * n + j] = total;
            }
        return sums;
    }

    public static sbyte[] Saturated(int[] sums) => sums.Select(s => (sbyte)Math.Clamp(s, -128, 127)).ToArray();

    public static sbyte[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var data = new sbyte[count];
        for (int i = 0; i < data.Length; i++) data[i] = (sbyte)rng.Next(-128, 128);
        return data;
    }
}
