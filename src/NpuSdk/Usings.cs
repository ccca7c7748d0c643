// The runtime's own code uses its namespaces throughout; a user's code imports what it uses.
global using NpuSdk.Backends;
global using NpuSdk.Numerics;
global using NpuSdk.Telemetry;
global using NpuSdk.Xrt;
