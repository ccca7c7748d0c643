using NpuSdk.KernelModel.Patterns;
using NpuSdk.Launch;

namespace NpuSdk;

/// <summary>
/// A series of tensor calls recorded once (<see cref="NpuSession.Record"/>) and replayed as a whole: the runs of
/// consecutive calls on one hardware context go into one run list, submitted once; a call on another context (another
/// xclbin) starts a new submission, after the previous one completed, since XRT orders runs only within a list. So a
/// sequence over one xclbin is one submission and one wait, and each crossing to another context adds one of each
/// (<see cref="ContextCrossings"/>). Nothing is packed or synced: the calls read and write their tensors in place.
/// A replay pins each context only while its submission runs, so a sequence over more xclbins than the device's
/// context budget still replays: a context evicted since the last replay is reopened and its runs made again.
/// </summary>
public sealed class NpuSequence : IDisposable
{
    [ThreadStatic] private static Recorder? t_recording;

    private readonly object _gate = new();
    private readonly NpuSession _session;
    private readonly TensorPlan[] _plans;
    private readonly Group[] _groups;
    private bool _disposed;

    private NpuSequence(NpuSession session, TensorPlan[] plans, Group[] groups)
    {
        _session = session;
        _plans = plans;
        _groups = groups;
    }

    /// <summary>The recorder of the calling thread, while <see cref="NpuSession.Record"/> runs there.</summary>
    internal static Recorder? Recording => t_recording;

    /// <summary>Calls recorded.</summary>
    public int Calls => _plans.Length;

    /// <summary>Kernel invocations (runs) one replay makes.</summary>
    public int Runs => _plans.Sum(p => p.Invocations);

    /// <summary>Run-list submissions one replay makes: one per stretch of consecutive calls on the same hardware context.</summary>
    public int Submissions => _groups.Length;

    /// <summary>Waits one replay makes: one per submission, since the next context must see the previous one's results.</summary>
    public int Waits => _groups.Length;

    /// <summary>How often a replay moves from one hardware context to another (<see cref="Submissions"/> - 1).</summary>
    public int ContextCrossings => _groups.Length - 1;

    /// <summary>
    /// Runs every recorded call in order and returns when the last has completed.
    /// </summary>
    /// <exception cref="NpuTimeoutException">A submission did not complete within the time its calls allow; its runs were aborted.</exception>
    /// <exception cref="NpuCommandFailedException">A run failed: the message names the call and its invocation; the rest were not run.</exception>
    /// <exception cref="ObjectDisposedException">The sequence, its session or its device was disposed.</exception>
    public void Replay()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var device = _session.Device;
            device.EnterCall();
            var replay = Tracing.TraceSpan.Begin(device);
            try
            {
                // Each group is the stretch of calls on one xclbin, whose context comes from the device's cache: opened only
                // when it is not open (the first replay, or after an eviction), which NPU2005 cannot tell from its code.
#pragma warning disable NPU2005
                foreach (var group in _groups) group.Run();
#pragma warning restore NPU2005
            }
            finally
            {
                device.ExitCall();
                replay.End("replay sequence", "call");
            }
        }
    }

    /// <summary>Releases the sequence's runs and scratch buffers; the tensors stay with their owner.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var g in _groups) g.Dispose();
            foreach (var p in _plans) p.Dispose();
        }
        _session.Forget(this);
    }

    internal static NpuSequence Record(NpuSession session, Action calls)
    {
        if (t_recording is not null) throw new InvalidOperationException("A sequence is already being recorded on this thread; recordings do not nest.");
        var recorder = new Recorder(session);
        t_recording = recorder;
        try
        {
            calls();
        }
        catch
        {
            recorder.DisposeAll();
            throw;
        }
        finally
        {
            t_recording = null;
        }
        if (recorder.Plans.Count == 0)
            throw new InvalidOperationException("Nothing was recorded: the action made no tensor call on this session.");
        try
        {
            return new NpuSequence(session, recorder.Plans.ToArray(), Group.Split(recorder.Plans, recorder.Operands));
        }
        catch
        {
            recorder.DisposeAll();
            throw;
        }
    }

    /// <summary>Collects the calls of one recording as plans of their own, bound to the calls' tensors and scalars.</summary>
    internal sealed class Recorder(NpuSession session)
    {
        public NpuSession Session { get; } = session;
        public List<TensorPlan> Plans { get; } = new();
        public List<NpuTensorOperands> Operands { get; } = new();

        public void Add(KernelBinding binding, GridKey key, in NpuTensorOperands operands)
        {
            var kernel = Session.GetKernel(binding);
            // Pinned while the plan's runs are made and bound; a replay pins each context again, remaking runs it lost.
            var lease = kernel.Acquire(binding.Descriptor.Timeout);
            TensorPlan? plan = null;
            try
            {
                plan = new TensorPlan(kernel, binding, key, ownsRunList: false, lease.Kernel);
                plan.Bind(lease.Kernel);
                // The pipeline's staging, once: the sequence's run lists submit and wait on every replay.
                var staged = operands;
                CallPipeline.Stage(plan, ref staged);
            }
            catch
            {
                plan?.Dispose();
                throw;
            }
            finally
            {
                lease.Release();
            }
            Plans.Add(plan);
            Operands.Add(operands);
        }

        public void DisposeAll()
        {
            foreach (var p in Plans) p.Dispose();
            Plans.Clear();
            Operands.Clear();
        }
    }

    /// <summary>
    /// Consecutive calls on one xclbin (one hardware context): one run list holding all their runs, made on the context
    /// a replay pins and made again when that context was evicted since the last replay.
    /// </summary>
    private sealed class Group : IDisposable
    {
        private readonly TensorPlan[] _plans;
        private readonly NpuTensorOperands[] _operands;
        private readonly TimeSpan _timeout;
        private RunList? _list;

        private Group(TensorPlan[] plans, NpuTensorOperands[] operands)
        {
            _plans = plans;
            _operands = operands;
            _timeout = TimeSpan.FromTicks(plans.Sum(p => p.Binding.Descriptor.Timeout.Ticks));
        }

        public static Group[] Split(List<TensorPlan> plans, List<NpuTensorOperands> operands)
        {
            var groups = new List<Group>();
            int start = 0;
            for (int i = 1; i <= plans.Count; i++)
            {
                if (i < plans.Count && plans[i].Kernel.Uuid.Equals(plans[start].Kernel.Uuid)) continue;
                groups.Add(new Group(plans.GetRange(start, i - start).ToArray(), operands.GetRange(start, i - start).ToArray()));
                start = i;
            }
            return groups.ToArray();
        }

        /// <summary>Pins the group's context once (every plan's kernel is of its xclbin), remakes what an eviction closed, submits and waits.</summary>
        public void Run()
        {
            var lease = _plans[0].Kernel.Acquire(_timeout);
            try
            {
                bool remade = _list is null;
                for (int i = 0; i < _plans.Length; i++)
                {
                    var plan = _plans[i];
                    if (!plan.Bind(i == 0 ? lease.Kernel : plan.Kernel.KernelOn(lease.Context.Context))) continue;
                    CallPipeline.Stage(plan, ref _operands[i]);
                    remade = true;
                }
                if (remade) MakeList();
                Execute();
            }
            finally
            {
                lease.Release();
            }
        }

        private void MakeList()
        {
            _list?.Dispose();
            _list = null;
            var list = new RunList(_plans[0].Context!);
            try
            {
                foreach (var plan in _plans) plan.Runs.AddTo(list);
            }
            catch
            {
                list.Dispose();
                throw;
            }
            _list = list;
        }

        private void Execute()
        {
            var list = _list!;
            list.Execute();
            var state = list.Wait(_timeout);
            if (state == CommandState.Completed) return;
            try { list.Abort(); }
            catch (NpuException) { }
            if (state.IsPending())
                throw new NpuTimeoutException($"A recorded submission of {_plans.Length} calls ({string.Join(", ", _plans.Select(p => p.Binding.Method).Distinct())}) did not complete within {_timeout.TotalMilliseconds:0} ms (state {state}); its runs were aborted.", state, _plans[0].Binding.Descriptor.KernelName);
            var f = list.LastFailure;
            int index = f?.Index ?? 0, call = 0;
            while (call < _plans.Length - 1 && index >= _plans[call].Invocations) index -= _plans[call++].Invocations;
            var plan = _plans[call];
            string detail = f is null ? $"it ended in state {state}" : f.Describe(index, plan.Binding.Method);
            throw new NpuCommandFailedException($"A recorded submission failed: {detail}.", state, plan.Binding.Descriptor.KernelName, f, index);
        }

        public void Dispose()
        {
            _list?.Dispose();
            _list = null;
        }
    }
}
