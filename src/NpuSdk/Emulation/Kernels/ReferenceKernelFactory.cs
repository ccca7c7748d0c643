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
        return (manifest.Operation, manifest.Pattern, input, output) switch
        {
            ("matmul", KernelPattern.TileMatMul, KernelElementType.Int8, KernelElementType.Int8) => new Int8TileMatMulKernel(manifest),
            ("matmul", KernelPattern.KStripMatMul, KernelElementType.Int8, KernelElementType.Int32) => new Int8KStripMatMulKernel(manifest),
            ("matmul", KernelPattern.TileMatMul, KernelElementType.BFloat16, KernelElementType.Float32) => new BFloat16TileMatMulKernel(manifest),
            ("layernorm", KernelPattern.Rowwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new LayerNormKernel(manifest),
            ("gelu", KernelPattern.Elementwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new GeluKernel(manifest),
            ("softmax", KernelPattern.Rowwise, KernelElementType.BFloat16, KernelElementType.BFloat16) => new SoftmaxKernel(manifest),
            ("attention", KernelPattern.Attention, KernelElementType.BFloat16, KernelElementType.BFloat16) => new AttentionKernel(manifest),
            _ => throw new KernelManifestException(
                $"Kernel manifest '{manifest.Name}': the emulator has no reference implementation of operation '{manifest.Operation}' with pattern '{KernelManifestParser.PatternName(manifest.Pattern)}', " +
                $"{KernelManifestParser.ElementTypeName(input)} input and {(output is { } o ? KernelManifestParser.ElementTypeName(o) : "no")} output."),
        };
    }
}
