using System.Collections.Generic;
using System.Linq;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Generators.Binding;

/// <summary>The method's buffer parameters against the pattern's operands: count, matrix or vector, direction (NPU1006), element type (NPU1020).</summary>
internal static class OperandChecks
{
    public static bool Agree(BindContext c, KernelManifest manifest, IReadOnlyList<MethodOperand> operands, string kernel)
    {
        var buffers = c.Buffers;
        bool shapeOk = operands.Count == buffers.Count && operands.Select((o, i) =>
            o.IsInput == buffers[i].IsInput && (o.Kind == OperandShapeKind.Matrix) == buffers[i].IsMatrix).All(x => x);
        if (!shapeOk)
        {
            string expected = string.Join(", ", operands.Select(o =>
                BindContext.SpanName(o.Kind == OperandShapeKind.Matrix, o.IsInput) + "<" + ElementTypes.CSharpName(o.KernelType) + "> " + o.Name));
            return c.Report(NpuDiagnostics.BufferMismatch, c.Name, kernel,
                $"its {KernelManifestParser.PatternName(manifest.Pattern)} manifest takes ({expected}) in that order, and this method takes ({c.DescribeBuffers()})");
        }
        for (int i = 0; i < operands.Count; i++)
        {
            var o = operands[i];
            var type = buffers[i].Element!.Value;
            if (ElementTypes.Fits(o.IsInput, type, o.KernelType)) continue;
            string kernelType = ElementTypes.ManifestName(o.KernelType);
            string rule = o.IsInput
                ? $"the kernel reads {kernelType}, so it must be {BindContext.SpanName(o.Kind == OperandShapeKind.Matrix, input: true)}<{ElementTypes.CSharpName(o.KernelType)}>"
                : $"the kernel writes {kernelType}; an integer output becomes sbyte, byte, short or int (saturating), a float one float or BFloat16";
            return c.Report(NpuDiagnostics.ElementTypeMismatch, c.Name, buffers[i].PlainName, o.Name, ElementTypes.CSharpName(type), rule);
        }
        return true;
    }
}
