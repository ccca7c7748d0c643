using System;

namespace NpuSdk.Xclbin;

/// <summary>Writes xclbin files in the section layout of an mlir-aie or Riallto build.</summary>
public static class XclbinWriter
{
    /// <summary>Writes the xclbin image for <paramref name="spec"/>.</summary>
    public static byte[] Write(XclbinSpec spec) => throw new NotSupportedException("xclbin writer not built yet");
}
