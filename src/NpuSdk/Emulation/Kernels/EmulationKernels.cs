using NpuSdk.Emulation.Kernels;

namespace NpuSdk.Emulation;

/// <summary>Built-in emulation xclbins, each paired with its reference implementation (see <see cref="BuiltInKernels"/>).</summary>
public static class EmulationKernels
{
    /// <summary>
    /// The original port's 16x16 int8 tile kernel (mlir-aie ABI <c>opcode, instr, ninstr, bo0, bo1</c>):
    /// <c>bo0</c> holds the A tile then the B tile (512 bytes, row-major int8), <c>bo1</c> receives the
    /// 16x16 int8 C tile. See <see cref="TileMatMul16Int8"/> for the numeric rule; the manifest is
    /// <c>kernels/matmul_16x16_int8/manifest.json</c>.
    /// </summary>
    public static EmulationKernel MatMul16x16Int8 => BuiltInKernels.Get("matmul_16x16_int8");

    /// <summary>
    /// A stand-in instruction stream of <paramref name="words"/> words. The emulator does not interpret
    /// instructions; it only requires a non-empty stream in a cacheable buffer, as the hardware does.
    /// </summary>
    public static uint[] EmulationInstructions(int words)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(words);
        var stream = new uint[words];
        for (int i = 0; i < words; i++) stream[i] = 0x4E50_0000u | (uint)i; // "NP" + word index: recognisable in a dump
        return stream;
    }
}

/// <summary>
/// The numeric rule of the 16x16 int8 tile kernel, bit for bit:
/// <c>C[i,j] = clamp((Σk A[i,k]·B[k,j]) &gt;&gt; 7, -128, 127)</c> with the sum in int32 and an arithmetic
/// (flooring) right shift, as the original port's kernel requantized each partial product with a shift of 7.
/// The host adds the int8 partial tiles over K in int32 and clamps once at the end. The emulator runs the
/// kernel library's implementation of <c>kernels/matmul_16x16_int8/manifest.json</c>, which follows this rule.
/// </summary>
public static class TileMatMul16Int8
{
    /// <summary>Tile edge.</summary>
    public const int Tile = 16;
    /// <summary>The requantization shift.</summary>
    public const int Shift = 7;

    /// <summary>Computes one tile with the kernel's numeric rule.</summary>
    public static void Compute(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> c) =>
        Int8MatMul.MultiplyRequantize(a, b, c, Tile, Tile, Tile, Shift);
}
