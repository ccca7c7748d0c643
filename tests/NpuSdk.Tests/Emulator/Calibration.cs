using NpuSdk.Emulation;
using Xunit.Abstractions;

namespace NpuSdk.Tests.Emulator;

/// <summary>What the Phoenix and Strix calibrations share: a published workload, its replay, the tolerance and the fit.</summary>
internal static class Calibration
{
    /// <summary>The calibration's tolerance: a projection within ±25% of what was measured.</summary>
    public const double Tolerance = 0.25;

    /// <summary>One published measurement: what was run, where it was published, the figure (a range when the source gives one), and its replay.</summary>
    public sealed record Workload(string Name, string Source, double PublishedLow, double PublishedHigh, Func<LatencyModel, double> Replay)
    {
        public override string ToString() => Name;

        /// <summary>How far <paramref name="projected"/> is from the published figure, relative to the nearest end of its range (0 inside it).</summary>
        public double Error(double projected) =>
            projected < PublishedLow ? projected / PublishedLow - 1 : projected > PublishedHigh ? projected / PublishedHigh - 1 : 0;
    }

    /// <summary>Replays <paramref name="w"/> on <paramref name="model"/> and fails unless it lands within <see cref="Tolerance"/> of the published figure.</summary>
    public static void AssertWithinTolerance(Workload w, LatencyModel model, ITestOutputHelper output)
    {
        double projected = w.Replay(model);
        double error = w.Error(projected);
        output.WriteLine($"{w.Name}: projected {projected * 1e3:F4} ms, published {Published(w)} ({w.Source}), error {error:+0.0%;-0.0%;0%}");
        Assert.True(Math.Abs(error) <= Tolerance, $"{w.Name}: projected {projected * 1e3:F4} ms is {error:+0.0%;-0.0%} from the published {Published(w)} ({w.Source}); the calibration allows ±{Tolerance:0%}.");
    }

    private static string Published(Workload w) =>
        w.PublishedLow == w.PublishedHigh ? $"{w.PublishedLow * 1e3:G5} ms" : $"{w.PublishedLow * 1e3:G4}–{w.PublishedHigh * 1e3:G4} ms";

    /// <summary>Seconds <paramref name="work"/> takes on a fresh timeline of <paramref name="m"/>.</summary>
    public static double Timed(LatencyModel m, Action<ProjectedTimeline> work)
    {
        var t = new ProjectedTimeline(m);
        work(t);
        return t.Seconds;
    }

    /// <summary><paramref name="runs"/> runs, each submitted alone and waited on.</summary>
    public static double LoneRuns(LatencyModel m, int runs) => Timed(m, t =>
    {
        for (int i = 0; i < runs; i++) t.Wait(t.Submit(1, 0, chained: false));
    });

    /// <summary>One run list of <paramref name="runs"/> runs, submitted and waited on once.</summary>
    public static double Chain(LatencyModel m, int runs) => Timed(m, t => t.Wait(t.Submit(runs, 0, chained: true)));

    /// <summary>The minimum of <paramref name="f"/> between <paramref name="low"/> and <paramref name="high"/> (golden-section search).</summary>
    public static double GoldenSection(Func<double, double> f, double low, double high)
    {
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double x1 = high - ratio * (high - low), x2 = low + ratio * (high - low);
        double f1 = f(x1), f2 = f(x2);
        while (high - low > 1e-6)
        {
            if (f1 < f2) { high = x2; x2 = x1; f2 = f1; x1 = high - ratio * (high - low); f1 = f(x1); }
            else { low = x1; x1 = x2; f1 = f2; x2 = low + ratio * (high - low); f2 = f(x2); }
        }
        return (low + high) / 2;
    }
}
