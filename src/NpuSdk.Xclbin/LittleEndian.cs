using System;
using System.Text;

namespace NpuSdk.Xclbin;

/// <summary>
/// Little-endian reads and writes over a byte array at absolute offsets. Plain array code (no spans) so the
/// same file compiles for netstandard2.0 inside the source generator. Callers check bounds first.
/// </summary>
internal static class LittleEndian
{
    internal static ushort U16(byte[] d, long o) => (ushort)(d[o] | d[o + 1] << 8);

    internal static uint U32(byte[] d, long o) => (uint)(d[o] | d[o + 1] << 8 | d[o + 2] << 16 | d[o + 3] << 24);

    internal static int I32(byte[] d, long o) => unchecked((int)U32(d, o));

    internal static ulong U64(byte[] d, long o) => U32(d, o) | (ulong)U32(d, o + 4) << 32;

    /// <summary>A NUL-terminated string in a fixed field of <paramref name="length"/> bytes.</summary>
    internal static string FixedString(byte[] d, long o, int length)
    {
        int n = 0;
        while (n < length && d[o + n] != 0) n++;
        return Encoding.UTF8.GetString(d, (int)o, n);
    }

    internal static void Put(byte[] d, long o, ushort v) { d[o] = (byte)v; d[o + 1] = (byte)(v >> 8); }

    internal static void Put(byte[] d, long o, uint v)
    {
        d[o] = (byte)v; d[o + 1] = (byte)(v >> 8); d[o + 2] = (byte)(v >> 16); d[o + 3] = (byte)(v >> 24);
    }

    internal static void Put(byte[] d, long o, int v) => Put(d, o, unchecked((uint)v));

    internal static void Put(byte[] d, long o, ulong v) { Put(d, o, (uint)v); Put(d, o + 4, (uint)(v >> 32)); }

    /// <summary>Writes <paramref name="text"/> into a fixed field, NUL-padded; it must leave room for the NUL.</summary>
    internal static void PutFixedString(byte[] d, long o, int length, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length >= length)
            throw new ArgumentException($"'{text}' does not fit a {length}-byte xclbin name field (at most {length - 1} UTF-8 bytes).");
        Buffer.BlockCopy(bytes, 0, d, (int)o, bytes.Length);
    }
}
