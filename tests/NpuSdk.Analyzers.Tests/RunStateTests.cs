using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>NPU2007: the state returned by a wait is discarded.</summary>
public class RunStateTests
{
    [Fact]
    public async Task DiscardedWaitIsReportedAndFixedWithACheck()
    {
        var markup = Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                {|NPU2007:run.Wait(TimeSpan.FromSeconds(2))|};
        """);
        var expected = Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                run.Wait(TimeSpan.FromSeconds(2)).ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, expected);
    }

    [Fact]
    public async Task RunListWaitAssignedToADiscardIsReportedAndFixed()
    {
        var markup = Snippet.InMethod("""
                var list = new RunList(context);
                list.Execute();
                _ = {|NPU2007:list.Wait(TimeSpan.FromSeconds(2))|};
        """);
        // The discard goes with the fix.
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, Snippet.InMethod("""
                var list = new RunList(context);
                list.Execute();
                list.Wait(TimeSpan.FromSeconds(2)).ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task FixImportsTheSdkNamespaceWhenMissing()
    {
        var markup = """
            public static class Launcher
            {
                public static void Go(NpuSdk.Xrt.Kernel kernel) => {|NPU2007:kernel.Start(3UL).Wait()|};
            }
            """;
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, """
            using NpuSdk.Xrt;

            public static class Launcher
            {
                public static void Go(NpuSdk.Xrt.Kernel kernel) => kernel.Start(3UL).Wait().ThrowIfNotCompleted();
            }
            """);
    }

    [Fact]
    public async Task CheckedStatesAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                var state = run.Wait();
                state.ThrowIfNotCompleted();
                if (kernel.Start(3UL, instr, 7u, input, output).Wait(TimeSpan.FromSeconds(1)) != CommandState.Completed)
                    throw new InvalidOperationException("run failed");
        """));
    }
}
