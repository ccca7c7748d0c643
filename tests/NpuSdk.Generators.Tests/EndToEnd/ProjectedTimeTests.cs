using NpuSdk.Emulation;
using Xunit.Abstractions;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// The emulator's Phoenix latency model (published per-run, per-sync and compute figures) applied to the
/// same 512-cube int8 matmul done by the generated method and by the per-tile baseline. Modelled time,
/// not wall-clock time: it depends only on the operations each approach issues.
/// </summary>
public sealed class ProjectedTimeTests(ITestOutputHelper output)
{
    [Fact]
    public void GeneratedPlanIsProjectedFasterThanThePerTileLoopOnPhoenix()
    {
        const int S = 512;
        var a = MatMulReference.Random(S * S, seed: 1);
        var b = MatMulReference.Random(S * S, seed: 2);
        var backend = new EmulatorBackend(new EmulatorOptions { Latency = LatencyModel.Phoenix });

        TimeSpan generated;
        using (var device = Device.Open(backend))
        using (var session = new NpuSession(device))
        {
            var c = new sbyte[S * S];
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, S, S), new ReadOnlySpan2D<sbyte>(b, S, S), new Span2D<sbyte>(c, S, S));
            var first = device.ProjectedTime!.Value;
            GeneratedKernels.MatMul(session, new ReadOnlySpan2D<sbyte>(a, S, S), new ReadOnlySpan2D<sbyte>(b, S, S), new Span2D<sbyte>(c, S, S));
            generated = device.ProjectedTime!.Value - first;
        }

        TimeSpan perTile;
        using (var device = Device.Open(backend))
        using (var baseline = new PerTileBaseline(device, AppContext.BaseDirectory))
        {
            var before = device.ProjectedTime!.Value;
            baseline.MatMul(a, b, new sbyte[S * S], S, S, S);
            perTile = device.ProjectedTime!.Value - before;
        }

        output.WriteLine($"Phoenix model, 512x512x512 int8, 32,768 runs: generated {generated.TotalMilliseconds:F1} ms per call, per-tile {perTile.TotalMilliseconds:F1} ms ({perTile / generated:F2}x)");
        Assert.True(generated < perTile, $"generated {generated} is not below per-tile {perTile}");
    }
}
