using System.Runtime.InteropServices;

namespace NpuSdk.Benchmarks.Proof;

/// <summary>The hand-written C++ baseline (HandWritten/handwritten_matmul.cpp): the generated matmul's work made directly against XRT.</summary>
internal static unsafe partial class HandWrittenXrt
{
    private const string Library = "npusdk_bench_handwritten";

    [LibraryImport(Library, EntryPoint = "hw_open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenCore(string xclbinPath, string kernelName, uint* instructions, int words,
        int tm, int tk, int tn, int packed, int outSize, int m, int k, int n);

    [LibraryImport(Library, EntryPoint = "hw_last_error")]
    private static partial nint LastError();

    [LibraryImport(Library, EntryPoint = "hw_matmul")]
    private static partial int MatMulCore(nint state, sbyte* a, sbyte* b, void* c);

    [LibraryImport(Library, EntryPoint = "hw_close")]
    public static partial void Close(nint state);

    /// <summary>Opens the design: its setup, buffers and bound runs for an m x k x n product on tiles tm x tk x tn.</summary>
    public static nint Open(string xclbinPath, uint[] instructions, int tm, int tk, int tn, bool packed, int outSize, int m, int k, int n)
    {
        nint state;
        fixed (uint* words = instructions)
            state = OpenCore(xclbinPath, "MLIR_AIE", words, instructions.Length, tm, tk, tn, packed ? 1 : 0, outSize, m, k, n);
        return state != 0 ? state : throw new InvalidOperationException($"The hand-written XRT baseline could not open: {Marshal.PtrToStringUTF8(LastError())}");
    }

    public static void MatMul(nint state, sbyte[] a, sbyte[] b, Array c)
    {
        int status;
        fixed (sbyte* pa = a, pb = b)
        {
            if (c is sbyte[] c8) fixed (sbyte* pc = c8) status = MatMulCore(state, pa, pb, pc);
            else fixed (int* pc = (int[])c) status = MatMulCore(state, pa, pb, pc);
        }
        if (status != 0) throw new InvalidOperationException($"The hand-written XRT call failed: {Marshal.PtrToStringUTF8(LastError())}");
    }
}
