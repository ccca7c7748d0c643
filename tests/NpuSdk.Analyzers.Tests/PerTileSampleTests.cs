using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>
/// The samples/PerTileStyle project as it is in the repository: its per-tile lines are reported, and applying
/// the offered fixes one after another leaves code that compiles with no NPU diagnostic at all.
/// </summary>
public class PerTileSampleTests
{
    [Fact]
    public async Task SampleWarnsAndTheFixesRemoveEveryWarning()
    {
        var (before, fixedFiles, fixedCompilation) = await NpuVerifier.FixEverythingAsync(Repository.PerTileSampleFiles(), OutputKind.ConsoleApplication);

        var ids = before.Select(d => d.Id).Order().ToList();
        Assert.Equal(new[] { "NPU2001", "NPU2002", "NPU2002", "NPU2005", "NPU2005", "NPU2005", "NPU2005", "NPU2007" }, ids);
        NpuVerifier.AssertCompiles(fixedCompilation);
        var after = await NpuVerifier.AnalyzeAsync(fixedCompilation);
        Assert.True(after.IsEmpty, string.Join("\n", after) + "\n" + string.Join("\n---\n", fixedFiles.Values));
        // The launches now stay in flight and each buffer moves once per direction.
        var matmul = fixedFiles["PerTileMatMul.cs"];
        Assert.Contains("startedRuns.Add(run);", matmul);
        Assert.Contains("input.Sync(SyncDirection.ToDevice);", matmul);
        Assert.Contains("output.Sync(SyncDirection.FromDevice);", matmul);
    }
}
