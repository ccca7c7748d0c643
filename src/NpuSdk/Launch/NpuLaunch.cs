using System.ComponentModel;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Launch;

/// <summary>
/// The one call a generated <see cref="NpuKernelAttribute"/> method makes, in each of its forms. Each runs the stages of
/// <see cref="CallPipeline"/>: checks the shapes, rents the plan for their block counts, packs, syncs each input buffer
/// once, executes the run list, waits once, syncs each output buffer once, unpacks, and gives the plan back; a plan
/// whose runs failed or timed out is discarded, never reused.
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
        var ops = operands;
        CallPipeline.Run(session, binding, ref ops, "generated call over spans");
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
        var ops = operands;
        if (NpuSequence.Recording is { } recorder && recorder.Session == session)
        {
            var call = Tracing.TraceSpan.Begin(session.Device);
            recorder.Add(binding, CallPipeline.Validate(binding, ref ops, out _), ops);
            call.End(binding.Method, "call", text: "recorded into a sequence");
            return;
        }
        CallPipeline.Run(session, binding, ref ops, "generated call over tensors");
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
            var task = CallPipeline.Start(session, binding, ref ops, operands, cancellationToken);
            handedOver = true;
            return task;
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
        return CallPipeline.Start(session, binding, ref operands, default, cancellationToken);
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

    /// <summary>The session of a tensor call's first tensor (for methods that take no session of their own).</summary>
    /// <exception cref="ArgumentNullException">The tensor is null.</exception>
    public static NpuSession SessionOf(NpuTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Session;
    }

    /// <summary>Operands over spans or memory: their count, directions and element sizes against the design, and their shapes.</summary>
    internal static CallShapes Shapes(KernelBinding binding, in NpuOperands operands)
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

    /// <summary>Operands over tensors: their count, directions and element sizes against the design, and their shapes.</summary>
    internal static CallShapes Shapes(KernelBinding binding, in NpuTensorOperands operands)
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
