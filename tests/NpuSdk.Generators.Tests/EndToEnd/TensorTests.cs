using NpuSdk.Emulation;

namespace NpuSdk.Generators.Tests.EndToEnd;

/// <summary>
/// Tensor forms of generated methods on the emulator: operands that stay on the device, chained calls that move no
/// bytes, resident weights, the shapes a tensor cannot serve, and recorded sequences.
/// </summary>
public sealed class TensorTests
{
    private static (Device Device, NpuSession Session) Open(EmulatorFaults? faults = null)
    {
        AddInt32Reference.EnsureRegistered();
        var device = Device.Open(new EmulatorBackend(new EmulatorOptions { Faults = faults }));
        return (device, new NpuSession(device));
    }

    private static (long Syncs, long Bytes, long Submissions, long Waits, long Runs) Traffic(Device d) =>
        (d.Counters.SyncsToDevice + d.Counters.SyncsFromDevice, d.Counters.BytesToDevice + d.Counters.BytesFromDevice,
         d.Counters.Submissions, d.Counters.Waits, d.Counters.Runs);

    [Fact]
    public void Chained_calls_over_tensors_move_no_bytes_between_upload_and_download()
    {
        const int Length = 1000;   // 4 invocations of 256, the last one padded inside the tensor's buffer
        var x = Enumerable.Range(0, Length).ToArray();
        var y = Enumerable.Range(0, Length).Select(i => 7 * i - 5).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var tx = session.CreateTensor<int>(Length);
            using var ty = session.CreateTensor<int>(Length);
            using var t1 = session.CreateTensor<int>(Length);
            using var t2 = session.CreateTensor<int>(Length);
            tx.CopyFrom(x);
            ty.CopyFrom(y);
            GeneratedKernels.Add(session, tx, ty, t1);    // warm: loads the kernel and builds the plan
            var before = Traffic(device);
            GeneratedKernels.Add(session, tx, ty, t1);
            GeneratedKernels.Add(session, t1, ty, t2);    // the first call's output is the second's input, on the device
            var after = Traffic(device);
            Assert.Equal(0, after.Syncs - before.Syncs);
            Assert.Equal(0, after.Bytes - before.Bytes);
            Assert.Equal(2, after.Submissions - before.Submissions);
            Assert.Equal(8, after.Runs - before.Runs);

            long fromDevice = device.Counters.SyncsFromDevice;
            var result = new int[Length];
            t2.CopyTo(result);
            Assert.Equal(x.Zip(y, (p, q) => p + 2 * q), result);
            Assert.Equal(1, device.Counters.SyncsFromDevice - fromDevice);   // the download is the one sync back
        }
    }

    [Fact]
    public void A_whole_array_gemm_over_tensors_is_exact_and_moves_no_bytes_while_it_runs()
    {
        const int M = 600, K = 512, N = 512;   // two row blocks of the 512x512x512 design, the second padded
        var a = IronDesignTests.Int16(M * K, 3, limit: 300);
        var b = IronDesignTests.Int16(K * N, 4, limit: 300);
        var expected = IronDesignTests.Gemm(a, b, M, K, N, kBlock: K);
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var ta = session.CreateTensor<short>(M, K);
            using var tb = session.CreateTensor<short>(K, N);
            using var tc = session.CreateTensor<int>(M, N);
            tb.CopyFrom(new ReadOnlySpan2D<short>(b, K, N));   // the weights, uploaded once
            ta.CopyFrom(a);
            long uploaded = device.Counters.BytesToDevice, downloaded = device.Counters.BytesFromDevice;
            long runs = device.Counters.Runs;
            IronDesigns.Gemm(session, ta, tb, tc);
            Assert.Equal(2, device.Counters.Runs - runs);
            // Only the kernel's instructions went to the device, once, as it loaded: no operand byte.
            long instructionBytes = NpuSdk.Xclbin.InstructionStream.LoadFile(Path.Combine(AppContext.BaseDirectory, "whole_array_int16.insts.txt")).ByteCount;
            Assert.Equal(uploaded + instructionBytes, device.Counters.BytesToDevice);
            var result = new int[M * N];
            tc.CopyTo(new Span2D<int>(result, M, N));
            Assert.Equal(expected, result);
            Assert.Equal((long)M * N * 4, device.Counters.BytesFromDevice - downloaded);   // the download only
        }
    }

    [Fact]
    public void A_tensor_whose_blocks_are_not_whole_rows_of_it_is_refused_naming_the_parameter()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var a = session.CreateTensor<short>(512, 512);
            using var wide = session.CreateTensor<short>(512, 1024);
            using var cWide = session.CreateTensor<int>(512, 1024);
            // N = 1024 on a 512-wide design: B and C are cut into two column blocks each.
            var e = Assert.Throws<ArgumentException>(() => IronDesigns.Gemm(session, a, wide, cWide));
            Assert.Equal("b", e.ParamName);
            Assert.Contains("whole rows", e.Message);

            // K = 1024 on a design whose reduction is 512: each C block is the sum of two invocations' partials.
            using var aLong = session.CreateTensor<short>(512, 1024);
            using var bTall = session.CreateTensor<short>(1024, 512);
            using var c = session.CreateTensor<int>(512, 512);
            e = Assert.Throws<ArgumentException>(() => IronDesigns.Gemm(session, aLong, bTall, c));
            Assert.True(e.ParamName is "a" or "c", e.Message);

            // A tensor of another session's device.
            using var other = Device.Open(new EmulatorBackend());
            using var otherSession = new NpuSession(other);
            using var foreign = otherSession.CreateTensor<short>(512, 512);
            e = Assert.Throws<ArgumentException>(() => IronDesigns.Gemm(session, a, foreign, c));
            Assert.Equal("b", e.ParamName);
            Assert.Equal(0, device.Counters.Runs);
        }
    }

    [Fact]
    public void A_recorded_sequence_replays_with_one_submission_per_context_and_moves_no_bytes()
    {
        const int Length = 1024;
        var x = Enumerable.Range(0, Length).Select(i => i * 3).ToArray();
        var y = Enumerable.Range(0, Length).Select(i => 1000 - i).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var tx = session.CreateTensor<int>(Length);
            using var ty = session.CreateTensor<int>(Length);
            using var t1 = session.CreateTensor<int>(Length);
            using var t2 = session.CreateTensor<int>(Length);
            using var t3 = session.CreateTensor<int>(Length);
            tx.CopyFrom(x);
            ty.CopyFrom(y);
            using var sequence = session.Record(() =>
            {
                GeneratedKernels.Add(session, tx, ty, t1);            // add_int32.xclbin ...
                GeneratedKernels.Add(session, t1, ty, t2);            // ... same context: same submission
                IronDesigns.Add(session, t2, tx, t3);        // vector_add_int32.xclbin: a new context
            });
            Assert.Equal(3, sequence.Calls);
            Assert.Equal(2, sequence.Submissions);
            Assert.Equal(1, sequence.ContextCrossings);
            Assert.Equal(0, device.Counters.Runs);          // recording runs nothing

            var before = Traffic(device);
            sequence.Replay();
            sequence.Replay();
            var after = Traffic(device);
            Assert.Equal(4, after.Submissions - before.Submissions);
            Assert.Equal(4, after.Waits - before.Waits);
            Assert.Equal(0, after.Bytes - before.Bytes);
            Assert.Equal(2 * sequence.Runs, after.Runs - before.Runs);

            var result = new int[Length];
            t3.CopyTo(result);
            Assert.Equal(Enumerable.Range(0, Length).Select(i => x[i] + 2 * y[i] + x[i]), result);
        }
    }

    [Fact]
    public void Only_tensor_calls_can_be_recorded_and_an_empty_recording_is_an_error()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var e = Assert.Throws<InvalidOperationException>(() => session.Record(() =>
                GeneratedKernels.Add(session, new int[4], new int[4], new int[4])));
            Assert.Contains("only synchronous calls over tensors can be recorded", e.Message);
            Assert.Throws<InvalidOperationException>(() => session.Record(() => { }));
            Assert.Equal(0, device.Counters.Runs);
        }
    }

    [Fact]
    public void A_failed_run_in_a_replay_names_the_call_and_the_next_replay_works()
    {
        var faults = new EmulatorFaults();
        var (device, session) = Open(faults);
        using (device)
        using (session)
        {
            using var tx = session.CreateTensor<int>(512);
            using var t1 = session.CreateTensor<int>(512);
            using var t2 = session.CreateTensor<int>(512);
            tx.CopyFrom(Enumerable.Range(0, 512).ToArray());
            using var sequence = session.Record(() =>
            {
                GeneratedKernels.Add(session, tx, tx, t1);   // runs 0 and 1 of the list
                GeneratedKernels.Add(session, t1, tx, t2);   // runs 2 and 3
            });
            faults.Inject(EmulatorFaultKind.Error, invocation: 3);
            var e = Assert.Throws<NpuCommandFailedException>(sequence.Replay);
            Assert.Equal(1, e.Invocation);
            Assert.Contains("invocation 1 of GeneratedKernels.Add", e.Message);
            sequence.Replay();
            var result = new int[512];
            t2.CopyTo(result);
            Assert.Equal(Enumerable.Range(0, 512).Select(i => 3 * i), result);
        }
    }

    [Fact]
    public void A_tensor_grows_once_for_a_design_whose_padded_blocks_reach_past_it_and_a_matrix_serves_a_vector_operand()
    {
        var rng = new Random(8);
        var x = Enumerable.Range(0, 1000).Select(_ => BFloat16.FromSingle((float)rng.NextDouble() * 6 - 3)).ToArray();
        var (device, session) = Open();
        using (device)
        using (session)
        {
            var expected = new BFloat16[x.Length];
            GeneratedKernels.Gelu(session, x, expected);

            // 1,000 elements, room for 4,096: the design's one 32,768-element block needs more, so the buffer grows once.
            using var tx = session.CreateTensor<BFloat16>(1000);
            using var ty = session.CreateTensor<BFloat16>(1000);
            tx.CopyFrom(x);
            GeneratedKernels.Gelu(session, tx, ty);
            GeneratedKernels.Gelu(session, tx, ty);
            var result = new BFloat16[x.Length];
            ty.CopyTo(result);
            Assert.Equal(expected, result);

            // A 2-D tensor passed where the kernel takes a vector: its elements row-major.
            using var m = session.CreateTensor<BFloat16>(10, 100);
            using var my = session.CreateTensor<BFloat16>(10, 100);
            m.CopyFrom(x);
            GeneratedKernels.Gelu(session, m, my);
            my.CopyTo(result);
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void A_steady_state_tensor_call_and_a_replay_allocate_nothing()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var x = session.CreateTensor<int>(1000);
            using var y = session.CreateTensor<int>(1000);
            using var sum = session.CreateTensor<int>(1000);
            using var sequence = session.Record(() => GeneratedKernels.Add(session, x, y, sum));
            for (int warm = 0; warm < 3; warm++)
            {
                GeneratedKernels.Add(session, x, y, sum);
                sequence.Replay();
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            GeneratedKernels.Add(session, x, y, sum);
            sequence.Replay();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Mapped_views_make_their_syncs()
    {
        var (device, session) = Open();
        using (device)
        using (session)
        {
            using var x = session.CreateTensor<int>(256);
            using var sum = session.CreateTensor<int>(256);
            using (var w = x.MapForWrite())
                for (int i = 0; i < 256; i++) w.Span[i] = i;
            GeneratedKernels.Add(session, x, x, sum);
            var view = sum.MapForRead();
            Assert.Equal(Enumerable.Range(0, 256).Select(i => 2 * i), view.Span.ToArray());
            Assert.Throws<ArgumentException>(() => x.CopyFrom(new int[255]));
            Assert.Throws<ArgumentException>(() => x.CopyTo(new int[257]));
        }
    }
}
