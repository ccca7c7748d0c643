// The runtime's namespaces this project's code uses throughout.
global using NpuSdk.Backends;
global using NpuSdk.Numerics;
global using NpuSdk.Telemetry;
global using NpuSdk.Xrt;
