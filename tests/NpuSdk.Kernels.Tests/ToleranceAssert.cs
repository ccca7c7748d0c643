using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests;

internal static class ToleranceAssert
{
    /// <summary>Every bf16 output is within the manifest's tolerance of the exact value; NaN where the exact value is NaN.</summary>
    public static void Within(ManifestTolerance tolerance, double[] exact, ReadOnlySpan<ushort> got)
    {
        Assert.Equal(exact.Length, got.Length);
        for (int i = 0; i < exact.Length; i++)
        {
            double g = BFloat16.FromRaw(got[i]).ToSingle();
            Assert.True(tolerance.Accepts(g, exact[i]), $"element {i}: exact {exact[i]:R}, got {g:R} (bf16 0x{got[i]:x4}); tolerance {tolerance}");
        }
    }
}
