namespace NpuSdk.Launch;

/// <summary>
/// The launch plan of an elementwise kernel: invocation i maps elements [i·Tile, (i+1)·Tile) of every
/// input to the same range of every output. The parents are contiguous, so packing is one copy per
/// input and the last slot's tail is zero-padded.
/// </summary>
public sealed class ElementwisePlan<T> : LaunchPlan where T : unmanaged
{
    private readonly int _inputs;

    internal ElementwisePlan(LoadedKernel kernel, int length, int tile, int inputs, int outputs)
        : base(kernel, checked((length + tile - 1) / tile), SlotBytes(tile, inputs + outputs), inputs)
    {
        Length = length;
        _inputs = inputs;
    }

    /// <summary>Elements per buffer.</summary>
    public int Length { get; }

    private static ReadOnlySpan<int> SlotBytes(int tile, int buffers)
    {
        var bytes = new int[buffers];
        bytes.AsSpan().Fill(tile * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return bytes;
    }

    /// <summary>Copies input <paramref name="input"/> into its parent buffer and zeroes the padding.</summary>
    public void Pack(int input, ReadOnlySpan<T> source)
    {
        var parent = Parent<T>(input);
        source.CopyTo(parent);
        parent[source.Length..].Clear();
    }

    /// <summary>Copies output <paramref name="output"/> out of its parent buffer.</summary>
    public void Unpack(int output, Span<T> destination) => Parent<T>(_inputs + output)[..Length].CopyTo(destination);
}
