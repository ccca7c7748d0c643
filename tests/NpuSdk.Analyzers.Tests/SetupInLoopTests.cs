using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2005: device, xclbin, context or kernel opened inside a loop, or in a method called from one.</summary>
public class SetupInLoopTests
{
    [Fact]
    public async Task EachSetupStepInALoopIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var d = {|NPU2005:Device.Open()|};
                    var uuid = {|NPU2005:d.RegisterXclbin("matmul.xclbin")|};
                    using var c = {|NPU2005:new HwContext(d, uuid)|};
                    using var k = {|NPU2005:new Kernel(c, "MLIR_AIE")|};
                }
        """));
    }

    [Fact]
    public async Task SetupInALoopIsHoistedStepByStep()
    {
        // Each fix makes the next declaration loop-invariant, so applying them in turn opens everything once.
        var markup = Snippet.InMethod("""
                for (int t = 0; t < tiles; t++)
                {
                    using var d = {|NPU2005:Device.Open()|};
                    var uuid = {|NPU2005:d.RegisterXclbin("matmul.xclbin")|};
                    using var c = {|NPU2005:new HwContext(d, uuid)|};
                    using var k = {|NPU2005:new Kernel(c, "MLIR_AIE")|};
                    Console.WriteLine(k.Name);
                }
        """);
        var expected = Snippet.InMethod("""
                using var d = Device.Open();
                var uuid = d.RegisterXclbin("matmul.xclbin");
                using var c = new HwContext(d, uuid);
                using var k = new Kernel(c, "MLIR_AIE");
                for (int t = 0; t < tiles; t++)
                {
                    Console.WriteLine(k.Name);
                }
        """);
        // Fix-all too takes one pass per step: each pass makes the next declaration invariant.
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SetupInLoopId, expected, iterations: 4);
    }

    [Fact]
    public async Task SetupInAHelperCalledFromALoopIsReportedAtTheSetupWithTheCallSite()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) {|#1:OpenKernel(device, context)|};
        """, """
            private static Kernel OpenKernel(Device device, HwContext context) => {|#0:new Kernel(context, "MLIR_AIE")|};
        """), NpuVerifier.Diagnostic(NpuDiagnostics.SetupInLoop).WithLocation(0).WithLocation(1)
            .WithArguments("'new Kernel(...)'", " (it is called from a loop through 'OpenKernel')"));
    }

    [Fact]
    public async Task OpeningSeveralDifferentThingsOnceEachIsNotReported()
    {
        // Device i, the xclbin at paths[i], the kernel names[k]: different every iteration, so not a re-open.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var paths = new[] { "a.xclbin", "b.xclbin" };
                var names = new[] { "MLIR_AIE", "MLIR_AIE_2" };
                for (int i = 0; i < 2; i++)
                {
                    using var d = Device.Open(i);
                    var uuid = d.RegisterXclbin(paths[i]);
                    using var c = new HwContext(d, uuid);
                    foreach (var name in names)
                    {
                        using var k = new Kernel(c, name);
                        Console.WriteLine(k.Name);
                    }
                }
                for (int k = 0; k < names.Length; k++) OpenKernel(context, names[k]);
        """, """
            private static Kernel OpenKernel(HwContext context, string name) => new Kernel(context, name);
        """));
    }

    [Fact]
    public async Task HelperOpeningTheSameKernelEachTimeIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) OpenKernel(context, "MLIR_AIE");
        """, """
            private static Kernel OpenKernel(HwContext context, string name) => {|NPU2005:new Kernel(context, name)|};
        """));
    }

    [Fact]
    public async Task SetupOnceBeforeTheLoopIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                using var d = Device.Open();
                var uuid = d.RegisterXclbin("matmul.xclbin");
                using var c = new HwContext(d, uuid);
                using var k = new Kernel(c, "MLIR_AIE");
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(k.Start(3UL, instr, 7u, input, output));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task MutuallyRecursiveHelpersCalledFromALoopAreFollowedOnce()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                for (int t = 0; t < tiles; t++) Ping(3);
        """, """
            private static void Ping(int n) { if (n > 0) Pong(n - 1); }
            private static void Pong(int n) { using var d = {|NPU2005:Device.Open()|}; if (n > 0) Ping(n - 1); }
        """));
    }
}
