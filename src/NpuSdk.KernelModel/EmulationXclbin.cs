using System;
using System.Globalization;
using System.Linq;
using NpuSdk.Xclbin;

namespace NpuSdk.KernelModel;

/// <summary>
/// The xclbin a real mlir-aie build of a manifest's design would have, for running it on the emulator without an NPU
/// toolchain: the mlir-aie section set, opcode, instr, ninstr, then IRON's <c>bo0..bo4</c> whatever the design uses
/// (more if the manifest names a higher one), or the manifest's own buffer names when they are not <c>boN</c> (Riallto's
/// <c>in, tmp, out</c>), then its scalars. <c>npu emulation-xclbin --manifest</c> and the kernel library write these.
/// </summary>
public static class EmulationXclbin
{
    /// <summary>The buffer arguments an IRON build exposes whatever the design uses.</summary>
    public const int IronBuffers = 5;

    /// <summary>The length of the stand-in instruction stream (the original port's was 300 bytes).</summary>
    public const int StandInWords = 75;

    /// <summary>The spec; null when <paramref name="buffers"/> is fewer than the manifest's <c>boN</c> arguments need.</summary>
    /// <param name="manifest">The design.</param>
    /// <param name="buffers">How many <c>boN</c> arguments to write (default: IRON's five, or more if needed).</param>
    /// <param name="kernelName">The kernel's name (default: the manifest's).</param>
    /// <param name="uuidSeed">What the uuid is derived from (default: the xclbin the manifest shares, else its name).</param>
    public static XclbinSpec? Spec(KernelManifest manifest, int? buffers = null, string? kernelName = null, string? uuidSeed = null)
    {
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        string name = kernelName ?? manifest.KernelName;
        var indices = manifest.Buffers.Select(b => b.Arg.StartsWith("bo", StringComparison.Ordinal)
            && int.TryParse(b.Arg.Substring(2), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1).ToList();
        XclbinSpec spec;
        if (indices.All(i => i >= 0))
        {
            int needed = indices.Max() + 1;
            if (buffers is int b && b < needed) return null;
            spec = XclbinSpec.MlirAie(buffers ?? Math.Max(IronBuffers, needed), name, uuidSeed ?? manifest.Xclbin ?? manifest.Name);
        }
        else
        {
            spec = XclbinSpec.MlirAie(0, name, uuidSeed ?? manifest.Xclbin ?? manifest.Name);
            foreach (var buffer in manifest.Buffers) spec.Arguments.Add(new XclbinArgSpec(buffer.Arg, AddressQualifier.Global, "void*", 8, "HOST"));
        }
        spec.EmulationStandIn = manifest.RealDesign is { } real ? $"it mirrors {real}" : "";
        foreach (var scalar in manifest.Scalars)
        {
            bool wide = scalar.Type is ScalarType.Int64 or ScalarType.UInt64;
            string hostType = scalar.Type == ScalarType.Float32 ? "float" : KernelManifestParser.ScalarTypeName(scalar.Type) + "_t";
            spec.Arguments.Add(new XclbinArgSpec(scalar.Arg, AddressQualifier.Scalar, hostType, wide ? 8UL : 4UL));
        }
        return spec;
    }

    /// <summary>
    /// A stand-in instruction stream: the emulator does not interpret instructions, only checks that a non-empty stream
    /// sits in a cacheable instruction buffer. Each word is "NP" and its index, recognisable in a dump; a design that
    /// shares its xclbin with others (<paramref name="design"/> its name) starts with a word derived from its name
    /// instead, since its stream is what tells it apart from the others, on the emulator as on an NPU.
    /// </summary>
    public static uint[] StandInInstructions(int words = StandInWords, string? design = null)
    {
        if (words <= 0) throw new ArgumentOutOfRangeException(nameof(words), words, "An instruction stream has at least one word.");
        var stream = new uint[words];
        for (int i = 0; i < words; i++) stream[i] = 0x4E50_0000u | (uint)i;
        if (design is not null)
        {
            // FNV-1a of the name: stable across runs and machines, unlike string.GetHashCode.
            uint hash = 2166136261;
            foreach (char c in design) hash = (hash ^ c) * 16777619;
            stream[0] = hash;
        }
        return stream;
    }
}
