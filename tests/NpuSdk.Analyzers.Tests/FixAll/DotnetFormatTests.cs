using System.Diagnostics;
using NpuSdk.CodeFixes;

namespace NpuSdk.Analyzers.Tests.FixAll;

/// <summary>
/// `dotnet format analyzers` applies NPU fixes through their fix-all providers (it refuses a fix without one).
/// A small project in a temporary folder takes the built analyzer and code-fix assemblies as Analyzer items and
/// the runtime as a reference; the command must rewrite its per-tile syncs, and sync each raw tensor access.
/// </summary>
public class DotnetFormatTests
{
    private const string Before = """
        using NpuSdk;
        using NpuSdk.Xrt;

        public static class Upload
        {
            public static void Pack(Bo input, Bo weights, byte[] data, int tiles)
            {
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                    input.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length));
                }
                for (int t = 0; t < tiles; t++)
                {
                    weights.Write(data, (ulong)(t * data.Length));
                    weights.Sync(SyncDirection.ToDevice, (ulong)data.Length, (ulong)(t * data.Length));
                }
            }
        }

        """;

    private const string After = """
        using NpuSdk;
        using NpuSdk.Xrt;

        public static class Upload
        {
            public static void Pack(Bo input, Bo weights, byte[] data, int tiles)
            {
                for (int t = 0; t < tiles; t++)
                {
                    input.Write(data, (ulong)(t * data.Length));
                }
                input.Sync(SyncDirection.ToDevice);
                for (int t = 0; t < tiles; t++)
                {
                    weights.Write(data, (ulong)(t * data.Length));
                }
                weights.Sync(SyncDirection.ToDevice);
            }
        }

        """;

    [Fact]
    public void DotnetFormatAnalyzersAppliesTheSyncFixToEveryLoop()
    {
        Assert.Equal(After.ReplaceLineEndings(), Format("Upload", Before, NpuDiagnostics.SyncInLoopId).ReplaceLineEndings());
    }

    /// <summary>Raw reads and writes of a tensor around generated kernel calls (a stand-in for the generator's output).</summary>
    private const string TensorsBefore = """
        using System;
        using NpuSdk;
        using NpuSdk.Xrt;
        using NpuSdk.Launch;

        public static class Ops
        {
            private static readonly NpuKernelDescriptor Descriptor = null!;

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> sum) =>
                NpuLaunch.Invoke(NpuSession.Default, Descriptor, NpuOperands.Create().In(x).In(y).Out(sum));

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(NpuTensor<int> x, NpuTensor<int> y, NpuTensor<int> sum) =>
                NpuLaunch.Invoke(NpuLaunch.SessionOf(x), Descriptor, NpuTensorOperands.Create().In(x).In(y).Out(sum));
        }

        public static class Chain
        {
            public static int Run(NpuTensor<int> a, NpuTensor<int> b, NpuTensor<int> c, byte[] bytes)
            {
                Ops.Add(a, b, c);
                c.Buffer.Read(bytes);
                var first = c.Buffer.Map<int>()[0];
                a.Buffer.Map<int>()[0] = first;
                Ops.Add(a, c, c);
                return c.Buffer.Map<int>()[1];
            }
        }

        """;

    private const string TensorsAfter = """
        using System;
        using NpuSdk;
        using NpuSdk.Xrt;
        using NpuSdk.Launch;

        public static class Ops
        {
            private static readonly NpuKernelDescriptor Descriptor = null!;

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> sum) =>
                NpuLaunch.Invoke(NpuSession.Default, Descriptor, NpuOperands.Create().In(x).In(y).Out(sum));

            [System.CodeDom.Compiler.GeneratedCode("NpuSdk.Generators", "1.0.0")]
            public static void Add(NpuTensor<int> x, NpuTensor<int> y, NpuTensor<int> sum) =>
                NpuLaunch.Invoke(NpuLaunch.SessionOf(x), Descriptor, NpuTensorOperands.Create().In(x).In(y).Out(sum));
        }

        public static class Chain
        {
            public static int Run(NpuTensor<int> a, NpuTensor<int> b, NpuTensor<int> c, byte[] bytes)
            {
                Ops.Add(a, b, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                c.Buffer.Read(bytes);
                var first = c.Buffer.Map<int>()[0];
                a.Buffer.Map<int>()[0] = first;
                a.Buffer.Sync(SyncDirection.ToDevice);
                Ops.Add(a, c, c);
                c.Buffer.Sync(SyncDirection.FromDevice);
                return c.Buffer.Map<int>()[1];
            }
        }

        """;

    [Fact]
    public void DotnetFormatAnalyzersAppliesTheMissingSyncFixToEveryRawTensorAccess()
    {
        Assert.Equal(TensorsAfter.ReplaceLineEndings(), Format("Chain", TensorsBefore, NpuDiagnostics.MissingSyncId).ReplaceLineEndings());
    }

    /// <summary>
    /// A one-shot GEMM in the styles of issue 21: buffers held by a record, a packing helper given the mapped span, and
    /// the wait run on a worker with its state dropped one await later.
    /// </summary>
    private const string GemmBefore = """
        using System;
        using System.Threading.Tasks;
        using NpuSdk;
        using NpuSdk.Xrt;

        public sealed record GemmBuffers(Bo A, Bo B, Bo C);

        public static class Gemm
        {
            public static async Task<float> RunAsync(Kernel kernel, GemmBuffers buffers, float[] x)
            {
                Pack(x, buffers.A.Map<float>());
                var run = kernel.Start(3UL, buffers.A, buffers.B, buffers.C);
                await Task.Run(() => run.Wait(TimeSpan.FromSeconds(1)));
                return buffers.C.Map<float>()[0];
            }

            private static void Pack(float[] source, Span<float> destination) => source.AsSpan().CopyTo(destination);
        }

        """;

    private const string GemmAfter = """
        using System;
        using System.Threading.Tasks;
        using NpuSdk;
        using NpuSdk.Xrt;

        public sealed record GemmBuffers(Bo A, Bo B, Bo C);

        public static class Gemm
        {
            public static async Task<float> RunAsync(Kernel kernel, GemmBuffers buffers, float[] x)
            {
                Pack(x, buffers.A.Map<float>());
                buffers.A.Sync(SyncDirection.ToDevice);
                var run = kernel.Start(3UL, buffers.A, buffers.B, buffers.C);
                await Task.Run(() => run.Wait(TimeSpan.FromSeconds(1)).ThrowIfNotCompleted());
                buffers.C.Sync(SyncDirection.FromDevice);
                return buffers.C.Map<float>()[0];
            }

            private static void Pack(float[] source, Span<float> destination) => source.AsSpan().CopyTo(destination);
        }

        """;

    [Fact]
    public void DotnetFormatAnalyzersAppliesTheFixesThatChangedInIssue21()
    {
        Assert.Equal(GemmAfter.ReplaceLineEndings(),
            Format("Gemm", GemmBefore, NpuDiagnostics.MissingSyncId, NpuDiagnostics.RunStateIgnoredId).ReplaceLineEndings());
    }

    /// <summary>Runs `dotnet format analyzers` for some rules over a one-file project and returns the file as it left it.</summary>
    private static string Format(string name, string source, params string[] diagnosticIds)
    {
        var folder = Directory.CreateTempSubdirectory("npusdk-format-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, name + ".cs"), source);
            File.WriteAllText(Path.Combine(folder.FullName, name + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{typeof(Device).Assembly.Location}" />
                    <Reference Include="{typeof(NpuSdk.Xclbin.XclbinFile).Assembly.Location}" />
                    <Analyzer Include="{typeof(LoopPatternAnalyzer).Assembly.Location}" />
                    <Analyzer Include="{typeof(SyncInLoopCodeFix).Assembly.Location}" />
                  </ItemGroup>
                </Project>
                """);
            var (exitCode, output) = Run(folder.FullName, new[] { "format", "analyzers", name + ".csproj", "--diagnostics" }
                .Concat(diagnosticIds).Concat(new[] { "--severity", "info", "--verbosity", "detailed" }).ToArray());
            Assert.True(exitCode == 0, $"dotnet format exited with {exitCode}:\n{output}");
            return File.ReadAllText(Path.Combine(folder.FullName, name + ".cs"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "dotnet format did not finish in 4 minutes.\n" + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
