using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2006: flow analysis over the method's control-flow graph; a report only when every path lacks the sync.</summary>
public class MissingSyncTests
{
    [Fact]
    public async Task ReadAfterLaunchWithoutFromDeviceSyncIsReportedAndFixed()
    {
        var markup = Snippet.InMethod("""
                input.Write(data);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var result = new byte[64];
                {|NPU2006:output.Read(result)|};
        """);
        var expected = Snippet.InMethod("""
                input.Write(data);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var result = new byte[64];
                output.Sync(SyncDirection.FromDevice);
                output.Read(result);
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.MissingSyncId, expected);
    }

    [Fact]
    public async Task LaunchAfterHostWriteWithoutToDeviceSyncIsReportedAndFixed()
    {
        var markup = Snippet.InMethod("""
                data.AsSpan().CopyTo(input.Map());
                var run = new Run(kernel);
                run.SetArg(3, input);
                run.SetArg(4, output);
                {|NPU2006:run.Start()|};
                run.Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.MissingSyncId, Snippet.InMethod("""
                data.AsSpan().CopyTo(input.Map());
                var run = new Run(kernel);
                run.SetArg(3, input);
                run.SetArg(4, output);
                input.Sync(SyncDirection.ToDevice);
                run.Start();
                run.Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
        """));
    }

    [Fact]
    public async Task ReadOfAMappedSpanAfterTheLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var results = output.Map<int>();
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                Console.WriteLine({|#0:results[0]|});
        """), NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0)
            .WithArguments("The host reads", "output", "after a launch", "FromDevice", "the host sees a kernel's results only after that sync"));
    }

    [Fact]
    public async Task RunListExecuteCountsTheBuffersOfItsRuns()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var list = new RunList(context);
                var run = new Run(kernel);
                run.SetArg(3, input);
                list.Add(run);
                input.Write(data);
                {|NPU2006:list.Execute()|};
                list.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task SyncOnEveryPathIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Write(data);
                if (flag) input.Sync(SyncDirection.ToDevice);
                else input.Sync(SyncDirection.ToDevice, 16, 0);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                if (flag) output.Sync(SyncDirection.FromDevice);
                else { output.Sync(SyncDirection.FromDevice); Console.WriteLine(); }
                output.Read(new byte[4]);
        """));
    }

    [Fact]
    public async Task SyncOnSomePathsIsNotReported()
    {
        // Never when unsure: one path syncs, so the read may be right.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                if (flag) output.Sync(SyncDirection.FromDevice);
                output.Read(new byte[4]);
        """));
    }

    [Fact]
    public async Task MissingSyncOnEveryPathThroughALoopAndABranchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var total = new byte[4];
                for (int t = 0; t < tiles; t++) Console.WriteLine(t);
                if (flag) Console.WriteLine("flag");
                {|NPU2006:output.Read(total)|};
        """));
    }

    [Fact]
    public async Task LaunchesOnlyInsideALoopMayNotHaveHappened()
    {
        // With zero iterations nothing was launched, so the read after the loop is not surely stale.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var runs = new List<Run>();
                for (int t = 0; t < tiles; t++) runs.Add(kernel.Start(3UL, instr, 7u, input, output));
                foreach (var run in runs) run.Wait().ThrowIfNotCompleted();
                output.Read(new byte[4]);
        """));
    }

    [Fact]
    public async Task CallIntoUserCodeThatMaySyncIsNotReported()
    {
        // Prepare syncs what it is passed; SyncBack syncs a buffer the analysis cannot tie to 'output': either may be the sync.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Write(data);
                Prepare(input);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                SyncBack();
                output.Read(new byte[4]);
        """, """
            private Bo? _last;
            private static void Prepare(Bo bo) => bo.Sync(SyncDirection.ToDevice);
            private void SyncBack() => _last?.Sync(SyncDirection.FromDevice);
        """));
    }

    [Fact]
    public async Task SubBufferSyncCoversItsParent()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                using var slice = new Bo(output, 64, 0);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                slice.Sync(SyncDirection.FromDevice);
                output.Read(new byte[4]);
        """));
    }

    [Fact]
    public async Task InputsReadBackAfterTheLaunchAreNotReported()
    {
        // The host wrote the buffer, so it is an input (or in-out) whose host view the analysis cannot judge.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Write(data);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                input.Read(new byte[4]);
        """));
    }

    [Fact]
    public async Task AddingUpAMappedOutputReadsItAndIsReported()
    {
        // "total += results[i]" writes total, not the buffer: the output is only read, so it is not taken for an input.
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var results = output.Map<int>();
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                int total = 0;
                total += {|NPU2006:results[0]|};
                Console.WriteLine(total);
        """));
    }

    [Fact]
    public async Task LocalFunctionsAreAnalyzedOnTheirOwn()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                Launch();
                void Launch()
                {
                    input.Write(data);
                    {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
                }
        """));
    }
}
