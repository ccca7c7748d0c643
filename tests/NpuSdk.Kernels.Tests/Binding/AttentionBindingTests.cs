using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;

namespace NpuSdk.Kernels.Tests.Binding;

/// <summary>
/// The attention kernel through its generated [NpuKernel] method: one invocation per block of query rows, the last
/// padded with zero rows that must not leak into O; K and V in one slot every invocation reads.
/// </summary>
public class AttentionBindingTests
{
    [Fact]
    public void Attention_binding_matches_the_formula_on_a_ragged_block_of_queries()
    {
        var m = KernelLibrary.Manifest("attention_bf16");
        int block = m.Dimension("queries"), keys = m.Dimension("keys"), heads = m.Dimension("heads"), headDim = m.Dimension("headDim");
        int dim = heads * headDim, queries = block + 36;   // two invocations, the second padded
        double scale = m.Numeric.Scale!.Value;
        var rng = new Random(15);
        var q = Inputs.BFloat16(rng, queries * dim, minExponent: -4, maxExponent: 0);
        var k = Inputs.BFloat16(rng, keys * dim, minExponent: -4, maxExponent: 0);
        var v = Inputs.BFloat16(rng, keys * dim, minExponent: -4, maxExponent: 0);
        k[7 * dim + 2 * headDim] = 0x7FC0;   // a NaN key in head 2: head 2 of every query row is NaN, head 3 is not
        var exact = Scalar.AttentionExact(Inputs.Doubles(q), Inputs.Doubles(k), Inputs.Doubles(v), queries, keys, heads, headDim, scale);
        // The kernel's own arithmetic over every query row at once: blocking and padding must not change a bit.
        var direct = new ushort[queries * dim];
        Attention.Compute(q, k, v, direct, queries, keys, heads, headDim, (float)scale);

        var o = new BFloat16[queries * dim];
        var device = Device.Open(new EmulatorBackend());
        using (device)
        using (var session = new NpuSession(device))
        {
            void Call() => LibraryKernels.Attention(session, View(q, queries, dim), View(k, keys, dim), View(v, keys, dim), new Span2D<BFloat16>(o, queries, dim));
            Call();
            ToleranceAssert.Within(m.Numeric.Tolerance!, exact, MemoryMarshal.Cast<BFloat16, ushort>(o));
            Assert.Equal(direct, MemoryMarshal.Cast<BFloat16, ushort>(o).ToArray());
            Assert.True(BFloat16.IsNaN(o[(queries - 1) * dim + 2 * headDim]));
            Assert.False(BFloat16.IsNaN(o[(queries - 1) * dim + 3 * headDim]));

            // A second call on the built plan: two runs in one submission, one wait; Q, K and V synced once each
            // (K and V are one slot both runs read, not a copy per run), O once.
            var c = device.Counters;
            (long runs, long submissions, long waits, long toDevice, long fromDevice) = (c.Runs, c.Submissions, c.Waits, c.SyncsToDevice, c.SyncsFromDevice);
            Array.Clear(o);
            Call();
            Assert.Equal(direct, MemoryMarshal.Cast<BFloat16, ushort>(o).ToArray());
            Assert.Equal(2, c.Runs - runs);
            Assert.Equal(1, c.Submissions - submissions);
            Assert.Equal(1, c.Waits - waits);
            Assert.Equal(3, c.SyncsToDevice - toDevice);
            Assert.Equal(1, c.SyncsFromDevice - fromDevice);

            // Keys cannot be padded (a zero key would enter every softmax): a short K is an error naming it.
            var e = Assert.Throws<ArgumentException>(() => LibraryKernels.Attention(session, View(q, queries, dim), View(k, keys - 1, dim),
                View(v, keys, dim), new Span2D<BFloat16>(o, queries, dim)));
            Assert.Equal("k", e.ParamName);
            Assert.Contains($"{keys}x{dim}", e.Message);
        }
    }

    private static ReadOnlySpan2D<BFloat16> View(ushort[] bits, int rows, int cols) =>
        new(MemoryMarshal.Cast<ushort, BFloat16>(bits.AsSpan(0, rows * cols)), rows, cols);
}
