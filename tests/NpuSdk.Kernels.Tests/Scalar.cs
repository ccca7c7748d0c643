namespace NpuSdk.Kernels.Tests;

/// <summary>
/// Plain scalar C# of each manifest's rule, written from the manifest text and independent of the kernels' code:
/// the exact rules bit for bit, and the tolerance kernels' formulas in double precision.
/// </summary>
internal static class Scalar
{
    public static int[] MatMulInt32(sbyte[] a, sbyte[] b, int m, int k, int n)
    {
        var c = new int[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int sum = 0;
                for (int t = 0; t < k; t++) sum += a[i * k + t] * b[t * n + j];
                c[i * n + j] = sum;
            }
        return c;
    }

    public static sbyte[] MatMulRequantize(sbyte[] a, sbyte[] b, int m, int k, int n, int shift) =>
        MatMulInt32(a, b, m, k, n).Select(s => (sbyte)Math.Clamp(s >> shift, -128, 127)).ToArray();

    public static float[] MatMulBFloat16(ushort[] a, ushort[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float acc = 0f;
                for (int t = 0; t < k; t++) acc = MathF.FusedMultiplyAdd(Wide(a[i * k + t]), Wide(b[t * n + j]), acc);
                c[i * n + j] = acc;
            }
        return c;
    }

    public static float Wide(ushort bits) => BFloat16.FromRaw(bits).ToSingle();

    public static double GeluExact(double x)
    {
        if (double.IsNegativeInfinity(x)) return -0.0;
        double u = Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        return x / (1 + Math.Exp(-2 * u));
    }

    public static double[] SoftmaxExact(double[] row)
    {
        if (row.Any(double.IsNaN)) return row.Select(_ => double.NaN).ToArray();
        double max = double.NegativeInfinity;
        foreach (double x in row) max = Math.Max(max, x);
        var e = row.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    public static double[] LayerNormExact(double[] row, double[] gamma, double[] beta, double epsilon)
    {
        double mean = row.Average();
        double variance = row.Select(x => (x - mean) * (x - mean)).Average();
        double inverse = 1 / Math.Sqrt(variance + epsilon);
        return row.Select((x, j) => (x - mean) * inverse * gamma[j] + beta[j]).ToArray();
    }

    public static double[] AttentionExact(double[] q, double[] k, double[] v, int queries, int keys, int heads, int headDim, double scale)
    {
        int dim = heads * headDim;
        var o = new double[queries * dim];
        var scores = new double[keys];
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < queries; i++)
            {
                for (int j = 0; j < keys; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += q[i * dim + h * headDim + d] * k[j * dim + h * headDim + d];
                    scores[j] = dot * scale;
                }
                var p = SoftmaxExact(scores);
                for (int d = 0; d < headDim; d++)
                {
                    double sum = 0;
                    for (int j = 0; j < keys; j++) sum += p[j] * v[j * dim + h * headDim + d];
                    o[i * dim + h * headDim + d] = sum;
                }
            }
        return o;
    }
}
