using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>
/// BenchmarkDotNet's short run (3 warm-ups, 3 iterations), in this process: building a separate benchmark process takes
/// longer than BenchmarkDotNet's build timeout on the shared 2-core build machine, and the ratios are measured side by
/// side either way.
/// </summary>
public sealed class InProcessShortRunAttribute : Attribute, IConfigSource
{
    public IConfig Config { get; } = ManualConfig.CreateEmpty().AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
}

/// <summary>2 warm-ups and 8 iterations, in this process (see <see cref="InProcessShortRunAttribute"/>).</summary>
public sealed class InProcessEightIterationsAttribute : Attribute, IConfigSource
{
    public IConfig Config { get; } = ManualConfig.CreateEmpty().AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(8).WithToolchain(InProcessEmitToolchain.Instance));
}
