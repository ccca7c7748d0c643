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
    public void The_whisper_encoder_layer_matches_float32_in_both_modes_and_keeps_its_intermediates_on_the_device()
    {
        var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(10), null, Program("WhisperEncoder"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("result: span-based matches, device-resident matches", result.Stdout);

        // One layer: 1500 frames x 512 bf16 up once and down once, in two syncs; the span-based layer moves every
        // operator's operands both ways.
        var resident = Row(result.Stdout, "device-resident");
        var spans = Row(result.Stdout, "span-based");
        const long InputAndOutput = 2L * 1500 * 512 * 2;
        Assert.Equal(InputAndOutput, resident.Bytes);
        Assert.Equal(2, resident.Syncs);
        Assert.True(spans.Bytes > 10 * resident.Bytes, result.ToString());
    }

    [Fact]
    public void The_whisper_encoder_refuses_bad_arguments_with_its_usage()
    {
        var result = DotnetProcess.Start(DotnetProcess.Dotnet, Repository.Root, TimeSpan.FromMinutes(2), null, Program("WhisperEncoder"), "--layers", "0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: WhisperEncoder [--layers N (1 to 32)]", result.Stderr);
    }

    // A row of the side-by-side table: │ mode │ runs │ submissions │ syncs │ bytes synced │ host ms │ Phoenix ms │ ...
    private static (double Syncs, long Bytes) Row(string stdout, string mode)
    {
        var line = stdout.Split('\n').Single(l => l.TrimStart().StartsWith($"│ {mode} ", StringComparison.Ordinal));
        var cells = line.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return (double.Parse(cells[3], CultureInfo.InvariantCulture), long.Parse(cells[4], NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }
}
