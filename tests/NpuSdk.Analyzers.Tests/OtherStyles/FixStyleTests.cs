using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.OtherStyles;

/// <summary>The fixes in other styles: each fixed program compiles and analyzes clean, or no fix is offered.</summary>
public class FixStyleTests
{
    private static string InMethod(string body, string members = "") => "using System.Linq;\n" + Snippet.InMethod(body, members);

    [Fact]
    public async Task WhileLoopSyncMovesAfterTheLoop()
    {
        var markup = InMethod("""
                int t = 0;
                while (t < tiles)
                {
                    input.Write(data, (ulong)(t * data.Length));
                    {|NPU2002:input.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length))|};
                    t++;
                }
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, InMethod("""
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
    public async Task SyncWithNamedArgumentsInAnyOrderIsJudgedByItsDirection()
    {
        var markup = InMethod("""
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                for (int t = 0; t < tiles; t++)
                {
                    {|NPU2002:output.Sync(offset: (ulong)t * 64, size: 64, direction: SyncDirection.FromDevice)|};
                    output.Read(data, (ulong)t * 64);
                }
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.SyncInLoopId, InMethod("""
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
                for (int t = 0; t < tiles; t++)
                {
                    output.Read(data, (ulong)t * 64);
                }
        """));
    }

    [Fact]
    public async Task DoWhileAllocationIsHoisted()
    {
        var markup = InMethod("""
                int t = 0;
                do
                {
                    using var scratch = {|NPU2003:new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(3))|};
                    scratch.Write(data);
                    t++;
                } while (t < tiles);
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.BufferInLoopId, InMethod("""
                int t = 0;
                using var scratch = new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(3));
                do
                {
                    scratch.Write(data);
                    t++;
                } while (t < tiles);
        """));
    }

    [Fact]
    public async Task WaitInAnAsyncLoopMovesAfterTheLoop()
    {
        var markup = InMethod("""
                await System.Threading.Tasks.Task.Yield();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                }
        """).Replace("public void Run(", "public async System.Threading.Tasks.Task Run(");
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.WaitInLaunchLoopId, InMethod("""
                await System.Threading.Tasks.Task.Yield();
                var startedRuns = new List<Run>();
                for (int t = 0; t < tiles; t++)
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    startedRuns.Add(run);
                }
                foreach (var startedRun in startedRuns) startedRun.Wait().ThrowIfNotCompleted();
        """).Replace("public void Run(", "public async System.Threading.Tasks.Task Run("));
    }

    [Fact]
    public async Task AllocationInALoopInsideAForEachLambdaIsHoistedOnlyWithinTheLambda()
    {
        // The fix moves the buffer out of the column loop but not out of the lambda (it cannot see the caller's
        // loop); the buffer is then still allocated once per row, which stays reported, without a fix.
        var source = InMethod("""
                Enumerable.Range(0, tiles).ToList().ForEach(row =>
                {
                    for (int col = 0; col < tiles; col++)
                    {
                        using var scratch = new Bo(device, 4096, BoFlags.HostOnly, kernel.GroupId(3));
                        scratch.Write(data);
                    }
                });
        """);
        var (before, fixedFiles, fixedCompilation) = await NpuVerifier.FixEverythingAsync(
            new Dictionary<string, string> { ["Snippet.cs"] = source }, OutputKind.DynamicallyLinkedLibrary);
        Assert.Equal(new[] { NpuDiagnostics.BufferInLoopId }, before.Select(d => d.Id));
        NpuVerifier.AssertCompiles(fixedCompilation);
        var fixedCode = fixedFiles["Snippet.cs"];
        int lambda = fixedCode.IndexOf("row =>", StringComparison.Ordinal);
        int hoisted = fixedCode.IndexOf("using var scratch", StringComparison.Ordinal);
        Assert.True(lambda < hoisted && hoisted < fixedCode.IndexOf("for (int col", StringComparison.Ordinal), fixedCode);
        var after = await NpuVerifier.AnalyzeAsync(fixedCompilation);
        Assert.Equal(new[] { NpuDiagnostics.BufferInLoopId }, after.Select(d => d.Id));
        Assert.Empty(after[0].AdditionalLocations);
    }

    [Fact]
    public async Task WaitInAForEachLambdaHasNoMechanicalFix()
    {
        await NpuVerifier.VerifyNoFixAsync(InMethod("""
                Enumerable.Range(0, tiles).ToList().ForEach(t =>
                {
                    var run = kernel.Start(3UL, instr, 7u, input, output);
                    {|NPU2001:run.Wait()|}.ThrowIfNotCompleted();
                });
        """), NpuDiagnostics.WaitInLaunchLoopId);
    }

    [Fact]
    public async Task TopLevelStatementsAreFixedToACleanProgram()
    {
        var program = Snippet.Usings + """
            using var device = Device.Open();
            var uuid = device.RegisterXclbin("matmul.xclbin");
            using var context = new HwContext(device, uuid);
            using var instr = new Bo(device, 64, BoFlags.Cacheable, 1);
            using var input = new Bo(device, 4096, BoFlags.HostOnly, 3);
            using var output = new Bo(device, 4096, BoFlags.HostOnly, 4);
            for (int t = 0; t < 8; t++)
            {
                using var kernel = new Kernel(context, "MLIR_AIE");
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait().ThrowIfNotCompleted();
            }
            """;
        var (before, fixedFiles, fixedCompilation) = await NpuVerifier.FixEverythingAsync(
            new Dictionary<string, string> { ["Program.cs"] = program }, OutputKind.ConsoleApplication);
        Assert.Equal(new[] { "NPU2001", "NPU2005" }, before.Select(d => d.Id).OrderBy(id => id));
        NpuVerifier.AssertCompiles(fixedCompilation);
        Assert.Empty(await NpuVerifier.AnalyzeAsync(fixedCompilation));
        Assert.Contains("startedRuns", fixedFiles["Program.cs"]);
    }
}

/// <summary>Half-typed code in the new shapes (lambdas, method groups, indexers, finally) must not crash the analyzers.</summary>
public class HalfTypedStyleTests
{
    [Fact]
    public async Task HalfTypedLambdasMethodGroupsAndIndexersDoNotCrashTheAnalyzers()
    {
        var source = "using System.Linq;\n" + Snippet.InMethod("""
                Enumerable.Range(0, tiles).ToList().ForEach(t =>
                {
                    var run = kernel.Start(3UL, instr, input
                    run.Wait(
                });
                Array.ForEach(new[] { input }, Missing);
                System.Threading.Tasks.Parallel.For(0, tiles, (t, state) => kernel.Start(3UL).Wait();
                Enumerable.Range(0, tiles).Select(t => new Bo(input, 64, )).ToList();
                _ = flag ? kernel.Start(3UL).Wait() : ;
                try { kernel.Start(3UL, input).Wait().ThrowIfNotCompleted(); } finally { output.Sync(SyncDirection.FromDevice) }
                output.Read(data);
                var k = this[;
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(input.Map())[0] = ;
        """, """
            private Kernel this[int i] => new Kernel(
            private Kernel Broken => _kernel ??= new Kernel(null!, );
        """);
        var compilation = NpuVerifier.Compile(source);
        Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        await NpuVerifier.AnalyzeAsync(compilation); // asserts that no analyzer threw (AD0001)
    }
}
