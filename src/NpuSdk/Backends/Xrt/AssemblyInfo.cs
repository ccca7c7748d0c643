using System.Runtime.CompilerServices;

// The native tier reaches the XRT handles below the public runtime objects, to see XRT's own errors.
[assembly: InternalsVisibleTo("NpuSdk.Native.Tests")]
// `npu doctor` reports what backend selection sees (the accelerator probe, where XRT and the shim were looked for).
[assembly: InternalsVisibleTo("npu")]
