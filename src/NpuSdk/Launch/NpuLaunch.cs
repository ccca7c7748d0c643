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
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(descriptor);
        var binding = descriptor.Binding;
        var key = binding.Strategy.Measure(binding.Manifest, Shapes(binding, operands), binding.ParameterNames);
        var device = session.Device;
        device.EnterCall();
        NpuCallTelemetry telemetry = default;
        try
        {
            telemetry = NpuTelemetry.StartCall(binding, operands, device);
            Run(session, binding, key, operands, telemetry);
        }
        catch (Exception e) when (telemetry.Failed(e))
        {
            // Never entered: the filter records the failure on the call's span and lets the exception go on.
        }
        finally
        {
            device.ExitCall();
            telemetry.Stop();
        }
    }

    private static void Run(NpuSession session, KernelBinding binding, GridKey key, in NpuOperands operands, in NpuCallTelemetry telemetry)
    {
        var plan = session.Rent(binding, key);
        telemetry.Planned(plan.Invocations);
        bool submitted = false, completed = false;
        try
        {
            plan.BindScalars(operands);
            plan.Pack(operands);
            plan.SyncInputs();
            submitted = true;
            plan.Execute();
            plan.Wait();
            plan.SyncOutputs();
            plan.Unpack(operands);
            completed = true;
        }
        finally
        {
            // Once runs were submitted, only a completed call proves the device is done with the plan's buffers.
            if (completed || !submitted) session.Return(plan);
            else session.Discard(plan);
        }
    }

    private static CallShapes Shapes(KernelBinding binding, in NpuOperands operands)
    {
        if (operands.Count != binding.Operands.Count || operands.ScalarCount != binding.ScalarTargets.Length)
            throw new ArgumentException($"{binding.Method} passes {operands.Count} buffers and {operands.ScalarCount} scalars; its kernel takes {binding.Operands.Count} and {binding.ScalarTargets.Length}. Rebuild the project.");
        var shapes = new CallShapes();
        for (int i = 0; i < operands.Count; i++)
        {
            var s = operands.Shape(i);
            if (s.ElementSize != ElementTypes.Size(binding.MethodTypes[i]) || s.Writable == binding.Operands[i].IsInput)
                throw new ArgumentException($"{binding.Method}: operand {i} ('{binding.ParameterNames[i]}') is not the {(binding.Operands[i].IsInput ? "input" : "output")} of {ElementTypes.ManifestName(binding.MethodTypes[i])} the method was generated for. Rebuild the project.");
            shapes.Add(s.Rows, s.Cols);
        }
        return shapes;
    }
}
