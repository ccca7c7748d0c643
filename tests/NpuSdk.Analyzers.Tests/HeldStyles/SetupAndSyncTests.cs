using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.HeldStyles;

/// <summary>The setup chain and per-buffer syncs hidden in other styles (issue 13), and NPU2006 over ordered events.</summary>
public class SetupAndSyncTests
{
    [Fact]
    public async Task SetupInAHelperCalledPerRequestIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class Server
            {
                public void Serve(IEnumerable<byte[]> requests)
                {
                    foreach (var request in requests) Handle(request);
                }

                private static void Handle(byte[] request)
                {
                    using var device = {|NPU2005:Device.Open()|};
                    Console.WriteLine(device.BackendName + request.Length);
                }
            }
            """);
    }

    [Fact]
    public async Task SetupWithAnInputFromAnIndexerOrACallIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var config = new Dictionary<string, string> { ["xclbin"] = "matmul.xclbin" };
                for (int t = 0; t < tiles; t++)
                {
                    var uuid = {|NPU2005:device.RegisterXclbin(config["xclbin"])|};
                    var again = {|NPU2005:device.RegisterXclbin(System.IO.Path.Combine("build", "matmul.xclbin"))|};
                    using var k = {|NPU2005:new Kernel(context, $"{"MLIR"}_AIE")|};
                    Console.WriteLine(uuid.Equals(again));
                }
        """));
    }

    [Fact]
    public async Task SetupFromAnIndexerTheLoopChangesIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var config = new Dictionary<string, string>();
                for (int t = 0; t < tiles; t++)
                {
                    config["xclbin"] = "build" + t + ".xclbin";
                    var uuid = device.RegisterXclbin(config["xclbin"]);
                    Console.WriteLine(uuid);
                }
        """));
    }

    [Fact]
    public async Task ConstructorOfAnotherTypeThatOpensTheDeviceIsReportedPerRequest()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuSession : IDisposable
            {
                private readonly Device _device;
                private readonly Kernel _kernel;

                public NpuSession(string xclbin)
                {
                    _device = Device.Open();
                    var context = new HwContext(_device, _device.RegisterXclbin(xclbin));
                    _kernel = new Kernel(context, "MLIR_AIE");
                }

                public void Run(byte[] request) => Console.WriteLine(_kernel.Name + request.Length);
                public void Dispose() => _device.Dispose();
            }

            public static class Server
            {
                public static void Serve(IEnumerable<byte[]> requests)
                {
                    foreach (var request in requests)
                    {
                        using var session = {|NPU2005:new NpuSession("model.xclbin")|};
                        session.Run(request);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task MethodOfAnotherTypeOpeningTheKernelIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public static class Kernels
            {
                public static Kernel Open(HwContext context) => new Kernel(context, "MLIR_AIE");
            }

            public static class Loop
            {
                public static void Run(HwContext context, int tiles)
                {
                    for (int t = 0; t < tiles; t++) Console.WriteLine({|NPU2005:Kernels.Open(context)|}.Name);
                }
            }
            """);
    }

    [Fact]
    public async Task OtherTypesThatCacheOrOpenWhatTheyAreAskedForAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class KernelCache(HwContext context)
            {
                private Kernel? _kernel;
                public Kernel Get() => _kernel ??= new Kernel(context, "MLIR_AIE");
            }

            public sealed class Opener
            {
                public Opener(int index) => Device = Device.Open(index);
                public Device Device { get; }
            }

            public static class Loop
            {
                public static void Run(KernelCache cache, int devices)
                {
                    for (int i = 0; i < devices; i++)
                    {
                        Console.WriteLine(cache.Get().Name);
                        Console.WriteLine(new Opener(i).Device.BackendName);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task SyncOfEachSubBufferOfAPlanArrayIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var slices = new Bo[tiles];
                for (int t = 0; t < tiles; t++) slices[t] = new Bo(output, 64, (ulong)t * 64);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                for (int t = 0; t < tiles; t++) {|NPU2002:slices[t].Sync(SyncDirection.FromDevice)|};
        """));
    }

    [Fact]
    public async Task SyncOfEachDistinctTensorBufferIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var weights = new List<Bo>();
                foreach (var size in new[] { 64, 256 }) weights.Add(new Bo(device, (ulong)size, BoFlags.HostOnly, 0));
                foreach (var weight in weights) weight.Sync(SyncDirection.ToDevice);
        """));
    }

    [Fact]
    public async Task HostWritesOnlyInsideALoopThenALaunchWithoutSyncIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var view = input.Map();
                for (int t = 0; t < tiles; t++) data.AsSpan().CopyTo(view[(t * data.Length)..]);
                {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task HostWritesInAWhileLoopSyncedAfterItAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                int t = 0;
                while (t < tiles)
                {
                    input.Write(data, (ulong)(t * data.Length));
                    t++;
                }
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task ZeroFilledOutputReadBackWithoutASyncIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                output.Map().Clear();
                output.Sync(SyncDirection.ToDevice);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                {|NPU2006:output.Read(data)|};
        """));
    }

    [Fact]
    public async Task ZeroFilledOutputSyncedBackIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                output.Map<int>().Fill(0);
                output.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                Console.WriteLine(output.Map<int>()[0]);
        """));
    }

    [Fact]
    public async Task FromDeviceSyncBeforeTheWaitIsReportedAtTheRead()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                var run = kernel.Start(3UL, instr, 7u, input, output);
                output.Sync(SyncDirection.FromDevice);
                run.Wait().ThrowIfNotCompleted();
                {|#0:output.Read(data)|};
        """), NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0).WithArguments("The host reads", "output",
            "after a launch (its sync from the device came before the wait)", "FromDevice", "results are there only once the run's wait returns"));
    }

    [Fact]
    public async Task FromDeviceSyncAfterTheRunListWaitIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var list = new RunList(context);
                var run = new Run(kernel);
                run.SetArg(4, output);
                list.Add(run);
                list.Execute();
                list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }
}
