using System.Reflection;
using Microsoft.CodeAnalysis;
using NpuSdk.Analyzers.Tests.Harness;
using NpuSdk.Testing;
using Xunit.Abstractions;

namespace NpuSdk.Analyzers.Tests;

/// <summary>
/// The fixes must keep the program's meaning. The sample's matmul is compiled before and after applying
/// every fix, and both run on the emulator (whose buffers are only coherent through syncs): both must give
/// the host reference's result, and the fixed one must move each buffer once per direction.
/// </summary>
public class PerTileSampleRunTests(ITestOutputHelper output)
{
    private const int N = 64;

    [Fact]
    public async Task FixedSampleComputesTheSameResultWithOneSyncPerBufferAndDirection()
    {
        var files = Repository.PerTileSampleFiles();
        var (_, fixedFiles, _) = await NpuVerifier.FixEverythingAsync(files, OutputKind.ConsoleApplication);

        var before = RunMatMul(Load(files));
        var after = RunMatMul(Load(fixedFiles));

        Assert.Equal(before.Reference, before.Result);
        Assert.Equal(after.Reference, after.Result);
        int calls = (N / 16) * (N / 16) * (N / 16);
        // Before: the instruction buffer plus one input sync and one output sync per call.
        Assert.Equal((1 + calls, calls), (before.SyncsToDevice, before.SyncsFromDevice));
        // After: the instruction buffer and the whole input once, the whole output once.
        Assert.Equal((2, 1), (after.SyncsToDevice, after.SyncsFromDevice));
        Assert.Equal(calls, after.Runs);
        output.WriteLine($"per-tile sample, {N}x{N}x{N} int8, {calls} runs: syncs to/from device {before.SyncsToDevice}/{before.SyncsFromDevice} before the fixes, {after.SyncsToDevice}/{after.SyncsFromDevice} after");
    }

    private static Assembly Load(IReadOnlyDictionary<string, string> files)
    {
        var compilation = NpuVerifier.CompileProject(files, OutputKind.ConsoleApplication);
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return Assembly.Load(image.ToArray());
    }

    private static (sbyte[] Result, sbyte[] Reference, long SyncsToDevice, long SyncsFromDevice, long Runs) RunMatMul(Assembly sample)
    {
        var matmul = sample.GetType("PerTileStyle.PerTileMatMul", throwOnError: true)!;
        var emulation = LibraryKernel.TileMatMul16;
        using var device = Device.Open(NpuBackends.Emulator);
        using var context = new HwContext(device, emulation.RegisterOn(device));
        using var kernel = new Kernel(context, emulation.KernelName);
        var rng = new Random(11);
        var a = new sbyte[N * N];
        var b = new sbyte[N * N];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)rng.Next(-128, 128); b[i] = (sbyte)rng.Next(-128, 128); }

        var start = device.Counters;
        long toDevice = start.SyncsToDevice, fromDevice = start.SyncsFromDevice, runs = start.Runs;
        var result = (sbyte[])matmul.GetMethod("MatMul")!.Invoke(null, [kernel, emulation.Instructions.ToArray(), a, b, N])!;
        var reference = (sbyte[])matmul.GetMethod("Reference")!.Invoke(null, [a, b, N])!;
        return (result, reference, device.Counters.SyncsToDevice - toDevice, device.Counters.SyncsFromDevice - fromDevice,
            device.Counters.Runs - runs);
    }
}
