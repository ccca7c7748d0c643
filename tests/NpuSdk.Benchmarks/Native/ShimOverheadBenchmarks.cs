using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace NpuSdk.Benchmarks.Native;

/// <summary>
/// Host cost of one run (start + wait) on XRT's no-op device: through NpuSdk and libnpusdk_xrt, against
/// the same loop made directly from C++ on the same device. The device completes runs at once, so the
/// figures are the host's own cost. In process: the no-op device is set up through this process's environment.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class ShimOverheadBenchmarks
{
    private const int RunsPerInvoke = 1000;
    private NoopXrtSetup _xrt = null!;
    private Run _run = null!;
    private nint _direct;

    [GlobalSetup]
    public void Setup()
    {
        _xrt = new NoopXrtSetup();
        var input = new Bo(_xrt.Device, 512, BoFlags.HostOnly, _xrt.Kernel.GroupId(3));
        var output = new Bo(_xrt.Device, 256, BoFlags.HostOnly, _xrt.Kernel.GroupId(4));
        _run = _xrt.BoundRun(input, output);
        _direct = DirectXrt.Open(_xrt.XclbinPath, _xrt.Emulation.KernelName, dataBuffers: 2);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RunsPerInvoke, Description = "start+wait, C++ direct")]
    public int DirectCpp()
    {
        int completed = DirectXrt.StartWait(_direct, RunsPerInvoke);
        return completed == RunsPerInvoke ? completed : throw new InvalidOperationException($"{completed} of {RunsPerInvoke} runs completed.");
    }

    [Benchmark(OperationsPerInvoke = RunsPerInvoke, Description = "start+wait, NpuSdk via shim")]
    public int ThroughShim()
    {
        int completed = 0;
        for (int i = 0; i < RunsPerInvoke; i++)
        {
            _run.Start();
            if (_run.Wait() == CommandState.Completed) completed++;
        }
        return completed == RunsPerInvoke ? completed : throw new InvalidOperationException($"{completed} of {RunsPerInvoke} runs completed.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        DirectXrt.Close(_direct);
        _xrt.Dispose();
    }
}
