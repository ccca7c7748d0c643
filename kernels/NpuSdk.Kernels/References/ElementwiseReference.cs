using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;

namespace NpuSdk.Kernels;

/// <summary>
/// <c>add</c> and <c>multiply</c> (pattern <c>elementwise</c>): z = x + y or x·y element by element, for two inputs and
/// one output of <c>tile.elements</c> values. Integers are combined exactly in 64 bits, then shifted, rounded, saturated
/// and stored by the rule; bf16 and float32 in float32, stored as float32 or rounded to bf16 (nearest-even).
/// </summary>
internal sealed class ElementwiseReference : IReferenceKernel
{
    private readonly OperandLayout _x, _y, _z;
    private readonly int _elements;
    private readonly bool _multiply, _float;
    private readonly IntegerRule _rule;

    public ElementwiseReference(KernelManifest manifest)
    {
        MacsPerInvocation = KernelWork.MacsPerInvocation(manifest);
        var inputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Input).ToList();
        var outputs = manifest.Operands.Where(o => o.Buffer.Role == BufferRole.Output).ToList();
        if (inputs.Count != 2 || outputs.Count != 1)
            throw new KernelManifestException($"the emulator's {manifest.Operation} takes two inputs and one output; the manifest has {inputs.Count} and {outputs.Count}", manifest.SourcePath, 0, 0);
        _x = OperandLayout.Of(manifest, inputs[0].Part.Operand);
        _y = OperandLayout.Of(manifest, inputs[1].Part.Operand);
        _z = OperandLayout.Of(manifest, outputs[0].Part.Operand);
        _elements = manifest.Dimension("elements");
        _multiply = manifest.Operation == "multiply";
        _float = ElementTypes.IsFloat(manifest.Numeric.Accumulator);
        _rule = new IntegerRule(manifest.Numeric);
    }

    public long MacsPerInvocation { get; }
    public ComputePrecision Precision => LatencyModel.PrecisionOf(_x.ElementType);

    public void Execute(in ReferenceInvocation invocation)
    {
        var x = invocation.Bytes(_x);
        var y = invocation.Bytes(_y);
        var z = invocation.Bytes(_z);
        for (int i = 0; i < _elements; i++)
        {
            if (_float)
            {
                float a = LoadFloat(x, _x.ElementType, i), b = LoadFloat(y, _y.ElementType, i);
                float r = _multiply ? a * b : a + b;
                if (_z.ElementType == ElementType.BFloat16) MemoryMarshal.Cast<byte, ushort>(z)[i] = BFloat16.RoundToBits(BitConverter.SingleToUInt32Bits(r));
                else MemoryMarshal.Cast<byte, float>(z)[i] = r;
                continue;
            }
            long p = IntegerRule.Load(x, _x.ElementType, i), q = IntegerRule.Load(y, _y.ElementType, i);
            IntegerRule.Store(z, _z.ElementType, i, _rule.Apply(_multiply ? p * q : p + q));
        }
    }

    private static float LoadFloat(ReadOnlySpan<byte> source, ElementType type, int i) =>
        type == ElementType.BFloat16 ? BitConverter.UInt32BitsToSingle((uint)MemoryMarshal.Cast<byte, ushort>(source)[i] << 16) : MemoryMarshal.Cast<byte, float>(source)[i];
}
