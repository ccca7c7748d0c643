using BenchmarkDotNet.Attributes;

namespace NpuSdk.Benchmarks.Native;

/// <summary>
/// One call of the original port's 512x512x512 matmul at 16x16 tiles (32,768 invocations) on XRT's no-op
/// device: a cached plan (runs bound once over sub-buffers of one input and one output allocation)
/// executed as a run list, against the per-tile loop that starts one run and waits on it each time.
/// </summary>
[MemoryDiagnoser]
[InProcess]
public class RunListBenchmarks
{
    private const int Invocations = 32_768;
    private const int T = 16;
    private NoopXrtSetup _xrt = null!;
    private RunList _plan = null!;
    private Run _single = null!;

    [GlobalSetup]
    public void Setup()
    {
        _xrt = new NoopXrtSetup();
        var inputs = new Bo(_xrt.Device, (ulong)Invocations * 2 * T * T, BoFlags.HostOnly, _xrt.Kernel.GroupId(3));
        var outputs = new Bo(_xrt.Device, (ulong)Invocations * T * T, BoFlags.HostOnly, _xrt.Kernel.GroupId(4));
        _plan = new RunList(_xrt.Context);
        for (int i = 0; i < Invocations; i++)
            _plan.Add(_xrt.BoundRun(new Bo(inputs, 2 * T * T, (ulong)i * 2 * T * T), new Bo(outputs, T * T, (ulong)i * T * T)));
        _single = _xrt.BoundRun(new Bo(inputs, 2 * T * T, 0), new Bo(outputs, T * T, 0));
    }

    [Benchmark(Baseline = true, Description = "32,768 x (start; wait)")]
    public CommandState PerTileStartWait()
    {
        var state = CommandState.Completed;
        for (int i = 0; i < Invocations && state == CommandState.Completed; i++)
        {
            _single.Start();
            state = _single.Wait();
        }
        return state == CommandState.Completed ? state : throw new InvalidOperationException($"A run ended in {state}.");
    }

    [Benchmark(Description = "cached plan: run list of 32,768, execute; wait")]
    public CommandState CachedPlanRunList()
    {
        _plan.Execute();
        var state = _plan.Wait(TimeSpan.FromMinutes(5));
        return state == CommandState.Completed ? state : throw new InvalidOperationException($"The run list ended in {state}.");
    }

    [GlobalCleanup]
    public void Cleanup() => _xrt.Dispose();
}
