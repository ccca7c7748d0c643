using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// Where a call's operands live, and so how they reach a plan and come back: spans and pinned memory are packed into the
/// plan's buffers and synced, and the outputs synced back and unpacked; tensors are the plan's buffers, bound to its runs,
/// and stay on the device.
/// </summary>
internal interface ICallOperands
{
    /// <summary>True when the operands are tensors: the plan binds them instead of packing into buffers of its own.</summary>
    bool OnDevice { get; }

    /// <summary>The call's scalars, as the bits bound to the kernel's scalar arguments.</summary>
    ScalarSlots Scalars { get; }

    /// <summary>Checks the operands against the design (count, direction, element size) and returns their shapes.</summary>
    /// <exception cref="ArgumentException">An operand does not fit; the message names it.</exception>
    CallShapes Shapes(KernelBinding binding);

    /// <summary>Puts the inputs where the runs read them: packs and syncs them, or binds the tensors.</summary>
    void StageInputs(LaunchPlan plan);

    /// <summary>Brings the outputs back once the runs completed: syncs and unpacks them (nothing for tensors).</summary>
    void StageOutputs(LaunchPlan plan);
}

/// <summary>
/// The one launch sequence of a generated call, in stages: validate the operands and find the plan's key; begin (pin the
/// context, rent the plan); stage (bind the scalars, stage the inputs); submit (one run list); wait (once); stage the
/// outputs; end (give the plan back, or discard it when the device may still be using it). The synchronous, asynchronous,
/// tensor and recorded forms are these stages in different hands: <see cref="NpuLaunch"/> runs them in one go, the
/// session's <see cref="CompletionQueue"/> waits and stages the outputs of an asynchronous call, and a recorded
/// <see cref="NpuSequence"/> stages its calls once and submits them in its own run lists. <c>npu plan</c> runs them against
/// a counting emulator to say what a call does.
/// </summary>
internal static class CallPipeline
{
    /// <summary>Validate: the operands' shapes against the design, and the key of the plan that fits them.</summary>
    /// <exception cref="ArgumentException">An operand does not fit; the message and ParamName name the parameter.</exception>
    public static GridKey Validate<T>(KernelBinding binding, scoped ref T operands, out CallShapes shapes) where T : ICallOperands, allows ref struct
    {
        shapes = operands.Shapes(binding);
        return binding.Strategy.Measure(binding.Manifest, shapes, binding.ParameterNames);
    }

    /// <summary>Stage: binds the call's scalars and puts its inputs where the runs read them.</summary>
    public static void Stage<T>(LaunchPlan plan, scoped ref T operands) where T : ICallOperands, allows ref struct
    {
        plan.BindScalars(operands.Scalars);
        operands.StageInputs(plan);
    }

    /// <summary>Stage the outputs, once the runs completed.</summary>
    public static void StageOutputs<T>(LaunchPlan plan, scoped ref T operands) where T : ICallOperands, allows ref struct => operands.StageOutputs(plan);

    /// <summary>Every stage of a synchronous call: returns when the outputs are written (or stay on the device, for tensors).</summary>
    public static void Run<T>(NpuSession session, KernelBinding binding, scoped ref T operands, string form) where T : ICallOperands, allows ref struct
    {
        var call = Tracing.TraceSpan.Begin(session.Device);
        var key = Validate(binding, ref operands, out var shapes);
        call.End("validate", "call");
        var scope = Scope.Begin(session, binding, shapes, key, operands.OnDevice);
        try
        {
            scope.Start(ref operands);
            scope.Plan.Wait();
            StageOutputs(scope.Plan, ref operands);
            scope.Completed();
        }
        catch (Exception e) when (scope.Failed(e))
        {
            // Never entered: the filter records the failure on the call's span and lets the exception go on.
        }
        finally
        {
            scope.End();
            call.End(binding.Method, "call", text: form);
        }
    }

    /// <summary>
    /// The stages of an asynchronous call up to its submission; the session's completion thread waits and stages the
    /// outputs (of <paramref name="pinned"/>, which it releases), and completes the returned task.
    /// </summary>
    public static ValueTask Start<T>(NpuSession session, KernelBinding binding, scoped ref T operands, NpuMemoryOperands pinned, CancellationToken cancellationToken)
        where T : ICallOperands, allows ref struct
    {
        var key = Validate(binding, ref operands, out var shapes);
        var scope = Scope.Begin(session, binding, shapes, key, operands.OnDevice);
        try
        {
            scope.Start(ref operands);
            var completion = session.Completions.Enqueue(scope.Plan, pinned, scope.Telemetry, cancellationToken);
            scope.HandOver();
            return new ValueTask(completion, completion.Version);
        }
        catch (Exception e) when (scope.Failed(e))
        {
            throw; // never reached: the filter records the failure and declines
        }
        finally
        {
            scope.End();
        }
    }

    /// <summary>
    /// One call's hold on the device, its plan and its telemetry: begun before the plan is rented, ended on every path.
    /// Once runs were submitted, only a completed call proves the device is done with the plan's buffers, so any other end
    /// discards the plan; an asynchronous call hands the plan, its hold and its span over to the session's completion
    /// thread, which ends them when the call's task completes.
    /// </summary>
    private struct Scope
    {
        private NpuSession _session;
        private NpuCallTelemetry _telemetry;
        private bool _submitted, _completed, _handedOver;

        public LaunchPlan Plan { get; private set; }

        /// <summary>Begin: enters the call, pins the kernel's context (opening it if needed) and rents the plan.</summary>
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
                planning.End("plan", "call", text: "the context pinned (opened if needed) and the plan rented (built if needed)");
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

        /// <summary>Stage and submit.</summary>
        public void Start<T>(scoped ref T operands) where T : ICallOperands, allows ref struct
        {
            Stage(Plan, ref operands);
            _submitted = true;
            Plan.Execute();
        }

        public void Completed() => _completed = true;

        /// <summary>The call's span and clock, for the completion thread to end when the call is handed over.</summary>
        public readonly NpuCallTelemetry Telemetry => _telemetry;

        public void HandOver() => _handedOver = true;

        /// <summary>Records the exception the call is about to throw; always false, for use as an exception filter.</summary>
        public bool Failed(Exception e) => _telemetry.Failed(e);

        /// <summary>End: the plan back to the pool when the device is done with it, else discarded; the call's span stopped.</summary>
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
}
