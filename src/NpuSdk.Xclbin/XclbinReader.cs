using System;

namespace NpuSdk.Xclbin;

// Placeholder until the reader lands (issue 2, xclbin container).
internal static class XclbinReader
{
    internal static XclbinFile Read(byte[] data, string? sourceName) => throw new NotSupportedException("xclbin reader not built yet");
}
