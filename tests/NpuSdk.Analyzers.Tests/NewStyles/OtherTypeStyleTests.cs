using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.NewStyles;

/// <summary>
/// Issue 21, per-tile work in another class: a tile loop calling an executor, a runner behind an interface or a static
/// helper whose method syncs, launches and waits is reported at the call (the method is fine on its own); opens and
/// allocations several calls below a layer loop in another class are found; a run handed from the helper that starts
/// it to the helper that waits on it, inside a record or a tuple, is followed.
/// </summary>
public class OtherTypeStyleTests
{
    private const string Usings = "using System.Linq;\nusing System.Threading.Tasks;\n" + Snippet.Usings;

    private const string Executor = """
        public sealed class TileExecutor(Kernel kernel, Bo instr, Bo input, Bo output)
        {
            public void Execute(byte[] packed, byte[] result)
            {
                input.Write(packed);
                input.Sync(SyncDirection.ToDevice);
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                output.Read(result);
            }
        }

        """;

    /// <summary>Starts a run and hands it on in a record, a tuple or a task; waits for the run of a record it is given.</summary>
    private const string Starter = """
        public sealed record Pending(Run Run, Bo Output);

        public sealed class Starter(Kernel kernel, Bo instr)
        {
            public Pending Start(Bo input, Bo output) => new Pending(kernel.Start(3UL, instr, 7u, input, output), output);
            public (Run Run, Bo Output) StartTuple(Bo input, Bo output) => (kernel.Start(3UL, instr, 7u, input, output), output);
            public async Task<Pending> StartAsync(Bo input, Bo output)
            {
                await Task.Yield();
                return Start(input, output);
            }
            public void Finish(Pending pending) => pending.Run.Wait().ThrowIfNotCompleted();
        }

        """;

    [Fact]
    public async Task ExecutorCalledPerTileIsReportedAtTheCallForEachRule()
    {
        // The executor's own calls are the additional locations.
        var executor = Executor.Replace("run.Wait(TimeSpan.FromSeconds(1))", "{|#1:run.Wait(TimeSpan.FromSeconds(1))|}")
            .Replace("input.Sync(SyncDirection.ToDevice)", "{|#2:input.Sync(SyncDirection.ToDevice)|}")
            .Replace("kernel.Start(3UL, instr, 7u, input, output)", "{|#3:kernel.Start(3UL, instr, 7u, input, output)|}");
        await NpuVerifier.VerifyAsync(Usings + executor + """
            public sealed class TiledMatMul(TileExecutor executor)
            {
                public int[] Multiply(byte[][] packed, int tiles)
                {
                    var acc = new int[tiles * tiles * 256];
                    var result = new byte[256];
                    for (int i = 0; i < tiles; i++)
                        for (int j = 0; j < tiles; j++)
                            for (int k = 0; k < tiles; k++)
                            {
                                {|#0:executor.Execute(packed[(i * tiles + j) * tiles + k], result)|};
                                for (int e = 0; e < 256; e++) acc[(i * tiles + j) * 256 + e] += (sbyte)result[e];
                            }
                    return acc;
                }
            }
            """,
            NpuVerifier.Diagnostic(NpuDiagnostics.WaitInLaunchLoop).WithLocation(0).WithLocation(1).WithArguments("TileExecutor.Execute"),
            NpuVerifier.Diagnostic(NpuDiagnostics.SyncInLoop).WithLocation(0).WithLocation(2).WithArguments("input", "SyncDirection.ToDevice",
                "after the loop that writes it (before the launch); 'TileExecutor.Execute' syncs it on every call"),
            NpuVerifier.Diagnostic(NpuDiagnostics.LaunchInTileLoop).WithLocation(0).WithLocation(3).WithArguments("TileExecutor.Execute", "3 loops deep"));
    }

    [Fact]
    public async Task RunnerBehindAnInterfaceCalledFromNestedLambdasIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public interface ITileRunner
            {
                byte[] Run(byte[] tile);
            }

            public sealed class NpuRunner(Kernel kernel, Bo instr, Bo input, Bo output) : ITileRunner
            {
                public byte[] Run(byte[] tile)
                {
                    tile.AsSpan().CopyTo(input.Map());
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                    return output.Map().ToArray();
                }
            }

            public sealed class Blocks(ITileRunner runner)
            {
                public List<byte[]> Multiply(byte[][] tiles, int rows, int columns)
                {
                    var results = new List<byte[]>();
                    Enumerable.Range(0, rows).ToList().ForEach(i =>
                        Enumerable.Range(0, columns).ToList().ForEach(j =>
                            results.Add({|NPU2001:{|NPU2002:{|NPU2004:runner.Run(tiles[i * columns + j])|}|}|})));
                    return results;
                }
            }
            """);
    }

    [Fact]
    public async Task StaticHelperOfAnotherTypeCalledFromALocalFunctionPerTileIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public static class Launches
            {
                public static Run Start(Kernel kernel, Bo instr, Bo tile) => kernel.Start(3UL, instr, 7u, tile);
            }

            public static class Grid
            {
                public static void LaunchAll(Kernel kernel, Bo instr, Bo[,] tiles)
                {
                    var runs = new List<Run>();
                    for (int i = 0; i < tiles.GetLength(0); i++)
                        for (int j = 0; j < tiles.GetLength(1); j++)
                            runs.Add(Launch(tiles[i, j]));
                    foreach (var run in runs) run.Wait().ThrowIfNotCompleted();

                    Run Launch(Bo tile) => {|NPU2004:Launches.Start(kernel, instr, tile)|};
                }
            }
            """);
    }

    [Fact]
    public async Task OpensAndAllocationsSeveralCallsBelowALayerLoopInAnotherClassAreReported()
    {
        // The layer loop calls its own helper, which calls a layer object, which asks a session: three calls down, a
        // kernel is opened and a scratch buffer is made and dropped on every layer.
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class Session(string path)
            {
                public Kernel Load()
                {
                    var device = Device.Open();
                    var uuid = device.RegisterXclbin(path);
                    return new Kernel(new HwContext(device, uuid), "MLIR_AIE");
                }

                public Bo Scratch(Device device) => new Bo(device, 4096, BoFlags.HostOnly, 0);
            }

            public sealed class Layer(Session session)
            {
                public int Forward(Device device)
                {
                    var kernel = session.Load();
                    using var scratch = session.Scratch(device);
                    return kernel.Name.Length + (int)scratch.Size;
                }
            }

            public sealed class Model(Layer layer, Device device)
            {
                public int Run(int layers)
                {
                    int checksum = 0;
                    for (int l = 0; l < layers; l++) checksum += Step();
                    return checksum;
                }

                private int Step() => {|NPU2003:{|NPU2005:layer.Forward(device)|}|};
            }
            """);
    }

    [Fact]
    public async Task RunHandedOnInARecordOrATupleFromTheHelperThatStartsItIsReportedWhereItIsWaited()
    {
        await NpuVerifier.VerifyAsync(Usings + Starter + """
            public sealed class Pipeline(Starter starter)
            {
                public async Task RunAsync(Bo[] inputs, Bo[] outputs)
                {
                    for (int t = 0; t < inputs.Length; t++) {|NPU2001:starter.Finish(starter.Start(inputs[t], outputs[t]))|};
                    for (int t = 0; t < inputs.Length; t++)
                    {
                        var (run, _) = starter.StartTuple(inputs[t], outputs[t]);
                        {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                    }
                    foreach (var (input, output) in inputs.Zip(outputs))
                    {
                        var pending = await starter.StartAsync(input, output);
                        {|NPU2001:pending.Run.Wait()|}.ThrowIfNotCompleted();
                    }
                    inputs.Zip(outputs).ToList().ForEach(pair => Finish(starter.StartTuple(pair.First, pair.Second)));
                }

                private static void Finish((Run Run, Bo Output) pending) => {|NPU2001:pending.Run.Wait()|}.ThrowIfNotCompleted();
            }
            """);
    }

    [Fact]
    public async Task RunsHandedOnInRecordsAndWaitedAfterTheLoopAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Usings + Starter + """
            public static class Batch
            {
                public static void Run(Starter starter, Bo[] inputs, Bo[] outputs)
                {
                    var pending = inputs.Zip(outputs, (input, output) => starter.Start(input, output)).ToList();
                    foreach (var p in pending) p.Run.Wait().ThrowIfNotCompleted();
                }
            }
            """);
    }

    [Fact]
    public async Task ExecutorCalledOnceOrPerStageOfAPipelineIsNotReported()
    {
        // Once, the executor is the cure's building block; over different stage objects each doing its own job, the loop
        // is a pipeline, not a tile loop.
        await NpuVerifier.VerifyAsync(Usings + Executor + """
            public sealed class Pipeline(TileExecutor executor, TileExecutor[] stages)
            {
                public void RunOnce(byte[] packed, byte[] result) => executor.Execute(packed, result);

                public void RunStages(byte[] packed, byte[] result)
                {
                    foreach (var stage in stages) stage.Execute(packed, result);
                }
            }
            """);
    }
}
