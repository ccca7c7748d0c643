using System.Reflection;
using BenchmarkDotNet.Attributes;
using NpuSdk.Backends.Xrt;
using NpuSdk.Benchmarks.Native;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// A program's first call, from nothing, on XRT's no-op device: open the device, read and load the xclbin, open its
/// context and kernel, write the instructions, build the plan (buffers, sub-buffers, one run per invocation, the run
/// list), make one call, and close everything, against the hand-written C++ doing the same setup and call over XRT
/// (HandWritten/handwritten_matmul.cpp: hw_open, hw_matmul, hw_close; its instruction file read here, as a host program
/// reads it). The generated call's side starts from a new descriptor with the generated one's design, so the binding
/// (the design's manifest built, the parameters checked, the uuid compared) is made in every iteration, as in a new
/// process. The no-op device completes runs at once: the ratio is the host's setup cost (issue 20's target: at most 1.2).
/// Run: dotnet run -c Release --project tests/NpuSdk.Benchmarks -- --filter '*FirstCall*'
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class FirstCallBenchmarks
{
    private sbyte[] _a = null!, _b = null!;
    private Array _c = null!, _cHand = null!;
    private NpuKernelDescriptor _generated = null!;
    private string _xclbin = "", _instructions = "";

    [Params(ProofDesigns.Tile16, ProofDesigns.WholeArray)]
    public string Design { get; set; } = ProofDesigns.Tile16;

    [GlobalSetup]
    public void Setup()
    {
        NoopXrtSetup.PrepareEnvironment();
        (_a, _b) = ProofDesigns.Inputs();
        (_c, _cHand) = (ProofDesigns.Output(Design), ProofDesigns.Output(Design));
        string name = ProofDesigns.Library(Design);
        _xclbin = Path.Combine(AppContext.BaseDirectory, name + ".xclbin");
        _instructions = Path.Combine(AppContext.BaseDirectory, name + ".insts.txt");
        // The descriptor the generator wrote for ProofDesigns' method of this design.
        _generated = typeof(ProofDesigns).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(NpuKernelDescriptor))
            .Select(f => (NpuKernelDescriptor)f.GetValue(null)!)
            .Single(d => d.Design.Name == name);
    }

    [Benchmark(Baseline = true, Description = "hand-written C++ over XRT: setup, one call, close")]
    public void HandWrittenCpp()
    {
        const int S = ProofDesigns.Size;
        var words = InstructionStream.LoadFile(_instructions).ToArray();
        nint state = Design == ProofDesigns.Tile16
            ? HandWrittenXrt.Open(_xclbin, words, 16, 16, 16, packed: true, outSize: 1, S, S, S)
            : HandWrittenXrt.Open(_xclbin, words, S, S, S, packed: false, outSize: 4, S, S, S);
        try
        {
            HandWrittenXrt.MatMul(state, _a, _b, _cHand);
        }
        finally
        {
            HandWrittenXrt.Close(state);
        }
    }

    [Benchmark(Description = "generated [NpuKernel] call: open, load, bind, plan, one call, close")]
    public void Generated()
    {
        var d = _generated;
        var descriptor = new NpuKernelDescriptor(d.Method, d.XclbinPath, d.XclbinUuid, d.InstructionsPath, d.Design, d.Parameters.ToArray(), d.TimeoutMilliseconds);
        using var device = Device.Open(XrtBackend.Open());
        using var session = new NpuSession(device);
        const int S = ProofDesigns.Size;
        var operands = NpuOperands.Create().In(new ReadOnlySpan2D<sbyte>(_a, S, S), "a").In(new ReadOnlySpan2D<sbyte>(_b, S, S), "b");
        if (_c is sbyte[] c8) NpuLaunch.Invoke(session, descriptor, operands.Out(new Span2D<sbyte>(c8, S, S), "c"));
        else NpuLaunch.Invoke(session, descriptor, operands.Out(new Span2D<int>((int[])_c, S, S), "c"));
    }
}
