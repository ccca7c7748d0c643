using System.Linq;

namespace NpuSdk.KernelModel;

/// <summary>
/// How much arithmetic one invocation of a kernel does, from its manifest alone: what the latency model charges as
/// compute. The emulator's references and <c>npu plan</c> both count it here, so a projection made without running a
/// kernel and one made by running it on the emulator agree.
/// </summary>
internal static class KernelWork
{
    /// <summary>
    /// Multiply-accumulates of one invocation: m·k·n for a matmul (m·K·n for a K-strip, K being the call's padded strip
    /// length), m·k for a GEMV, and for the vector operations a count of their per-element work in multiply-accumulate
    /// equivalents (1 for add, multiply and bias-add, 2 for layer norm and softmax, 4 for GELU); attention counts its two products
    /// per query, key and model column. 0 for an operation the library does not know.
    /// </summary>
    public static long MacsPerInvocation(KernelManifest m, int stripLength = 0)
    {
        long Dim(string key) => m.Tile.TryGetValue(key, out int v) ? v : 0;
        return m.Operation switch
        {
            "matmul" when m.Pattern == NpuPattern.KStripMatMul => Dim("m") * stripLength * Dim("n"),
            "matmul" => Dim("m") * Dim("k") * Dim("n"),
            "gemv" => Dim("m") * Dim("k"),
            "add" or "multiply" => Dim("elements"),
            "bias-add" => Dim("rows") * Dim("cols"),
            "gelu" => 4 * Dim("elements"),
            "layernorm" or "softmax" => 2 * Dim("rows") * Dim("cols"),
            "attention" => 2 * Dim("queries") * Dim("keys") * Dim("dim"),
            _ => 0,
        };
    }

    /// <summary>The element type the kernel multiplies: its first input's (the multiply-accumulate rate depends on it).</summary>
    public static ElementType ComputeType(KernelManifest m) =>
        m.Buffers.FirstOrDefault(b => b.Role == BufferRole.Input && b.ElementType is not null)?.ElementType ?? ElementType.Int8;
}
