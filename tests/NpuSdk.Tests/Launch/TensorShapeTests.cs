using NpuSdk.Emulation;

namespace NpuSdk.Tests.Launch;

/// <summary>
/// NpuSession.CreateTensor refuses a shape it cannot allocate, at every size, with an ArgumentOutOfRangeException whose
/// ParamName is the factory's own parameter (a vector's is <c>length</c>) and whose message gives the shape.
/// </summary>
public sealed class TensorShapeTests : IDisposable
{
    private readonly Device _device = Device.Open(new EmulatorBackend());
    private readonly NpuSession _session;

    public TensorShapeTests() => _session = new NpuSession(_device);

    public void Dispose()
    {
        _session.Dispose();
        _device.Dispose();
    }

    [Theory]
    [InlineData(0, 5, "rows")]
    [InlineData(-3, 5, "rows")]
    [InlineData(5, 0, "cols")]
    [InlineData(5, -1, "cols")]
    [InlineData(int.MinValue, int.MinValue, "rows")]
    public void A_matrix_dimension_that_is_not_positive_is_named(int rows, int cols, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _session.CreateTensor<int>(rows, cols));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"A {rows}x{cols} tensor", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_vector_length_that_is_not_positive_is_named_length(int length)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _session.CreateTensor<int>(length));
        Assert.Equal("length", e.ParamName);
        Assert.Contains($"A [{length}] tensor", e.Message);
    }

    [Theory]
    [InlineData(1_000, 1_000_000, "cols", "4096000000 bytes")]          // 1,024 padded rows of 1e6 int
    [InlineData(1_000_000, 1_000, "rows", "4001792000 bytes")]          // 1,000,448 padded rows of 1,000 int
    [InlineData(int.MaxValue, int.MaxValue, "rows", "18446744065119617024 bytes")]   // past long: was an OverflowException
    public void A_matrix_over_2_GiB_names_the_larger_dimension_and_its_bytes(int rows, int cols, string parameter, string bytes)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _session.CreateTensor<int>(rows, cols));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"A {rows}x{cols} tensor of 4-byte elements needs {bytes}", e.Message);
    }

    [Fact]
    public void A_vector_over_2_GiB_names_length_and_its_bytes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _session.CreateTensor<long>(int.MaxValue));
        Assert.Equal("length", e.ParamName);
        Assert.Contains($"A [{int.MaxValue}] tensor of 8-byte elements needs 17179869184 bytes", e.Message);   // padded to 2^31 elements
    }

    [Fact]
    public void A_tensor_of_large_elements_is_refused_before_its_size_overflows()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _session.CreateTensor<Wide>(int.MaxValue, int.MaxValue));
        Assert.Equal("rows", e.ParamName);
        Assert.Contains($"A {int.MaxValue}x{int.MaxValue} tensor of 4096-byte elements", e.Message);
    }

    [System.Runtime.CompilerServices.InlineArray(512)]
    private struct Wide
    {
        private long _first;
    }
}
