using System.Buffers;
using System.Runtime.InteropServices;

namespace NpuSdk.Testing;

/// <summary>
/// Memory that claims <see cref="Length"/> elements over a native block of 64 bytes, so the runtime's refusal of an
/// operand past 2 GiB can be tested without allocating 2 GiB. Hand it only to code that refuses it from its length
/// before touching it: nothing past the block may be read or written. Counts its pins, so a test can check that a
/// refused call leaves none behind.
/// </summary>
internal sealed unsafe class PhantomMemory<T> : MemoryManager<T> where T : unmanaged
{
    private readonly void* _block = NativeMemory.AllocZeroed(64);

    public PhantomMemory(int length) => Length = length;

    /// <summary>The elements the memory claims.</summary>
    public int Length { get; }

    /// <summary>Pins taken and not yet released.</summary>
    public int Pinned { get; private set; }

    /// <summary>The claimed elements as a span (only the first 64 bytes exist).</summary>
    public Span<T> Span => new(_block, Length);

    public override Span<T> GetSpan() => Span;

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        Pinned++;
        return new MemoryHandle(_block, default, this);
    }

    public override void Unpin() => Pinned--;

    protected override void Dispose(bool disposing) => NativeMemory.Free(_block);
}
