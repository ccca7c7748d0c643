using System.Globalization;

namespace NpuSdk.Package.Tests;

/// <summary>
/// The samples a user runs first, run as built by this solution (on the emulator: the tests clear NPUSDK_BACKEND), and
/// what they print checked: the encoder layer matches its float32 reference in both modes, and the device-resident
/// mode moves only the layer's input and output.
/// </summary>
public sealed class SampleRunTests
{
    private static string Program(string sample) =>
        Path.Combine(Repository.Root, "samples", sample, "bin", Repository.Configuration, "net10.0", sample + ".dll");

    [Fact]
    public void The_whisper_encoder_layer_matches_float32_in_both_modes_under_both_profiles_and_keeps_its_intermediates_on_the_device()
    {
        var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(10), null, Program("WhisperEncoder"));
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string profile in new[] { "npu1", "npu4" })
        {
            Assert.Contains($"result ({profile}): span-based matches, device-resident matches", result.Stdout);
            // One layer: 1500 frames x 512 bf16 up once and down once, in two syncs; the span-based layer moves every
            // operator's operands both ways.
            var resident = Row(result.Stdout, profile, "device-resident");
            var spans = Row(result.Stdout, profile, "span-based");
            const long InputAndOutput = 2L * 1500 * 512 * 2;
            Assert.Equal(InputAndOutput, resident.Bytes);
            Assert.Equal(2, resident.Syncs);
            Assert.True(spans.Bytes > 10 * resident.Bytes, result.ToString());
            // In steady state neither mode opens a context: the span-based layer's 4 xclbins fit npu1's 6, the resident
            // layer's 9 designs share 6 xclbins, which fit too, and npu4's 16 hold both.
            Assert.Equal(0, spans.ContextsOpened);
            Assert.Equal(0, resident.ContextsOpened);
        }
    }

    [Fact]
    public void Under_a_budget_of_two_contexts_the_encoder_still_matches_and_says_what_the_reopened_contexts_cost()
    {
        var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["NPUSDK_MAX_CONTEXTS"] = "2" }, Program("WhisperEncoder"), "--device", "npu1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("result (npu1): span-based matches, device-resident matches", result.Stdout);
        Assert.Contains("2 hardware contexts at once", result.Stdout);
        var resident = Row(result.Stdout, "npu1", "device-resident");
        Assert.True(resident.ContextsOpened > 0, result.ToString());
        Assert.Contains("x 95 ms =", result.Stdout);
        Assert.Contains("so it runs more slowly", result.Stdout);
    }

    [Fact]
    public void The_quickstart_traced_shows_the_per_tile_loops_round_trips_against_the_generated_calls_one_submission()
    {
        string path = Path.Combine(Path.GetTempPath(), $"npusdk-quickstart-{Environment.ProcessId}.json");
        try
        {
            var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(5),
                new Dictionary<string, string> { ["NPUSDK_TRACE"] = path }, Program("Quickstart"));
            Assert.True(result.ExitCode == 0, result.ToString());
            using var trace = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            var spans = trace.RootElement.GetProperty("traceEvents").EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X")
                .Select(e => (Name: e.GetProperty("name").GetString()!, Pid: e.GetProperty("pid").GetInt32())).ToList();
            int Count(int pid, string name) => spans.Count(s => s.Pid == pid && s.Name == name);
            // The host, on the wall clock: 32,768 starts and waits of the per-tile loop, against the generated call's one
            // run-list submission and one wait (the call is made twice: once to build its plan, once timed).
            Assert.Equal(32_768, Count(1, "start run"));
            Assert.Equal(32_768, Count(1, "wait run"));
            Assert.Equal(2, Count(1, "execute run list"));
            Assert.Equal(2, Count(1, "wait run list"));
            Assert.Equal(2, Count(1, "QuickstartKernels.MatMul"));
            // The projected Phoenix, on its own tracks: both on one device timeline, every run of both drawn.
            int projected = spans.First(s => s.Name == "chain command").Pid;
            Assert.Equal(32_768, Count(projected, "start run"));
            Assert.Equal(2, Count(projected, "submit run list"));
            Assert.Equal(3 * 32_768, Count(projected, "run"));
            Assert.Equal(2 * 1_366, Count(projected, "chain command"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_whisper_encoder_refuses_bad_arguments_with_its_usage()
    {
        var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(2), null, Program("WhisperEncoder"), "--layers", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: WhisperEncoder [--layers N (1 to 32)]", result.Stderr);
    }

    // A row of the side-by-side table: │ profile │ mode │ runs │ submissions │ syncs │ bytes synced │ contexts opened │ ...
    [Fact]
    public void The_tiling_strategies_count_one_steady_call_per_row_on_every_backend_the_traced_case_included()
    {
        string folder = Directory.CreateTempSubdirectory("npusdk-tiling-").FullName;
        try
        {
            string output = Path.Combine(folder, "tiling.json");
            var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(10), null,
                Program("TilingStrategies"), "--quick", "--output", output);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output));
            var rows = json.RootElement.EnumerateArray().Select(r => (
                Case: r.GetProperty("case").GetString()!, Strategy: r.GetProperty("strategy").GetString()!, Backend: r.GetProperty("backend").GetString()!,
                Counts: (r.GetProperty("runs").GetInt64(), r.GetProperty("submissions").GetInt64(), r.GetProperty("waits").GetInt64(),
                    r.GetProperty("syncs").GetInt64(), r.GetProperty("bytes").GetInt64()))).ToArray();
            Assert.Contains(rows, r => r.Backend == "emulator");
            // A call's counts do not depend on the backend that made it.
            foreach (var same in rows.GroupBy(r => (r.Case, r.Strategy)))
                Assert.True(same.Select(r => r.Counts).Distinct().Count() == 1, $"{same.Key}: {string.Join("; ", same.Select(r => $"{r.Backend} {r.Counts}"))}");
            // The traced case (one more call, traced after the timed ones) counts one call: 128/16 blocks each way, 512 runs.
            var traced = rows.Where(r => r.Case == "128x128x128/int8/tile16").ToArray();
            Assert.Equal(3, traced.Select(r => r.Strategy).Distinct().Count());
            Assert.All(traced, r => Assert.Equal(8L * 8 * 8, r.Counts.Item1));
            Assert.True(Directory.EnumerateFiles(Path.Combine(folder, "traces"), "tiling-*.json").Count() == 3, result.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double Syncs, long Bytes, double ContextsOpened) Row(string stdout, string profile, string mode)
    {
        var line = stdout.Split('\n').Single(l => l.TrimStart().StartsWith($"│ {profile} ", StringComparison.Ordinal) && l.Contains($"│ {mode} ", StringComparison.Ordinal));
        var cells = line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (double.Parse(cells[4], CultureInfo.InvariantCulture), long.Parse(cells[5], NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            double.Parse(cells[6], CultureInfo.InvariantCulture));
    }
}
