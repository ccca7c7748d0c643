using System.Linq;
using NpuSdk.Generators.Diagnostics;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;
using NpuSdk.KernelModel.Patterns;

namespace NpuSdk.Generators.Binding;

/// <summary>The method's buffer parameters against the pattern's operands: count, matrix or vector, direction (NPU1006), element type (NPU1020).</summary>
internal static class OperandChecks
{
    public static bool Agree(BindContext c, KernelManifest manifest, string kernel)
    {
        var operands = PatternStrategy.For(manifest.Pattern).Operands(manifest);
        var buffers = c.Buffers;
        bool shapeOk = operands.Count == buffers.Count && operands.Select((o, i) =>
            o.IsInput == buffers[i].IsInput && (o.Kind == OperandShapeKind.Matrix) == buffers[i].IsMatrix).All(x => x);
        if (!shapeOk)
        {
            string expected = string.Join(", ", operands.Select(o => (o.Kind == OperandShapeKind.Matrix ? (o.IsInput ? "ReadOnlySpan2D" : "Span2D") : (o.IsInput ? "ReadOnlySpan" : "Span"))
                + "<" + BindContext.CSharp(o.KernelType) + "> " + o.Name));
            return c.Report(NpuDiagnostics.BufferMismatch, c.Name, kernel,
                $"its {KernelManifestParser.PatternName(manifest.Pattern)} manifest takes ({expected}) in that order, and this method takes ({c.DescribeBuffers()})");
        }
        for (int i = 0; i < operands.Count; i++)
        {
            var o = operands[i];
            var type = buffers[i].Element!.Value;
            if (o.IsInput ? type == o.KernelType : ElementTypes.IsFloat(type) == ElementTypes.IsFloat(o.KernelType)) continue;
            string kernelType = ElementTypes.ManifestName(o.KernelType);
            string rule = o.IsInput
                ? $"the kernel reads {kernelType}, so it must be ReadOnlySpan{(o.Kind == OperandShapeKind.Matrix ? "2D" : "")}<{BindContext.CSharp(o.KernelType)}>"
                : $"the kernel writes {kernelType}; an integer output becomes sbyte, byte, short or int (saturating), a float one float or BFloat16";
            return c.Report(NpuDiagnostics.ElementTypeMismatch, c.Name, buffers[i].PlainName, o.Name, BindContext.CSharp(type), rule);
        }
        return true;
    }
}
