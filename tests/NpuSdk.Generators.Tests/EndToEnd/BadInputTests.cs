using NpuSdk.Emulation;
using NpuSdk.Testing;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Generated methods refuse input they cannot run at any size with an ArgumentException whose ParamName is the
/// method's parameter and whose message gives its shape, before the device does anything. Operands past 2 GiB are
/// views over <see cref="PhantomMemory{T}"/>: refused from their length, never touched.
/// </summary>
public sealed class BadInputTests
{
    private static (Device Device, NpuSession Session) Open()
    {
        AddInt32Reference.EnsureRegistered();
        var device = Device.Open(new EmulatorBackend());
        return (device, new NpuSession(device));
    }

    [Fact]
    public void A_vector_past_2_GiB_is_refused_naming_it()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        using (var huge = new PhantomMemory<int>(600_000_000))
        {
            var x = Assert.Throws<ArgumentException>(() => GeneratedKernels.Add(session, huge.Span, new int[8], new int[8]));
            Assert.Equal("x", x.ParamName);
            Assert.Contains("'x' is a vector of 600000000 4-byte elements: 2400000000 bytes", x.Message);
            var sum = Assert.Throws<ArgumentException>(() => GeneratedKernels.Add(session, new int[8], new int[8], huge.Span));
            Assert.Equal("sum", sum.ParamName);
            Assert.Equal(0, session.PlansBuilt);
            Assert.Equal(0, device.Counters.Runs);
        }
    }

    [Fact]
    public void A_matrix_past_2_GiB_is_refused_naming_it()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        using (var huge = new PhantomMemory<BFloat16>(40_000 * 40_000))
        {
            var b = new BFloat16[16 * 16];
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMulBf16(session,
                new ReadOnlySpan2D<BFloat16>(huge.Span, 40_000, 40_000), new ReadOnlySpan2D<BFloat16>(b, 16, 16), new Span2D<float>(new float[16 * 16], 16, 16)));
            Assert.Equal("a", e.ParamName);
            Assert.Contains("'a' is a 40000x40000 matrix with stride 40000, 1600000000 2-byte elements: 3200000000 bytes", e.Message);
            Assert.Equal(0, session.PlansBuilt);
        }
    }

    [Fact]
    public async Task Memory_past_2_GiB_is_refused_naming_it_and_nothing_stays_pinned()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        using (var x = new PhantomMemory<int>(8))
        using (var huge = new PhantomMemory<int>(600_000_000))
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(async () => await GeneratedKernels.AddAsync(session, x.Memory, huge.Memory, new int[8]));
            Assert.Equal("y", e.ParamName);
            Assert.Contains("'y' is a vector of 600000000", e.Message);
            Assert.Equal(0, x.Pinned);
            Assert.Equal(0, huge.Pinned);
        }
    }

    [Fact]
    public void A_call_past_the_invocation_limit_names_the_operand_whose_size_drives_it()
    {
        // a is 16 x 16 (one block); b and c are 67,108,880 columns wide: 4,194,305 column blocks of 16, one past the limit.
        const int Wide = ((1 << 22) + 1) * 16;
        var (device, session) = Open();
        using (device)
        using (session)
        using (var b = new PhantomMemory<sbyte>(16 * Wide))
        using (var c = new PhantomMemory<sbyte>(16 * Wide))
        {
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMul(session,
                new ReadOnlySpan2D<sbyte>(new sbyte[16 * 16], 16, 16), new ReadOnlySpan2D<sbyte>(b.Span, 16, Wide), new Span2D<sbyte>(c.Span, 16, Wide)));
            Assert.Equal("b", e.ParamName);
            Assert.Contains($"b is 16x{Wide}: the call needs 4194305 kernel invocations", e.Message);
            Assert.Contains("LaunchGeometry.MaxInvocations = 4194304", e.Message);
            Assert.Equal(0, session.PlansBuilt);
        }
    }

    [Fact]
    public void An_empty_matrix_is_refused_naming_it()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var e = Assert.Throws<ArgumentException>(() => GeneratedKernels.MatMul(session,
                new ReadOnlySpan2D<sbyte>([], 0, 16), new ReadOnlySpan2D<sbyte>(new sbyte[16 * 16], 16, 16), new Span2D<sbyte>([], 0, 16)));
            Assert.Equal("a", e.ParamName);
            Assert.Contains("a is 0x16", e.Message);
            Assert.Equal(0, device.Counters.Runs);
        }
    }
}
