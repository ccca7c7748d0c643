namespace NpuSdk.Launch;

/// <summary>The scalar operands of one call, as the bits bound to the kernel's scalar arguments: up to four, in parameter order.</summary>
internal struct ScalarSlots
{
    internal const int Capacity = 4;

    private ulong _x0, _x1, _x2, _x3;

    public int Count { get; private set; }

    public readonly ulong this[int i] => i switch
    {
        0 => _x0, 1 => _x1, 2 => _x2, 3 => _x3,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>These slots with one more scalar.</summary>
    /// <exception cref="ArgumentException">There are four already.</exception>
    public readonly ScalarSlots With(ulong bits)
    {
        if (Count == Capacity) throw new ArgumentException($"A kernel call takes at most {Capacity} scalar operands.");
        var next = this;
        switch (Count)
        {
            case 0: next._x0 = bits; break;
            case 1: next._x1 = bits; break;
            case 2: next._x2 = bits; break;
            default: next._x3 = bits; break;
        }
        next.Count++;
        return next;
    }
}
