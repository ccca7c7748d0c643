using System.Text;
using BenchmarkDotNet.Attributes;
using NpuSdk.Xclbin;

namespace NpuSdk.Benchmarks.Xclbin;

/// <summary>
/// What loading a kernel costs on the host before any NPU work: parsing an mlir-aie xclbin (done once per
/// compilation by the generator and once per process by the runtime) and an instruction stream in its text
/// and binary forms. The baseline is the binary stream, the cheapest form of the same words.
/// </summary>
[MemoryDiagnoser]
public class XclbinLoadBenchmarks
{
    private byte[] _xclbin = [];
    private byte[] _instructionsText = [];
    private byte[] _instructionsBinary = [];
    private readonly XclbinSpec _spec = XclbinSpec.MlirAie(5, uuidSeed: "bench");

    /// <summary>Words in the instruction stream (a typical matmul sequence is a few hundred to a few thousand).</summary>
    [Params(1024)]
    public int Words { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _xclbin = XclbinWriter.Write(_spec);
        var words = Enumerable.Range(0, Words).Select(i => unchecked((uint)(i * 2654435761u))).ToArray();
        _instructionsText = Encoding.ASCII.GetBytes(string.Join("\n", words.Select(w => w.ToString("x8"))) + "\n");
        _instructionsBinary = words.SelectMany(BitConverter.GetBytes).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int InstructionsBinary() => InstructionStream.Parse(_instructionsBinary, InstructionFileFormat.Binary).WordCount;

    [Benchmark]
    public int InstructionsText() => InstructionStream.Parse(_instructionsText, InstructionFileFormat.Text).WordCount;

    [Benchmark]
    public int ReadXclbin() => XclbinFile.Read(_xclbin).Kernels[0].Arguments.Count;

    [Benchmark]
    public int WriteXclbin() => XclbinWriter.Write(_spec).Length;
}
