using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.NewStyles;

/// <summary>
/// Issue 21, what was flagged but is fine: a loop over one call's distinct buffers, each synced once before or after the
/// run; a method that waits on its one run, called once per request from a serving loop; a layer loop through a helper
/// that uploads, runs, waits and reads back what the next layer consumes. In LINQ, lambdas, async code, local functions
/// and helpers of other types; and beside each, the tile loop of the same shape that is still reported.
/// </summary>
public class WholeJobStyleTests
{
    private const string Usings = "using System.Linq;\nusing System.Threading.Tasks;\n" + Snippet.Usings;

    private const string Gemm = """
        public sealed class Gemm(Kernel kernel, Bo instr, Bo activation, Bo weights, Bo output)
        {
            public float[] Forward(float[] x)
            {
                x.AsSpan().CopyTo(activation.Map<float>());
                activation.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, activation, weights, output).Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                return output.Map<float>().ToArray();
            }

            public void InPlace(float[] x)
            {
                x.AsSpan().CopyTo(activation.Map<float>());
                activation.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, activation, weights, output).Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                output.Map<float>().CopyTo(x);
            }
        }

        """;

    [Fact]
    public async Task EachOfACallsDistinctBuffersSyncedOnceAroundItsRunIsNotReported()
    {
        // Called per request: one sync per buffer per call is the cure. The loops over the buffers add no tile loop.
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class Call(Kernel kernel, Bo instr)
            {
                public void Invoke(Bo[] arguments)
                {
                    Array.ForEach(arguments, argument => argument.Sync(SyncDirection.ToDevice));
                    kernel.Start(3UL, instr, 7u, arguments[0], arguments[1], arguments[2]).Wait().ThrowIfNotCompleted();
                    foreach (var result in arguments.Skip(2)) result.Sync(SyncDirection.FromDevice);
                }

                public void Graph(IEnumerable<Bo[]> calls)
                {
                    foreach (var arguments in calls)
                    {
                        for (int a = 0; a < arguments.Length; a++) arguments[a].Sync(SyncDirection.ToDevice);
                        var run = kernel.Start(3UL, instr, 7u, arguments[0], arguments[1]);
                        runs.Add(run);
                    }
                }

                private readonly List<Run> runs = new();
            }

            public sealed class Server(Call call)
            {
                public async Task ServeAsync(System.Threading.Channels.ChannelReader<Bo[]> requests)
                {
                    await foreach (var arguments in requests.ReadAllAsync()) call.Invoke(arguments);
                }
            }
            """);
    }

    [Fact]
    public async Task DistinctBuffersSyncedAgainOnEveryPassOfATileLoopAreStillReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var pool = new[] { input, output };
                for (int t = 0; t < tiles; t++)
                {
                    foreach (var bo in pool) {|NPU2002:bo.Sync(SyncDirection.ToDevice)|};
                    {|NPU2001:kernel.Start(3UL, instr, 7u, input, output).Wait()|}.ThrowIfNotCompleted();
                }
        """));
    }

    [Fact]
    public async Task HelperWaitingOnItsOneRunCalledPerRequestFromAServingLoopIsNotReported()
    {
        // Each iteration hands its result to whoever asked: a reply delegate, an iterator's caller, the console.
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed record Request(byte[] Input, Action<byte[]> Reply);

            public sealed class Server(Kernel kernel, Bo instr, Bo input, Bo output)
            {
                public void Serve(IEnumerable<Request> requests)
                {
                    foreach (var request in requests) request.Reply(Infer(request.Input));
                }

                public IEnumerable<byte[]> Stream(IEnumerable<byte[]> requests)
                {
                    foreach (var request in requests) yield return Infer(request);
                }

                public void Console()
                {
                    string? line;
                    while ((line = System.Console.ReadLine()) is not null) System.Console.WriteLine(Infer(System.Text.Encoding.UTF8.GetBytes(line)).Length);
                }

                private byte[] Infer(byte[] request)
                {
                    input.Write(request);
                    input.Sync(SyncDirection.ToDevice);
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    var result = new byte[output.Size];
                    output.Read(result);
                    return result;
                }
            }
            """);
    }

    [Fact]
    public async Task ModelOfAnotherTypeServedPerRequestThroughChannelsIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Usings + Gemm + """
            public sealed class Service(Gemm model)
            {
                public async Task ServeAsync(System.Threading.Channels.ChannelReader<float[]> requests, System.Threading.Channels.ChannelWriter<float[]> replies)
                {
                    while (await requests.WaitToReadAsync())
                        while (requests.TryRead(out var request)) await replies.WriteAsync(model.Forward(request));
                }

                public void Serve(IEnumerable<float[]> requests, Action<float[]> reply)
                {
                    foreach (var request in requests) reply(model.Forward(request));
                }
            }
            """);
    }

    [Fact]
    public async Task SameHelperCalledPerTileIntoSlotsIsStillReported()
    {
        await NpuVerifier.VerifyAsync(Usings + Gemm + """
            public sealed class Tiles(Gemm model)
            {
                public float[][] Multiply(float[][] tiles, int rows, int columns)
                {
                    var results = new float[rows * columns][];
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                            results[i * columns + j] = {|NPU2001:{|NPU2002:{|NPU2004:model.Forward(tiles[i * columns + j])|}|}|};
                    return results;
                }
            }
            """);
    }

    [Fact]
    public async Task LayerLoopThroughAHelperWhoseResultTheNextLayerConsumesIsNotReported()
    {
        // The result comes back as a return value, in place in the array passed, through the object's own state, through
        // a fold, or through separate upload, run and download helpers.
        await NpuVerifier.VerifyAsync(Usings + Gemm + """
            public sealed class Encoder(Gemm gemm, Kernel kernel, Bo instr, Bo activation, Bo[] weights, Bo output)
            {
                private float[] _hidden = new float[64];

                public float[] Forward(float[] x, int layers)
                {
                    for (int l = 0; l < layers; l++) x = gemm.Forward(x);
                    return x;
                }

                public float[] Fold(float[] x, int layers) => Enumerable.Range(0, layers).Aggregate(x, (h, _) => gemm.Forward(h));

                public void InPlace(float[] x, int layers)
                {
                    for (int l = 0; l < layers; l++) gemm.InPlace(x);
                }

                public void Stateful()
                {
                    for (int l = 0; l < weights.Length; l++) Layer(l);
                }

                public async Task<float[]> StepsAsync(float[] x)
                {
                    for (int l = 0; l < weights.Length; l++)
                    {
                        Upload(x);
                        await Task.Run(() => Run(l));
                        x = Download();
                    }
                    return x;
                }

                private void Layer(int l)
                {
                    _hidden.AsSpan().CopyTo(activation.Map<float>());
                    activation.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, activation, weights[l], output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    output.Map<float>().CopyTo(_hidden);
                }

                private void Upload(float[] x)
                {
                    x.AsSpan().CopyTo(activation.Map<float>());
                    activation.Sync(SyncDirection.ToDevice);
                }

                private void Run(int l) => kernel.Start(3UL, instr, 7u, activation, weights[l], output).Wait().ThrowIfNotCompleted();

                private float[] Download()
                {
                    output.Sync(SyncDirection.FromDevice);
                    return output.Map<float>().ToArray();
                }
            }
            """);
    }
}
