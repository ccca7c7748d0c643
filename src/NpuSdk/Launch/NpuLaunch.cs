using System.ComponentModel;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// The one call a generated <see cref="NpuKernelAttribute"/> method makes. It owns the whole launch: checks the
/// shapes, rents the plan for their block counts, packs, syncs each input buffer once, executes the run list, waits
/// once, syncs each output buffer once, unpacks, and gives the plan back; a plan whose runs failed or timed out is
/// discarded, never reused.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NpuLaunch
{
    /// <summary>Runs one call of the kernel <paramref name="descriptor"/> describes over <paramref name="operands"/>.</summary>
    /// <exception cref="ArgumentException">An operand's shape does not fit the kernel; the message names the parameter.</exception>
    /// <exception cref="NpuTimeoutException">The runs did not complete within the method's timeout.</exception>
    /// <exception cref="NpuCommandFailedException">A run failed.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public static void Invoke(NpuSession session, NpuKernelDescriptor descriptor, in NpuOperands operands)
    {
        var binding = Resolve(session, descriptor, "with spans");
        var call = Tracing.TraceSpan.Begin(session.Device);
        var shapes = Shapes(binding, operands);
        var key = binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames);
        call.End("validate", "call");
        var launch = Scope.Begin(session, binding, shapes, key, tensors: false);
        try
        {
            var plan = launch.Start(operands);
            plan.Wait();
            plan.SyncOutputs();
            var unpack = Tracing.TraceSpan.Begin(session.Device);
            plan.Unpack(operands);
            unpack.End("unpack", "call");
            launch.Completed();
        }
        catch (Exception e) when (launch.Failed(e))
        {
            // Never entered: the filter records the failure on the call's span and lets the exception go on.
        }
        finally
        {
            launch.End();
            call.End(binding.Method, "call", "generated call over spans");
        }
    }

    /// <summary>
    /// Runs one call over tensors: the runs are bound to the tensors' buffers, so nothing is packed or synced; the
    /// outputs stay on the device until read with <see cref="NpuTensor{T}.CopyTo(Span{T})"/>. Inside
    /// <see cref="NpuSession.Record"/> the call is recorded instead.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor's shape does not fit the kernel, or its blocks are not whole rows of it.</exception>
    /// <exception cref="NpuTimeoutException">The runs did not complete within the method's timeout.</exception>
    /// <exception cref="NpuCommandFailedException">A run failed.</exception>
    public static void Invoke(NpuSession session, NpuKernelDescriptor descriptor, in NpuTensorOperands operands)
    {
        var binding = Resolve(session, descriptor, recordable: true);
        var call = Tracing.TraceSpan.Begin(session.Device);
        var shapes = Shapes(binding, operands);
        var key = binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames);
        if (NpuSequence.Recording is { } recorder && recorder.Session == session)
        {
            recorder.Add(binding, key, operands);
            call.End(binding.Method, "call", "recorded into a sequence");
            return;
        }
        call.End("validate", "call");
        var launch = Scope.Begin(session, binding, shapes, key, tensors: true);
        try
        {
            var plan = launch.Start(operands);
            plan.Wait();
            launch.Completed();
        }
        catch (Exception e) when (launch.Failed(e))
        {
            // Never entered: the filter records the failure on the call's span and lets the exception go on.
        }
        finally
        {
            launch.End();
            call.End(binding.Method, "call", "generated call over tensors");
        }
    }

    /// <summary>
    /// Starts one call over memory and returns when the runs are submitted: the inputs are packed and synced before
    /// this returns (so the caller may reuse them), the outputs are written when the returned task completes. Calls
    /// started before earlier ones complete get plans of their own, so packing overlaps the device's work.
    /// Cancelling aborts the call's runs; the task then ends in <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <remarks>Takes ownership of the pins <paramref name="operands"/> holds: they are released on every path.</remarks>
    public static ValueTask InvokeAsync(NpuSession session, NpuKernelDescriptor descriptor, NpuMemoryOperands operands, CancellationToken cancellationToken)
    {
        bool handedOver = false;
        try
        {
            var binding = Resolve(session, descriptor, "asynchronously");
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
            var ops = operands.View();
            var shapes = Shapes(binding, ops);
            var key = binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames);
            var launch = Scope.Begin(session, binding, shapes, key, tensors: false);
            try
            {
                var plan = launch.Start(ops);
                var completion = session.Completions.Enqueue(plan, operands, launch.Telemetry, cancellationToken);
                handedOver = launch.HandOver();
                return new ValueTask(completion, completion.Version);
            }
            catch (Exception e) when (launch.Failed(e))
            {
                throw; // never reached: the filter records the failure and declines
            }
            finally
            {
                launch.End();
            }
        }
        finally
        {
            if (!handedOver) operands.Release();
        }
    }

    /// <summary>
    /// Starts one call over tensors and returns when its runs are submitted; the task completes when they have. The
    /// outputs stay on the device. Cancelling aborts the call's runs.
    /// </summary>
    public static ValueTask InvokeAsync(NpuSession session, NpuKernelDescriptor descriptor, NpuTensorOperands operands, CancellationToken cancellationToken)
    {
        var binding = Resolve(session, descriptor, "asynchronously");
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        var shapes = Shapes(binding, operands);
        var key = binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames);
        var launch = Scope.Begin(session, binding, shapes, key, tensors: true);
        try
        {
            var plan = launch.Start(operands);
            var completion = session.Completions.Enqueue(plan, default, launch.Telemetry, cancellationToken);
            launch.HandOver();
            return new ValueTask(completion, completion.Version);
        }
        catch (Exception e) when (launch.Failed(e))
        {
            throw; // never reached: the filter records the failure and declines
        }
        finally
        {
            launch.End();
        }
    }

    /// <summary>The descriptor's binding; refuses a call that cannot be recorded while this thread records on the session.</summary>
    private static KernelBinding Resolve(NpuSession session, NpuKernelDescriptor descriptor, string how = "", bool recordable = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(descriptor);
        var binding = descriptor.Binding;
        if (!recordable && NpuSequence.Recording is { } recorder && recorder.Session == session)
            throw new InvalidOperationException($"{binding.Method} was called {how} while a sequence is being recorded; only synchronous calls over tensors can be recorded.");
        return binding;
    }

    /// <summary>
    /// One call's hold on the device, its plan and its telemetry: entered before the plan is rented, ended on every
    /// path. Once runs were submitted, only a completed call proves the device is done with the plan's buffers, so any
    /// other end discards the plan; an asynchronous call hands the plan, its hold and its span over to the session's
    /// completion thread, which ends them when the call's task completes.
    /// </summary>
    private struct Scope
    {
        private NpuSession _session;
        private NpuCallTelemetry _telemetry;
        private bool _submitted, _completed, _handedOver;

        public LaunchPlan Plan { get; private set; }

        public static Scope Begin(NpuSession session, KernelBinding binding, in CallShapes shapes, GridKey key, bool tensors)
        {
            var device = session.Device;
            device.EnterCall();
            var telemetry = NpuTelemetry.StartCall(binding, shapes, device);
            var planning = Tracing.TraceSpan.Begin(device);
            try
            {
                // The kernel's context is pinned from here until the call ends: it is not evicted while the runs may run.
                var lease = session.GetKernel(binding).Acquire(binding.Descriptor.Timeout);
                LaunchPlan plan;
                try
                {
                    plan = session.Rent(binding, key, tensors, lease);
                }
                catch
                {
                    lease.Release();
                    throw;
                }
                telemetry.Planned(plan.Invocations);
                planning.End("plan", "call", "the context pinned (opened if needed) and the plan rented (built if needed)");
                return new Scope { _session = session, _telemetry = telemetry, Plan = plan };
            }
            catch (Exception e)
            {
                telemetry.Failed(e);
                telemetry.Stop();
                device.ExitCall();
                throw;
            }
        }

        /// <summary>Packs and syncs the inputs of a call over memory, binds its scalars and submits its runs.</summary>
        public BlockPlan Start(in NpuOperands operands)
        {
            var plan = (BlockPlan)Plan;
            plan.BindScalars(operands.Scalars);
            var pack = Tracing.TraceSpan.Begin(plan.Kernel.Device);
            plan.Pack(operands);
            pack.End("pack", "call");
            plan.SyncInputs();
            _submitted = true;
            plan.Execute();
            return plan;
        }

        /// <summary>Binds a call over tensors to its tensors' buffers and its scalars and submits its runs.</summary>
        public TensorPlan Start(in NpuTensorOperands operands)
        {
            var plan = (TensorPlan)Plan;
            plan.BindScalars(operands.Scalars);
            plan.Bind(operands);
            _submitted = true;
            plan.Execute();
            return plan;
        }

        public void Completed() => _completed = true;

        /// <summary>The call's span and clock, for the completion thread to end when the call is handed over.</summary>
        public readonly NpuCallTelemetry Telemetry => _telemetry;

        public bool HandOver() => _handedOver = true;

        /// <summary>Records the exception the call is about to throw; always false, for use as an exception filter.</summary>
        public bool Failed(Exception e) => _telemetry.Failed(e);

        public readonly void End()
        {
            if (_handedOver)
            {
                // The completion thread ends the span; the caller goes on outside it.
                _telemetry.Detach();
                return;
            }
            try
            {
                _session.EndCall(Plan, deviceDone: _completed || !_submitted);
            }
            finally
            {
                _telemetry.Stop();
            }
        }
    }

    /// <summary>The session of a tensor call's first tensor (for methods that take no session of their own).</summary>
    /// <exception cref="ArgumentNullException">The tensor is null.</exception>
    public static NpuSession SessionOf(NpuTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Session;
    }

    private static CallShapes Shapes(KernelBinding binding, in NpuOperands operands)
    {
        CheckCounts(binding, operands.Count, operands.ScalarCount);
        var shapes = new CallShapes();
        for (int i = 0; i < operands.Count; i++)
        {
            var s = operands.Shape(i);
            CheckOperand(binding, i, s.ElementSize, s.Writable);
            shapes.Add(s.Rows, s.Cols);
        }
        return shapes;
    }

    private static CallShapes Shapes(KernelBinding binding, in NpuTensorOperands operands)
    {
        CheckCounts(binding, operands.Count, operands.ScalarCount);
        var shapes = new CallShapes();
        for (int i = 0; i < operands.Count; i++)
        {
            var t = operands.Tensor(i);
            CheckOperand(binding, i, t.ElementSize, operands.IsOutput(i));
            // A vector operand takes any tensor whole, row-major (a matrix's elements one row after another).
            if (binding.Operands[i].Kind == KernelModel.Patterns.OperandShapeKind.Vector) shapes.Add(1, t.Length);
            else shapes.Add(t.Rows, t.Cols);
        }
        return shapes;
    }

    private static void CheckCounts(KernelBinding binding, int buffers, int scalars)
    {
        if (buffers != binding.Operands.Count || scalars != binding.ScalarTargets.Length)
            throw new ArgumentException($"{binding.Method} passes {buffers} buffers and {scalars} scalars; its kernel takes {binding.Operands.Count} and {binding.ScalarTargets.Length}. Rebuild the project.");
    }

    private static void CheckOperand(KernelBinding binding, int i, int elementSize, bool writable)
    {
        if (elementSize != ElementTypes.Size(binding.MethodTypes[i]) || writable == binding.Operands[i].IsInput)
            throw new ArgumentException($"{binding.Method}: operand {i} ('{binding.ParameterNames[i]}') is not the {(binding.Operands[i].IsInput ? "input" : "output")} of {ElementTypes.ManifestName(binding.MethodTypes[i])} the method was generated for. Rebuild the project.");
    }
}
