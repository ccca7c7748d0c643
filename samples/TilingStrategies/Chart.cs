using ScottPlot;

namespace TilingStrategies;

/// <summary>
/// The table as a picture: for each case, each strategy's projected time (solid) and the host's time on the same backend
/// (light), on a logarithmic axis of milliseconds, since the cases span four orders of magnitude.
/// </summary>
internal static class Chart
{
    private static readonly (string Strategy, Color Color)[] Strategies =
    [
        ("per-tile", Color.FromHex("#d62728")),
        ("waves", Color.FromHex("#ff7f0e")),
        ("generated", Color.FromHex("#1f77b4")),
    ];

    /// <summary>Writes the chart of <paramref name="rows"/> (one backend's) as a PNG at <paramref name="path"/>.</summary>
    public static void Write(IReadOnlyList<Row> rows, string backend, string path)
    {
        var cases = rows.Select(r => r.Case).Distinct().ToList();
        var values = new List<(double Position, double Log, Color Color)>();
        for (int c = 0; c < cases.Count; c++)
        {
            for (int s = 0; s < Strategies.Length; s++)
            {
                var row = rows.FirstOrDefault(r => r.Case == cases[c] && r.Strategy == Strategies[s].Strategy);
                if (row is null) continue;
                double x = c * 8 + s * 2.2;
                foreach (var (value, position, alpha) in new[] { (row.ProjectedMs, x, 1.0), ((double?)row.HostMs, x + 1, 0.35) })
                    if (value is { } ms && ms > 0) values.Add((position, Math.Log10(ms), Strategies[s].Color.WithAlpha(alpha)));
            }
        }

        // A logarithmic axis by hand: the bars are log10(ms) from the decade below the smallest, the ticks say milliseconds.
        int from = (int)Math.Floor(values.Min(v => v.Log)), to = (int)Math.Ceiling(values.Max(v => v.Log));
        var plot = new Plot();
        plot.Add.Bars(values.Select(v => new Bar { Position = v.Position, Value = v.Log, ValueBase = from, FillColor = v.Color, LineWidth = 0 }).ToList());
        var decades = Enumerable.Range(from, to - from + 1).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            decades.Select(d => (double)d).ToArray(), decades.Select(d => d >= 0 ? $"{Math.Pow(10, d):N0} ms" : $"{Math.Pow(10, d):0.###} ms").ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            cases.Select((_, c) => c * 8 + 2.7).ToArray(), cases.Select(c => c.Replace("/int8/", "\n")).ToArray());
        plot.Axes.SetLimitsY(from, to + 0.3);
        plot.Axes.SetLimitsX(-1.5, cases.Count * 8 - 1.5);

        plot.Title($"The original port's int8 matmul, per call: projected {Model(rows)} (solid) and host time on the {backend} (light)");
        plot.Axes.Left.Label.Text = "time per call (log scale)";
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        foreach (var (strategy, color) in Strategies)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = strategy, FillColor = color });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "light: host ms", FillColor = Colors.Gray.WithAlpha(0.35) });

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1400, 650);
    }

    private static string Model(IReadOnlyList<Row> rows) => rows.Any(r => r.ProjectedMs is not null) ? "Phoenix time (LatencyModel.Phoenix)" : "time";
}
