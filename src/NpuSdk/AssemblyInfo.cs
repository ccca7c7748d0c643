using System.Runtime.CompilerServices;

// The benchmarks time a launch plan's packing on its own, against a plain copy of the same bytes.
[assembly: InternalsVisibleTo("NpuSdk.Benchmarks")]
