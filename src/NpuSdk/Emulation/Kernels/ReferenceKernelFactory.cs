namespace NpuSdk.Emulation.Kernels;

/// <summary>Makes the reference implementation a manifest describes.</summary>
public static class ReferenceKernelFactory
{
    /// <summary>
    /// The reference implementation of <paramref name="manifest"/>, chosen by its operation, pattern and element
    /// types; a combination the emulator does not implement is an error naming the manifest.
    /// </summary>
    public static IReferenceKernel Create(KernelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var input = manifest.Buffers[0].ElementType;
        var output = manifest.Buffers.LastOrDefault(b => b.Role == BufferRole.Output)?.ElementType;
        var rule = manifest.Numeric;
        return (manifest.Operation, manifest.Pattern, input, output) switch
        {
            ("matmul", KernelPattern.TileMatMul, KernelElementType.Int8, KernelElementType.Int8)
                when Requires(manifest, "accumulator", rule.Accumulator, "int32") && Requires(manifest, "rounding", rule.Rounding, "floor") && Requires(manifest, "saturate", rule.Saturate, "int8")
                => new Int8TileMatMulKernel(manifest),
            ("matmul", KernelPattern.KStripMatMul, KernelElementType.Int8, KernelElementType.Int32)
                when Requires(manifest, "accumulator", rule.Accumulator, "int32") && Requires(manifest, "shift", rule.Shift.ToString(System.Globalization.CultureInfo.InvariantCulture), "0")
                => new Int8KStripMatMulKernel(manifest),
            ("matmul", KernelPattern.TileMatMul, KernelElementType.BFloat16, KernelElementType.Float32)
                when Requires(manifest, "accumulator", rule.Accumulator, "float32") && Requires(manifest, "multiplyAdd", rule.MultiplyAdd, "fused") && Requires(manifest, "order", rule.Order, "ascending-k")
                => new BFloat16TileMatMulKernel(manifest),
            ("layernorm", KernelPattern.Rowwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new LayerNormKernel(manifest),
            ("gelu", KernelPattern.Elementwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new GeluKernel(manifest),
            ("softmax", KernelPattern.Rowwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new SoftmaxKernel(manifest),
            ("attention", KernelPattern.Attention, KernelElementType.BFloat16, KernelElementType.BFloat16) => new AttentionKernel(manifest),
            _ => throw new KernelManifestException(
                $"Kernel manifest '{manifest.Name}': the emulator has no reference implementation of operation '{manifest.Operation}' with pattern '{KernelManifestParser.PatternName(manifest.Pattern)}', " +
                $"{KernelManifestParser.ElementTypeName(input)} input and {(output is { } o ? KernelManifestParser.ElementTypeName(o) : "no")} output."),
        };
    }

    /// <summary>True when the manifest states the rule the implementation follows; otherwise an error naming the key.</summary>
    private static bool Requires(KernelManifest manifest, string key, string? stated, string implemented) =>
        stated == implemented ? true
        : throw new KernelManifestException($"Kernel manifest '{manifest.Name}': numeric.{key} is '{stated ?? "(missing)"}', but the emulator's {manifest.Operation} implements '{implemented}'.");
}
