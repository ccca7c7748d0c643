using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.NewStyles;

/// <summary>
/// Issue 21, asynchronous per-tile helpers and launches collected per tile: an async tile loop awaiting a helper that
/// syncs, starts a run and awaits Task.Run(() => run.Wait(...)) is a tile loop (awaiting its own NPU work receives no
/// input), so NPU2001, NPU2002, NPU2004 and NPU2007 all apply; launches collected into a list per tile (LINQ, local
/// functions, a launcher returning the run) are NPU2004.
/// </summary>
public class AsyncStyleTests
{
    private const string Usings = "using System.Linq;\nusing System.Threading.Tasks;\n" + Snippet.Usings;

    [Fact]
    public async Task AsyncTileLoopAwaitingItsOwnHelperIsReportedForEachRule()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class AsyncTiles(Kernel kernel, Bo instr, Bo a, Bo c)
            {
                public async Task<int[]> MultiplyAsync(byte[][] tiles, int rows, int columns)
                {
                    var acc = new int[rows * columns * 256];
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                        {
                            var part = await TileAsync(tiles[i * columns + j]);
                            for (int e = 0; e < part.Length; e++) acc[(i * columns + j) * 256 + e] += (sbyte)part[e];
                        }
                    return acc;
                }

                private async Task<byte[]> TileAsync(byte[] tile)
                {
                    a.Write(tile);
                    {|NPU2002:a.Sync(SyncDirection.ToDevice)|};
                    var run = {|NPU2004:kernel.Start(3UL, instr, 7u, a, c)|};
                    await Task.Run(() => {|NPU2001:{|NPU2007:run.Wait(TimeSpan.FromSeconds(1))|}|});
                    {|NPU2002:c.Sync(SyncDirection.FromDevice)|};
                    var result = new byte[256];
                    c.Read(result);
                    return result;
                }
            }
            """);
    }

    [Fact]
    public async Task AsyncRunnerOfAnotherTypeAwaitedFromAnAsyncLocalFunctionIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class AsyncRunner(Kernel kernel, Bo instr, Bo input, Bo output)
            {
                public async Task<byte[]> RunAsync(byte[] tile)
                {
                    tile.AsSpan().CopyTo(input.Map());
                    input.Sync(SyncDirection.ToDevice);
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    await Task.Run(() => {|NPU2007:run.Wait()|});
                    output.Sync(SyncDirection.FromDevice);
                    return output.Map().ToArray();
                }
            }

            public sealed class Blocks(AsyncRunner runner)
            {
                public async Task<List<byte[]>> MultiplyAsync(byte[][] tiles, int rows, int columns)
                {
                    var results = new List<byte[]>();
                    foreach (var i in Enumerable.Range(0, rows))
                        foreach (var j in Enumerable.Range(0, columns))
                            results.Add(await TileAsync(i, j));
                    return results;

                    async Task<byte[]> TileAsync(int i, int j) => await {|NPU2001:{|NPU2002:{|NPU2004:runner.RunAsync(tiles[i * columns + j])|}|}|};
                }
            }
            """);
    }

    [Fact]
    public async Task TaskRunWaitsWhoseStateIsKeptOrAwaitedTogetherAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public static class Waits
            {
                public static async Task AllAsync(Kernel kernel, Bo[] tiles)
                {
                    var pending = tiles.Select(tile => kernel.Start(3UL, tile)).Select(run => Task.Run(() => run.Wait())).ToList();
                    foreach (var state in await Task.WhenAll(pending)) state.ThrowIfNotCompleted();
                    var last = await Task.Run(() => kernel.Start(3UL, tiles[0]).Wait());
                    last.ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task LaunchesCollectedPerTileWithLinqAreReported()
    {
        // Nested lambdas are two loops; the query's select runs once per pair of a SelectMany, a flattened grid.
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var runs = Enumerable.Range(0, tiles)
                    .SelectMany(i => Enumerable.Range(0, tiles).Select(j => {|NPU2004:kernel.Start(3UL, instr, (uint)(i * tiles + j), input, output)|}))
                    .ToList();
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                var query = (from i in Enumerable.Range(0, tiles)
                             from j in Enumerable.Range(0, tiles)
                             select {|#0:kernel.Start(3UL, instr, (uint)(i + j), input, output)|}).ToArray();
                foreach (var run in query) run.Wait().ThrowIfNotCompleted();
        """), NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0).WithArguments("kernel.Start", "in one loop over a flattened tile grid"));
    }

    [Fact]
    public async Task LaunchesCollectedPerTileThroughALocalFunctionOrAnotherTypesLauncherAreReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class Launcher(Kernel kernel, Bo instr)
            {
                public Run Launch(Bo input, Bo output) => kernel.Start(3UL, instr, 7u, input, output);
            }

            public static class Grid
            {
                public static void LaunchAll(Kernel kernel, Launcher launcher, Bo[] inputs, Bo[] outputs, int rows, int columns)
                {
                    var runs = new List<Run>();
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                        {
                            runs.Add(Start(i * columns + j));
                            runs.Add({|NPU2004:launcher.Launch(inputs[i * columns + j], outputs[i * columns + j])|});
                        }
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();

                    Run Start(int tile) => {|NPU2004:kernel.Start(3UL, inputs[tile], outputs[tile])|};
                }
            }
            """);
    }

    [Fact]
    public async Task RunListBuiltPerTileAndExecutedOnceIsNotReported()
    {
        // The cure: runs added to a run list tile by tile, one submission, one wait.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                using var list = new RunList(context);
                for (int i = 0; i < tiles; i++)
                    for (int j = 0; j < tiles; j++)
                    {
                        var run = new Run(kernel);
                        run.SetArg(3, input);
                        list.Add(run);
                    }
                list.Execute();
                list.Wait(TimeSpan.FromSeconds(5)).ThrowIfNotCompleted();
        """));
    }
}
