namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>Wraps a method body in a class whose parameters are the usual runtime objects.</summary>
public static class Snippet
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using NpuSdk;
        using NpuSdk.Xrt;

        """;

    /// <summary>
    /// What the NpuSdk generator writes for two [NpuKernel] methods, as a stand-in (this harness runs no generator):
    /// Add(x, y, sum) with its span form, whose read-only spans say which tensors are inputs, and its tensor and
    /// asynchronous forms; Scale(x), a tensor form with no span form beside it, so what it writes is not known.
    /// </summary>
    public const string GeneratedKernels = """
        public static class Ops
        {
            private static readonly NpuSdk.Launch.NpuKernelDescriptor Descriptor = null!;

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> sum) =>
                NpuSdk.Launch.NpuLaunch.Invoke(NpuSession.Default, Descriptor, NpuSdk.Launch.NpuOperands.Create().In(x).In(y).Out(sum));

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(NpuTensor<int> x, NpuTensor<int> y, NpuTensor<int> sum) =>
                NpuSdk.Launch.NpuLaunch.Invoke(NpuSdk.Launch.NpuLaunch.SessionOf(x), Descriptor, NpuSdk.Launch.NpuTensorOperands.Create().In(x).In(y).Out(sum));

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static System.Threading.Tasks.ValueTask AddAsync(ReadOnlyMemory<int> x, ReadOnlyMemory<int> y, Memory<int> sum, System.Threading.CancellationToken cancellationToken = default) =>
                NpuSdk.Launch.NpuLaunch.InvokeAsync(NpuSession.Default, Descriptor, NpuSdk.Launch.NpuMemoryOperands.Create().In(x).In(y).Out(sum), cancellationToken);

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static System.Threading.Tasks.ValueTask AddAsync(NpuTensor<int> x, NpuTensor<int> y, NpuTensor<int> sum, System.Threading.CancellationToken cancellationToken = default) =>
                NpuSdk.Launch.NpuLaunch.InvokeAsync(NpuSdk.Launch.NpuLaunch.SessionOf(x), Descriptor, NpuSdk.Launch.NpuTensorOperands.Create().In(x).In(y).Out(sum), cancellationToken);

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Scale(NpuTensor<int> x) =>
                NpuSdk.Launch.NpuLaunch.Invoke(NpuSdk.Launch.NpuLaunch.SessionOf(x), Descriptor, NpuSdk.Launch.NpuTensorOperands.Create().Out(x));
        }

        """;

    /// <summary>A method body over tensors (a, b, c, all of one session) with the generated kernels beside it.</summary>
    public static string WithTensors(string body, string members = "") => Usings + GeneratedKernels + $$"""
        public sealed class Model
        {
            public void Run(NpuSession session, NpuTensor<int> a, NpuTensor<int> b, NpuTensor<int> c, Kernel kernel, Bo instr, int[] host, byte[] bytes, bool flag)
            {
        {{body}}
            }
        {{members}}
        }
        """;

    public static string InMethod(string body, string members = "") => Usings + $$"""
        public sealed class Tiles
        {
            public void Run(Device device, HwContext context, Kernel kernel, Bo instr, Bo input, Bo output, byte[] data, int tiles, bool flag)
            {
        {{body}}
            }
        {{members}}
        }
        """;
}
