using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.HeldStyles;

/// <summary>
/// Loops whose every iteration is a complete job the next one needs (issue 13): layer loops, request loops and
/// timed loops keep their wait and syncs; a tile loop that only collects its results does not.
/// </summary>
public class WholeJobLoopTests
{
    private const string Usings = "using System.Linq;\nusing System.Threading.Tasks;\n" + Snippet.Usings;

    [Fact]
    public async Task LayerLoopFeedingEachOutputToTheNextLayerIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var activations = (byte[])data.Clone();
                for (int layer = 0; layer < 12; layer++)
                {
                    input.Write(activations);
                    input.Sync(SyncDirection.ToDevice);
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    output.Read(activations);
                }
        """));
    }

    [Fact]
    public async Task LayerLoopThroughAHelperReturningTheOutputIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Encoder(Kernel kernel, Bo instr, Bo input, Bo output)
            {
                public float[] Forward(float[] hidden, int layers)
                {
                    for (int layer = 0; layer < layers; layer++)
                        for (int head = 0; head < 2; head++)
                            hidden = Layer(hidden);
                    return hidden;
                }

                private float[] Layer(float[] x)
                {
                    x.AsSpan().CopyTo(input.Map<float>());
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    return output.Map<float>().ToArray();
                }
            }
            """);
    }

    [Fact]
    public async Task AsyncRequestLoopServingOneRequestAtATimeIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed record Request(byte[] Payload, TaskCompletionSource<byte[]> Reply);

            public sealed class Server(Kernel kernel, Bo instr, Bo input, Bo output)
            {
                public async Task ServeAsync(System.Threading.Channels.ChannelReader<Request> requests)
                {
                    await foreach (var request in requests.ReadAllAsync())
                    {
                        input.Write(request.Payload);
                        input.Sync(SyncDirection.ToDevice);
                        var run = kernel.Start(3UL, instr, 7u, input, output);
                        run.Wait(TimeSpan.FromSeconds(2)).ThrowIfNotCompleted();
                        output.Sync(SyncDirection.FromDevice);
                        var result = new byte[64];
                        output.Read(result);
                        request.Reply.SetResult(result);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task BlockingQueueRequestLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var queue = new System.Collections.Concurrent.BlockingCollection<byte[]>();
                var replies = new List<byte[]>();
                while (queue.TryTake(out var request, TimeSpan.FromSeconds(1)))
                {
                    request.AsSpan().CopyTo(input.Map());
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    replies.Add(output.Map().ToArray());
                }
        """));
    }

    [Fact]
    public async Task TimedBenchmarkLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var latencies = new List<TimeSpan>();
                for (int i = 0; i < 4096; i++)
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    run.Wait().ThrowIfNotCompleted();
                    latencies.Add(clock.Elapsed);
                }
        """));
    }

    [Fact]
    public async Task TimedLoopInLinqStyleIsNotReported()
    {
        await NpuVerifier.VerifyAsync("using System.Linq;\n" + Snippet.InMethod("""
                var latencies = Enumerable.Range(0, 100).Select(_ =>
                {
                    long start = System.Diagnostics.Stopwatch.GetTimestamp();
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    return System.Diagnostics.Stopwatch.GetElapsedTime(start);
                }).ToList();
        """));
    }

    [Fact]
    public async Task TileLoopThatOnlyCollectsItsResultsIsStillReported()
    {
        // Each tile's result goes into its own slot; no launch needs an earlier one: batchable.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var results = new byte[tiles][];
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data.AsSpan(t * 16, 16));
                    {|NPU2002:input.Sync(SyncDirection.ToDevice)|};
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    {|NPU2002:output.Sync(SyncDirection.FromDevice)|};
                    results[t] = new byte[16];
                    output.Read(results[t]);
                }
        """));
    }

    [Fact]
    public async Task TileLoopInsideALayerLoopIsATileLoopOfItsOwn()
    {
        // The layer loop is a whole job (its output feeds the next layer); the tile loop inside is not.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var x = (byte[])data.Clone();
                for (int layer = 0; layer < 4; layer++)
                {
                    input.Write(x);
                    input.Sync(SyncDirection.ToDevice);
                    for (int t = 0; t < tiles; t++)
                    {
                        var run = kernel.Start(3UL, instr, (uint)t, input, output);
                        {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    }
                    output.Sync(SyncDirection.FromDevice);
                    output.Read(x);
                }
        """));
    }
}
