using System.Runtime.CompilerServices;

// The native tier reaches the XRT handles below the public runtime objects, to see XRT's own errors.
[assembly: InternalsVisibleTo("NpuSdk.Native.Tests")]
