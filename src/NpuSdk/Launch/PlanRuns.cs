using NpuSdk.Backends;
using NpuSdk.KernelModel;

namespace NpuSdk.Launch;

/// <summary>
/// A plan's runs, one per invocation, made on one kernel as one set (<see cref="IRunBatch"/>): what every run shares is
/// bound with one call for the set, a buffer cut into slots with one call for all its sub-buffers. The set belongs to
/// the kernel's context: the device closes it with that context when the cache evicts it.
/// </summary>
internal sealed class PlanRuns : IDisposable
{
    private readonly IRunBatch _batch;
    private int _subBuffers, _disposed;

    public PlanRuns(Kernel kernel, int count)
    {
        Kernel = kernel;
        _batch = RunBatches.Create(kernel.Handle, count);
    }

    /// <summary>The kernel the runs were made on.</summary>
    public Kernel Kernel { get; }

    public int Count => _batch.Count;

    /// <summary>Binds <paramref name="value"/> to a scalar argument of every run, as many bytes as the argument has.</summary>
    public void SetScalar(KernelArgumentInfo argument, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _batch.SetScalar(argument.Index, bytes[..(argument.Size == 4 ? 4 : 8)]);
    }

    /// <summary>Binds one buffer to an argument of every run.</summary>
    public void SetBuffer(int argIndex, Bo bo) => _batch.SetBuffer(argIndex, bo.Handle);

    /// <summary>Cuts <paramref name="parent"/> into <paramref name="slotCount"/> slots and binds run <c>i</c> to slot <c>slotOfRun[i]</c>.</summary>
    public void SetSlots(int argIndex, Bo parent, int slotBytes, int slotCount, int[] slotOfRun)
    {
        _batch.SetSlots(argIndex, parent.Handle, (ulong)slotBytes, slotCount, slotOfRun);
        _subBuffers += slotCount;
        Kernel.Device.Counters.AddSubBuffers(slotCount);
    }

    /// <summary>Binds run <c>i</c> to <c>buffers[bufferOfRun[i]]</c>.</summary>
    public void SetBuffers(int argIndex, Bo[] buffers, int[] bufferOfRun) =>
        _batch.SetBuffers(argIndex, Array.ConvertAll(buffers, b => b.Handle), bufferOfRun);

    /// <summary>Appends every run, in invocation order, to <paramref name="list"/>.</summary>
    public void AddTo(RunList list) => list.AddBatch(_batch);

    /// <summary>Releases the runs and the sub-buffers the set made. Safe to call twice, from the device and the plan.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _batch.Dispose();
        Kernel.Device.Counters.RemoveBuffers(_subBuffers);
    }
}
