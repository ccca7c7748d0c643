using BenchmarkDotNet.Attributes;
using NpuSdk.Emulation;
using NpuSdk.Kernels;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;
using NpuSdk.Launch;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// A launch plan packing the 512-cube product's inputs into its mapped buffers (every distinct block once, row by row;
/// for the 16x16 kernel each run's slot holds its A and B tiles, 16 MiB in all) against a plain span copy of as many
/// bytes. Issue 12's target: packing at least half the plain copy's speed (a ratio of at most 2).
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*Packing*'
/// </summary>
[MemoryDiagnoser]
[InProcessShortRun]
public class PackingBenchmarks
{
    private Device _device = null!;
    private NpuSession _session = null!;
    private BlockPlan _plan = null!;
    private sbyte[] _a = null!, _b = null!;
    private Array _c = null!;
    private byte[] _source = null!, _destination = null!;

    [Params(ProofDesigns.Tile16, ProofDesigns.WholeArray)]
    public string Design { get; set; } = ProofDesigns.Tile16;

    /// <summary>Bytes the plan packs per call: its input buffers.</summary>
    public long PackedBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _device = Device.Open(new EmulatorBackend());
        _session = new NpuSession(_device);
        (_a, _b) = ProofDesigns.Inputs();
        _c = ProofDesigns.Output(Design);
        string name = ProofDesigns.Library(Design);
        var manifest = KernelLibrary.Manifest(name);
        var output = Design == ProofDesigns.Tile16 ? ElementType.Int8 : ElementType.Int32;
        var descriptor = NpuKernelDescriptor.For(name, NpuSdk.Xclbin.XclbinFile.ReadFile(Path.Combine(AppContext.BaseDirectory, name + ".xclbin")), name + ".xclbin", manifest, name + ".insts.txt",
            [ElementType.Int8, ElementType.Int8, output], 10_000);
        var binding = descriptor.Binding;
        var shapes = new CallShapes();
        for (int i = 0; i < 3; i++) shapes.Add(ProofDesigns.Size, ProofDesigns.Size);
        var lease = _session.GetKernel(binding).Acquire(binding.Descriptor.Timeout);
        _plan = (BlockPlan)_session.Rent(binding, binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames), tensors: false, lease);
        long before = _device.Counters.BytesToDevice;
        _plan.SyncInputs();
        PackedBytes = _device.Counters.BytesToDevice - before;
        _source = new byte[PackedBytes];
        _destination = new byte[PackedBytes];
        new Random(3).NextBytes(_source);
        Pack();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Return(_plan);
        _session.Dispose();
        _device.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain span copy of the packed bytes")]
    public void PlainCopy() => _source.AsSpan().CopyTo(_destination);

    [Benchmark(Description = "plan packs A and B")]
    public void Pack()
    {
        var operands = NpuOperands.Create().In(new ReadOnlySpan2D<sbyte>(_a, ProofDesigns.Size, ProofDesigns.Size)).In(new ReadOnlySpan2D<sbyte>(_b, ProofDesigns.Size, ProofDesigns.Size));
        _plan.Pack(_c is sbyte[] c8 ? operands.Out(new Span2D<sbyte>(c8, ProofDesigns.Size, ProofDesigns.Size)) : operands.Out(new Span2D<int>((int[])_c, ProofDesigns.Size, ProofDesigns.Size)));
    }
}
