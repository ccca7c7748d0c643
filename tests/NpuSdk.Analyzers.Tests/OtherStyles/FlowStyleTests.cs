using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.OtherStyles;

/// <summary>
/// NPU2006 over host access written in other ways (span indexers, Fill, MemoryMarshal views, Write) and
/// control flow in other shapes (early returns, switch, try/finally, goto); NPU2007 over waits whose state is
/// dropped in other ways (conditional access, ternaries, lambdas, expression bodies).
/// </summary>
public class FlowStyleTests
{
    [Fact]
    public async Task WriteThroughATypedSpanIndexerThenLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var values = input.Map<int>();
                values[0] = tiles;
                values[1] = tiles * 2;
                {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
                output.Sync(SyncDirection.FromDevice);
        """));
    }

    [Fact]
    public async Task FillOfTheMappedSpanThenLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Map<float>().Fill(1f);
                {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WriteThroughAMemoryMarshalViewThenLaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(input.Map());
                words[0] = 42;
                {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task ReadThroughAMemoryMarshalViewAfterTheWaitIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                Console.WriteLine({|NPU2006:System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(output.Map())[0]|});
        """));
    }

    [Fact]
    public async Task ReadAfterAnEarlyReturnPathIsStillReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                var state = kernel.Start(3UL, instr, 7u, input, output).Wait();
                if (state != CommandState.Completed) return;
                {|NPU2006:output.Read(data)|};
        """));
    }

    [Fact]
    public async Task SwitchWithASyncInEveryCaseIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                switch (tiles)
                {
                    case 0: output.Sync(SyncDirection.FromDevice); break;
                    case 1: output.Sync(SyncDirection.FromDevice, 64, 0); break;
                    default: output.Sync(SyncDirection.FromDevice); break;
                }
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SwitchWithASyncInSomeCasesIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                switch (tiles)
                {
                    case 0: output.Sync(SyncDirection.FromDevice); break;
                    default: break;
                }
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SwitchWithoutASyncInAnyCaseIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                switch (tiles)
                {
                    case 0: Console.WriteLine("none"); break;
                    default: break;
                }
                {|NPU2006:output.Read(data)|};
        """));
    }

    [Fact]
    public async Task SyncInAFinallyIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                try
                {
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                }
                finally
                {
                    output.Sync(SyncDirection.FromDevice);
                }
                output.Read(data);
        """));
    }

    [Fact]
    public async Task GotoThatSkipsTheSyncOnSomePathsIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                if (flag) goto read;
                output.Sync(SyncDirection.FromDevice);
            read:
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncThroughAFieldIsFollowed()
    {
        await NpuVerifier.VerifyAsync(Snippet.Usings + """
            public sealed class NpuMatMul
            {
                private readonly Kernel _kernel;
                private readonly Bo _instr;
                private readonly Bo _a;
                private readonly Bo _c;

                public NpuMatMul(Kernel kernel, Bo instr, Bo a, Bo c) { _kernel = kernel; _instr = instr; _a = a; _c = c; }

                public void Multiply(byte[] a, byte[] c)
                {
                    _a.Write(a);
                    {|NPU2006:_kernel.Start(3UL, _instr, 7u, _a, _c)|}.Wait().ThrowIfNotCompleted();
                    _c.Sync(SyncDirection.FromDevice);
                    _c.Read(c);
                }
            }
            """);
    }

    [Fact]
    public async Task ConditionalAccessWaitDropsTheStateAndIsCheckedInsideTheChain()
    {
        var markup = Snippet.InMethod("""
                Run? run = flag ? kernel.Start(3UL, instr, 7u, input, output) : null;
                {|NPU2007:run?.Wait()|};
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, Snippet.InMethod("""
                Run? run = flag ? kernel.Start(3UL, instr, 7u, input, output) : null;
                run?.Wait().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task TernaryOfWaitsAssignedToADiscardDropsTheStateWithoutAFix()
    {
        // An arm of a ternary must have a value, so appending ThrowIfNotCompleted() there would not compile.
        await NpuVerifier.VerifyNoFixAsync(Snippet.InMethod("""
                var first = kernel.Start(3UL, instr, 7u, input, output);
                var second = kernel.Start(3UL, instr, 7u, input, output);
                _ = flag ? {|NPU2007:first.Wait()|} : {|NPU2007:second.Wait()|};
        """), NpuDiagnostics.RunStateIgnoredId);
    }

    [Fact]
    public async Task TernaryOfWaitsThatIsCheckedIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var first = kernel.Start(3UL, instr, 7u, input, output);
                var second = kernel.Start(3UL, instr, 7u, input, output);
                (flag ? first.Wait() : second.Wait()).ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WaitInAVoidLambdaDropsTheStateAndIsFixedInPlace()
    {
        var markup = Snippet.InMethod("""
                var runs = new List<Run> { kernel.Start(3UL, instr, 7u, input, output) };
                runs.ForEach(r => {|NPU2007:r.Wait()|});
                Action finish = () => {|NPU2007:runs[0].Wait()|};
                finish();
        """);
        await NpuVerifier.VerifyFixAsync(markup, NpuDiagnostics.RunStateIgnoredId, Snippet.InMethod("""
                var runs = new List<Run> { kernel.Start(3UL, instr, 7u, input, output) };
                runs.ForEach(r => r.Wait().ThrowIfNotCompleted());
                Action finish = () => runs[0].Wait().ThrowIfNotCompleted();
                finish();
        """));
    }

    [Fact]
    public async Task WaitReturnedFromALambdaIsNotDropped()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var run = kernel.Start(3UL, instr, 7u, input, output);
                Func<CommandState> finish = () => run.Wait();
                finish().ThrowIfNotCompleted();
        """));
    }

    [Fact]
    public async Task WaitInAVoidExpressionBodiedMethodDropsTheState()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                Finish(kernel.Start(3UL, instr, 7u, input, output));
        """, """
            private static void Finish(Run run) => {|NPU2007:run.Wait()|};
        """));
    }
}

/// <summary>NPU2006 must stay quiet whenever the sync may have happened in a way the flow cannot see.</summary>
public class FlowStyleUnsureTests
{
    [Fact]
    public async Task SyncThroughALocalAliasIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var results = output;
                results.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncThroughAFieldAliasIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                _results = output;
                _results.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """, """
            private Bo? _results;
        """));
    }

    [Fact]
    public async Task SyncInALambdaRunByALibraryCallIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var buffers = new[] { output };
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                Array.ForEach(buffers, b => b.Sync(SyncDirection.FromDevice));
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncThroughAnArrayElementIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var buffers = new[] { input, output };
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                buffers[1].Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncWithADirectionChosenAtRunTimeIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var direction = flag ? SyncDirection.FromDevice : SyncDirection.ToDevice;
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                output.Sync(direction);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncInAHelperOfTheSameTypeIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                Fetch(output);
                output.Read(data);
        """, """
            private static void Fetch(Bo buffer) => buffer.Sync(SyncDirection.FromDevice);
        """));
    }

    [Fact]
    public async Task ReadInACatchAfterAFailedLaunchIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                try
                {
                    input.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                    output.Sync(SyncDirection.FromDevice);
                }
                catch (NpuException)
                {
                    output.Read(data);
                }
        """));
    }
}

/// <summary>NPU2006 stays quiet when a sync goes through a local that may be any buffer.</summary>
public class FlowStyleAliasTests
{
    [Fact]
    public async Task SyncOfEachBufferOfACollectionIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var buffers = new List<Bo> { output };
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                foreach (var buffer in buffers) buffer.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncOfABufferLookedUpByNameIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var byName = new Dictionary<string, Bo>();
                byName["out"] = output;
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                if (byName.TryGetValue("out", out var found)) found.Sync(SyncDirection.FromDevice);
                else output.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task SyncOfABufferChosenByATernaryIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var results = flag ? output : input;
                results.Sync(SyncDirection.FromDevice);
                output.Read(data);
        """));
    }

    [Fact]
    public async Task ReadWithNoSyncAtAllIsStillReportedNextToOtherBuffers()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var buffers = new List<Bo> { input };
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                {|NPU2006:output.Read(data)|};
        """));
    }
}
