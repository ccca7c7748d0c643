using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests;

/// <summary>
/// NPU2006 over device-resident tensors: a raw read of a tensor's buffer after a kernel call that may write it, a read
/// through a write view, and a kernel call after a raw host write; CopyFrom, CopyTo, MapForRead and a disposed write
/// view make their own syncs. The same discipline as for buffers: a report only when every path lacks the sync.
/// </summary>
public class MissingSyncTensorTests
{
    [Fact]
    public async Task TheDiagnosticNamesTheSyncTargetAndTheVariableApart()
    {
        // The fix syncs "c.Buffer" and looks for earlier uses of "c": both come from the analyzer, not from splitting one.
        var tensor = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(Snippet.WithTensors("""
                a.CopyFrom(host);
                Ops.Add(a, b, c);
                var first = c.Buffer.Map<int>()[0];
                Console.WriteLine(first);
        """)));
        var buffer = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(Snippet.InMethod("""
                input.Write(data);
                input.Sync(SyncDirection.ToDevice);
                kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();
                var result = new byte[64];
                output.Read(result);
        """)));
        var onTensor = Assert.Single(tensor, d => d.Id == NpuDiagnostics.MissingSyncId);
        Assert.Equal("c.Buffer", onTensor.Properties["NpuBuffer"]);
        Assert.Equal("c", onTensor.Properties["NpuBufferVariable"]);
        var onBuffer = Assert.Single(buffer, d => d.Id == NpuDiagnostics.MissingSyncId);
        Assert.Equal("output", onBuffer.Properties["NpuBuffer"]);
        Assert.Equal("output", onBuffer.Properties["NpuBufferVariable"]);
    }

    [Fact]
    public async Task RawReadAfterAKernelCallIsReportedAndFixedWithASyncOfTheBuffer()
    {
        var markup = Snippet.WithTensors("""
                a.CopyFrom(host);
                Ops.Add(a, b, c);
                var first = {|#0:c.Buffer.Map<int>()[0]|};
                Console.WriteLine(first);
        """);
        await NpuVerifier.VerifyAsync(markup.Replace("{|#0:", "{|NPU2006:"));
        await new NpuTest(fixedId: NpuDiagnostics.MissingSyncId)
        {
            TestCode = markup,
            ExpectedDiagnostics =
            {
                NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0).WithArguments("The host reads", "c",
                    "through its buffer after a launch that may write it", "FromDevice", "read a tensor with CopyTo or MapForRead, which sync it first"),
            },
            FixedCode = Snippet.WithTensors("""
                a.CopyFrom(host);
                Ops.Add(a, b, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                var first = c.Buffer.Map<int>()[0];
                Console.WriteLine(first);
        """),
        }.RunAsync();
    }

    [Fact]
    public async Task ReadOfTheBufferAfterInvokeOverTensorOperandsIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                NpuSdk.Launch.NpuLaunch.Invoke(session, Descriptor, NpuSdk.Launch.NpuTensorOperands.Create().In(a).Out(c).Scalar(4));
                {|NPU2006:c.Buffer.Read(bytes)|};
        """, "    private static readonly NpuSdk.Launch.NpuKernelDescriptor Descriptor = null!;"));
    }

    [Fact]
    public async Task CopyOutOfTheMappedBufferAfterAnAwaitedCallIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("", """
            public async System.Threading.Tasks.Task Later(NpuTensor<int> a, NpuTensor<int> b, NpuTensor<int> c, int[] host)
            {
                await Ops.AddAsync(a, b, c);
                {|NPU2006:c.Buffer.Map<int>().Slice(0, host.Length).CopyTo(host)|};
            }
        """));
    }

    [Fact]
    public async Task ReadAfterTheReplayOfASequenceRecordedHereIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                using var sequence = session.Record(() =>
                {
                    Ops.Add(a, b, c);
                    Ops.Add(c, b, c);
                });
                sequence.Replay();
                Console.WriteLine({|NPU2006:c.Buffer.Map<int>()[0]|});
                Console.WriteLine(a.Buffer.Map<int>()[0]);   // an input of every recorded call
        """));
    }

    [Fact]
    public async Task ReadThroughAWriteViewAfterTheCallIsReportedWithItsOwnMessage()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                using (var view = c.MapForWrite())
                {
                    view.Span[0] = {|#0:view.Span[1]|} + 1;
                    view.Span[2] = view.Span[3];   // after a host write the analysis no longer knows what the host view holds
                }
        """), NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0).WithArguments("The host reads", "c",
            "through a write view after a launch that may write it", "FromDevice",
            "a write view shows what the host last saw; read a tensor with CopyTo or MapForRead, which sync it first"));
    }

    [Fact]
    public async Task CompoundAssignmentThroughASpanOfAWriteViewReadsTooAndIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                using var view = c.MapForWrite();
                var values = view.Span;
                {|NPU2006:values[0]|} += 1;
        """));
    }

    [Fact]
    public async Task ReadThroughAReadViewAfterALaterCallIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                var view = c.MapForRead();
                Console.WriteLine(view.Span[0]);
                Ops.Add(a, b, c);
                Console.WriteLine({|NPU2006:view.Span[0]|});
        """));
    }

    [Fact]
    public async Task CallAfterARawHostWriteIsReportedAndFixedWithASyncToTheDevice()
    {
        var markup = Snippet.WithTensors("""
                var values = a.Buffer.Map<int>();
                values[0] = 7;
                {|#0:Ops.Add(a, b, c)|};
                c.CopyTo(host);
        """);
        await NpuVerifier.VerifyAsync(markup, NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0).WithArguments("A launch uses", "a",
            "after the host wrote it", "ToDevice", "write a tensor with CopyFrom, or dispose its MapForWrite view before the launch: each syncs it"));
        await NpuVerifier.VerifyFixAsync(markup.Replace("{|#0:", "{|NPU2006:"), NpuDiagnostics.MissingSyncId, Snippet.WithTensors("""
                var values = a.Buffer.Map<int>();
                values[0] = 7;
                a.Buffer.Sync(SyncDirection.ToDevice);
                Ops.Add(a, b, c);
                c.CopyTo(host);
        """));
    }

    [Fact]
    public async Task CallWhileAWriteViewIsStillOpenIsReported()
    {
        // The view syncs when disposed, at the end of the method: the kernel reads the old data.
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                using var view = a.MapForWrite();
                host.AsSpan().CopyTo(view.Span);
                {|NPU2006:Ops.Add(a, b, c)|};
        """));
    }

    [Fact]
    public async Task ReplayAfterARawHostWriteIsReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                using var sequence = session.Record(() => Ops.Add(a, b, c));
                a.Buffer.Write(bytes);
                {|NPU2006:sequence.Replay()|};
        """));
    }

    [Fact]
    public async Task CopyToBeforeTheWaitOfARunOnTheRawBufferIsReportedWithoutAFix()
    {
        // CopyTo makes its own sync, before the results are there: a sync in front of it would be as early.
        var markup = Snippet.WithTensors("""
                a.Buffer.Sync(SyncDirection.ToDevice);
                var run = kernel.Start(3UL, instr, 7u, a.Buffer, c.Buffer);
                {|#0:c.CopyTo(host)|};
                run.Wait().ThrowIfNotCompleted();
        """);
        await NpuVerifier.VerifyAsync(markup, NpuVerifier.Diagnostic(NpuDiagnostics.MissingSync).WithLocation(0).WithArguments("The host reads", "c",
            "after a launch (CopyTo syncs it before the run's wait)", "FromDevice", "results are there only once the run's wait returns: call CopyTo after it"));
        await NpuVerifier.VerifyNoFixAsync(markup.Replace("{|#0:", "{|NPU2006:"), NpuDiagnostics.MissingSyncId);
    }

    [Fact]
    public async Task CopyToMapForReadAndASyncOfTheBufferAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                c.CopyTo(host);
                Console.WriteLine(c.Buffer.Map<int>()[0]);
                Ops.Add(a, b, c);
                using (var view = c.MapForRead()) Console.WriteLine(view.Span[0] + c.Buffer.Map<int>()[1]);
                Ops.Add(a, b, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                c.Buffer.Read(bytes);
        """));
    }

    [Fact]
    public async Task ASyncOnOnePathIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                if (flag) c.CopyTo(host);
                c.Buffer.Read(bytes);
                Ops.Add(a, b, c);
                if (flag) c.Buffer.Sync(SyncDirection.FromDevice, 64, 0);
                else Console.WriteLine("skipped");
                c.Buffer.Read(bytes);
        """));
    }

    [Fact]
    public async Task ACallBetweenThatMaySyncIsNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                Download(c);
                c.Buffer.Read(bytes);
                a.Buffer.Map<int>()[0] = 1;
                Refresh();
                Ops.Add(a, b, c);
        """, """
            private Action _refresh = () => { };
            private void Download(NpuTensor<int> tensor) => tensor.CopyTo(new int[tensor.Length]);
            private void Refresh() => _refresh();
        """));
    }

    [Fact]
    public async Task TensorsNeverLaunchedOrOnlyReadByTheKernelAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, a, b);
                Console.WriteLine(c.Buffer.Map<int>()[0]);   // never launched
                Console.WriteLine(a.Buffer.Map<int>()[0]);   // an input of the call: the host view is what the host wrote
        """));
    }

    [Fact]
    public async Task WritesThroughCopyFromOrADisposedWriteViewAreSynced()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                a.CopyFrom(host);
                using (var view = b.MapForWrite())
                {
                    host.AsSpan().CopyTo(view.Span);
                }
                Ops.Add(a, b, c);
                var raw = a.Buffer.Map<int>();
                raw[0] = 1;
                a.Buffer.Sync(SyncDirection.ToDevice);
                Ops.Add(a, b, c);
        """));
    }

    [Fact]
    public async Task AKernelCallWhoseOutputsAreNotKnownTakesHostWrittenTensorsForInputs()
    {
        // Scale has no span form to say what it writes: like a buffer, a tensor the method writes from the host is
        // taken for an input; one it never writes is taken for an output.
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                a.CopyFrom(host);
                Ops.Scale(a);
                Console.WriteLine(a.Buffer.Map<int>()[0]);
                Ops.Scale(c);
                Console.WriteLine({|NPU2006:c.Buffer.Map<int>()[0]|});
        """));
    }

    [Fact]
    public async Task ReplayOfASequenceMadeElsewhereOrOfReassignedTensorsIsNotFollowed()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                _sequence.Replay();
                c.Buffer.Read(bytes);
                var target = c;
                using var sequence = session.Record(() => Ops.Add(a, b, target));
                target = a;
                sequence.Replay();
                target.Buffer.Read(bytes);
        """, "    private readonly NpuSequence _sequence = null!;"));
    }

    [Fact]
    public async Task TensorsOfUnknownOriginMaySyncAnyTensor()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                foreach (var tensor in new[] { a, c }) tensor.CopyTo(host);
                c.Buffer.Read(bytes);
        """));
    }

    [Fact]
    public async Task AnAliasOfTheBufferSyncsTheTensor()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                var raw = c.Buffer;
                Ops.Add(a, b, c);
                raw.Sync(SyncDirection.FromDevice);
                c.Buffer.Read(bytes);
        """));
    }

    [Fact]
    public async Task ALibraryCallHandedTwoTensorsMaySyncEither()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                Ops.Add(a, b, b);
                System.Collections.Generic.EqualityComparer<NpuTensor<int>>.Default.Equals(b, c);
                c.Buffer.Read(bytes);
                b.Buffer.Read(bytes);
        """));
    }

    [Fact]
    public async Task MatrixViewsAndTensorsOfOtherObjectsAreNotFollowed()
    {
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                using (var view = c.MapForWrite()) Console.WriteLine(view.Matrix[0, 0]);
                Ops.Add(a, b, _layer.Output);
                Console.WriteLine(_layer.Output.Buffer.Map<int>()[0]);
        """, """
            private readonly Layer _layer = new();
            private sealed class Layer { public NpuTensor<int> Output { get; set; } = null!; }
        """));
    }

    [Fact]
    public async Task AnAsynchronousCallIsTakenToHaveCompletedWhenItReturns()
    {
        // CopyTo before the await reads too early, but the task's completion is not followed: not reported.
        await NpuVerifier.VerifyAsync(Snippet.WithTensors("", """
            public async System.Threading.Tasks.Task Later(NpuTensor<int> a, NpuTensor<int> b, NpuTensor<int> c, int[] host)
            {
                var pending = Ops.AddAsync(a, b, c);
                c.CopyTo(host);
                await pending;
            }
        """));
    }

    [Fact]
    public async Task TensorCodeBeingTypedDoesNotCrashTheAnalyzer()
    {
        var source = Snippet.WithTensors("""
                Ops.Add(a, b, );
                Console.WriteLine(c.Buffer.Map<int>()[);
                using var view = c.MapForWrite(
                view.Span[0] = ;
                var sequence = session.Record(() => Ops.Add(a, b c));
                sequence.Replay(;
                NpuSdk.Launch.NpuLaunch.Invoke(session, null, NpuSdk.Launch.NpuTensorOperands.Create().In().Out(c, c));
                Ops.Scale(a, b);
                c.CopyTo();
                a = session.CreateTensor<int>(;
        """);
        var compilation = NpuVerifier.Compile(source);
        Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        await NpuVerifier.AnalyzeAsync(compilation); // asserts that no analyzer threw (AD0001)
    }

    [Fact]
    public async Task TwoRawReadsWithACallBetweenGetASyncEachInAFixAllPass()
    {
        await NpuVerifier.VerifyFixAsync(Snippet.WithTensors("""
                Ops.Add(a, b, c);
                {|NPU2006:c.Buffer.Read(bytes)|};
                Ops.Add(b, b, c);
                {|NPU2006:c.Buffer.Read(bytes)|};
                Console.WriteLine({|NPU2006:c.Buffer.Map<int>()[0]|});
        """), NpuDiagnostics.MissingSyncId, Snippet.WithTensors("""
                Ops.Add(a, b, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                c.Buffer.Read(bytes);
                Ops.Add(b, b, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                c.Buffer.Read(bytes);
                Console.WriteLine(c.Buffer.Map<int>()[0]);
        """));
    }
}
