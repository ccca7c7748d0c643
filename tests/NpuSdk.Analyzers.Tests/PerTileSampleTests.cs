using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>
/// The samples/PerTileStyle project as it is in the repository: its per-tile lines are reported, and applying
/// the offered fixes one after another leaves code that compiles with no NPU diagnostic but the one without a fix:
/// the layer loop calls the matmul, which allocates its buffers on every call (in another class, so no fix moves them).
/// </summary>
public class PerTileSampleTests
{
    [Fact]
    public async Task SampleWarnsAndTheFixesRemoveEveryWarning()
    {
        var (before, fixedFiles, fixedCompilation) = await NpuVerifier.FixEverythingAsync(Repository.PerTileSampleFiles(), OutputKind.ConsoleApplication);

        var ids = before.Select(d => d.Id).Order().ToList();
        Assert.Equal(new[] { "NPU2001", "NPU2002", "NPU2002", "NPU2003", "NPU2005", "NPU2005", "NPU2005", "NPU2005", "NPU2007" }, ids);
        var perCall = Assert.Single(before, d => d.Id == "NPU2003");
        Assert.Equal("Program.cs", perCall.Location.SourceTree!.FilePath);
        Assert.Contains("'PerTileMatMul.MatMul'", perCall.GetMessage());
        NpuVerifier.AssertCompiles(fixedCompilation);
        var after = await NpuVerifier.AnalyzeAsync(fixedCompilation);
        Assert.True(after.Length == 1 && after[0].Id == "NPU2003", string.Join("\n", after) + "\n" + string.Join("\n---\n", fixedFiles.Values));
        // The launches now stay in flight and each buffer moves once per direction.
        var matmul = fixedFiles["PerTileMatMul.cs"];
        Assert.Contains("startedRuns.Add(run);", matmul);
        Assert.Contains("input.Sync(SyncDirection.ToDevice);", matmul);
        Assert.Contains("output.Sync(SyncDirection.FromDevice);", matmul);
    }
}
