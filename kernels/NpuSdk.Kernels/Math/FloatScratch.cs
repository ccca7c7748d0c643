using System.Buffers;

namespace NpuSdk.Kernels;

/// <summary>
/// Float32 working memory for one invocation, borrowed from <see cref="ArrayPool{T}.Shared"/> so that steady-state
/// invocations allocate nothing and concurrent invocations never share it.
/// </summary>
internal readonly struct FloatScratch : IDisposable
{
    private readonly float[] _array;

    public FloatScratch(int length)
    {
        _array = ArrayPool<float>.Shared.Rent(Math.Max(1, length));
        Length = length;
    }

    public int Length { get; }

    public Span<float> Span => _array.AsSpan(0, Length);

    public void Dispose() => ArrayPool<float>.Shared.Return(_array);
}
