using System.Numerics;
using System.Runtime.InteropServices;

namespace NpuSdk.Launch;

/// <summary>
/// How the host combines a kernel's partial blocks over K and converts the sum to the method's element
/// type. Implementations are vectorized and allocate nothing.
/// </summary>
public interface IHostAccumulation<TPart, TAcc, TOut>
{
    /// <summary>Adds one partial block into the accumulator, element by element.</summary>
    static abstract void Accumulate(ReadOnlySpan<TPart> partial, Span<TAcc> accumulator);

    /// <summary>Converts accumulated values to the output type.</summary>
    static abstract void Store(ReadOnlySpan<TAcc> accumulator, Span<TOut> destination);
}

/// <summary>int8 partials summed in int32, saturated to int8 at the end (the original port's rule).</summary>
public readonly struct Int8PartialsToInt8 : IHostAccumulation<sbyte, int, sbyte>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<sbyte> partial, Span<int> accumulator) => Int8Widening.Add(partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<int> accumulator, Span<sbyte> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lo = new Vector<int>(sbyte.MinValue);
            var hi = new Vector<int>(sbyte.MaxValue);
            int w = Vector<int>.Count;
            for (; i <= accumulator.Length - 4 * w; i += 4 * w)
            {
                var a = Vector.Min(Vector.Max(new Vector<int>(accumulator[i..]), lo), hi);
                var b = Vector.Min(Vector.Max(new Vector<int>(accumulator[(i + w)..]), lo), hi);
                var c = Vector.Min(Vector.Max(new Vector<int>(accumulator[(i + 2 * w)..]), lo), hi);
                var d = Vector.Min(Vector.Max(new Vector<int>(accumulator[(i + 3 * w)..]), lo), hi);
                Vector.Narrow(Vector.Narrow(a, b), Vector.Narrow(c, d)).CopyTo(destination[i..]);
            }
        }
        for (; i < accumulator.Length; i++) destination[i] = (sbyte)Math.Clamp(accumulator[i], sbyte.MinValue, sbyte.MaxValue);
    }
}

/// <summary>int8 partials summed in int32, returned as int32.</summary>
public readonly struct Int8PartialsToInt32 : IHostAccumulation<sbyte, int, int>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<sbyte> partial, Span<int> accumulator) => Int8Widening.Add(partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<int> accumulator, Span<int> destination) => accumulator.CopyTo(destination);
}

/// <summary>bf16 partials summed in float, returned as float.</summary>
public readonly struct BFloat16PartialsToSingle : IHostAccumulation<BFloat16, float, float>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<BFloat16> partial, Span<float> accumulator) => BFloat16Widening.Add(partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<float> accumulator, Span<float> destination) => accumulator.CopyTo(destination);
}

/// <summary>bf16 partials summed in float, rounded to bf16 (nearest, ties to even) at the end.</summary>
public readonly struct BFloat16PartialsToBFloat16 : IHostAccumulation<BFloat16, float, BFloat16>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<BFloat16> partial, Span<float> accumulator) => BFloat16Widening.Add(partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<float> accumulator, Span<BFloat16> destination)
    {
        for (int i = 0; i < accumulator.Length; i++) destination[i] = BFloat16.FromSingle(accumulator[i]);
    }
}

internal static class Int8Widening
{
    internal static void Add(ReadOnlySpan<sbyte> partial, Span<int> accumulator)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<int>.Count;
            for (; i <= partial.Length - Vector<sbyte>.Count; i += Vector<sbyte>.Count)
            {
                Vector.Widen(new Vector<sbyte>(partial[i..]), out Vector<short> s0, out Vector<short> s1);
                Vector.Widen(s0, out Vector<int> a, out Vector<int> b);
                Vector.Widen(s1, out Vector<int> c, out Vector<int> d);
                (new Vector<int>(accumulator[i..]) + a).CopyTo(accumulator[i..]);
                (new Vector<int>(accumulator[(i + w)..]) + b).CopyTo(accumulator[(i + w)..]);
                (new Vector<int>(accumulator[(i + 2 * w)..]) + c).CopyTo(accumulator[(i + 2 * w)..]);
                (new Vector<int>(accumulator[(i + 3 * w)..]) + d).CopyTo(accumulator[(i + 3 * w)..]);
            }
        }
        for (; i < partial.Length; i++) accumulator[i] += partial[i];
    }
}

internal static class BFloat16Widening
{
    internal static void Add(ReadOnlySpan<BFloat16> partial, Span<float> accumulator)
    {
        var bits = MemoryMarshal.Cast<BFloat16, ushort>(partial);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<uint>.Count;
            for (; i <= bits.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                // A bf16 is the top half of a binary32: widening and shifting left by 16 gives the float exactly.
                Vector.Widen(new Vector<ushort>(bits[i..]), out Vector<uint> lo, out Vector<uint> hi);
                (new Vector<float>(accumulator[i..]) + Vector.AsVectorSingle(lo << 16)).CopyTo(accumulator[i..]);
                (new Vector<float>(accumulator[(i + w)..]) + Vector.AsVectorSingle(hi << 16)).CopyTo(accumulator[(i + w)..]);
            }
        }
        for (; i < bits.Length; i++) accumulator[i] += BitConverter.UInt32BitsToSingle((uint)bits[i] << 16);
    }
}

/// <summary>float partials (a bf16 kernel that returns its float sums) added in float, returned as float.</summary>
public readonly struct SinglePartialsToSingle : IHostAccumulation<float, float, float>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<float> partial, Span<float> accumulator) =>
        System.Numerics.Tensors.TensorPrimitives.Add(accumulator, partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<float> accumulator, Span<float> destination) => accumulator.CopyTo(destination);
}

/// <summary>float partials added in float, rounded to bf16 (nearest, ties to even) at the end.</summary>
public readonly struct SinglePartialsToBFloat16 : IHostAccumulation<float, float, BFloat16>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<float> partial, Span<float> accumulator) =>
        System.Numerics.Tensors.TensorPrimitives.Add(accumulator, partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<float> accumulator, Span<BFloat16> destination) =>
        BFloat16PartialsToBFloat16.Store(accumulator, destination);
}

/// <summary>int32 sums accumulated on the device (K-strip kernels), returned as int32.</summary>
public readonly struct Int32SumsToInt32 : IHostAccumulation<int, int, int>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<int> partial, Span<int> accumulator) =>
        System.Numerics.Tensors.TensorPrimitives.Add(accumulator, partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<int> accumulator, Span<int> destination) => accumulator.CopyTo(destination);
}

/// <summary>int32 sums accumulated on the device (K-strip kernels), saturated to int8.</summary>
public readonly struct Int32SumsToInt8 : IHostAccumulation<int, int, sbyte>
{
    /// <inheritdoc />
    public static void Accumulate(ReadOnlySpan<int> partial, Span<int> accumulator) =>
        System.Numerics.Tensors.TensorPrimitives.Add(accumulator, partial, accumulator);

    /// <inheritdoc />
    public static void Store(ReadOnlySpan<int> accumulator, Span<sbyte> destination) => Int8PartialsToInt8.Store(accumulator, destination);
}
