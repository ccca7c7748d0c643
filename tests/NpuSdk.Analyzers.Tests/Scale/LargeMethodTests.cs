using System.Text;
using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.Scale;

/// <summary>
/// Very large loops, as generated or unrolled code has them: every per-tile line is still reported exactly once
/// (the analysis is linear in the method; the benchmark in tests/NpuSdk.Benchmarks/Analyzers measures it, these
/// tests assert only the diagnostics).
/// </summary>
public class LargeMethodTests
{
    [Fact]
    public async Task ThreeThousandStatementLoopReportsEachSync()
    {
        // 1,500 write + sync pairs of one buffer in one loop: 3,000 statements, 1,500 per-tile syncs.
        const int pairs = 1500;
        var body = new StringBuilder("        for (int t = 0; t < tiles; t++)\n        {\n");
        for (int i = 0; i < pairs; i++)
        {
            body.Append($"            input.Write(data, (ulong)({i} * 64));\n");
            body.Append($"            input.Sync(SyncDirection.ToDevice, 64, (ulong)({i} * 64));\n");
        }
        body.Append("        }\n        kernel.Start(3UL, instr, 7u, input, output).Wait().ThrowIfNotCompleted();\n");
        var diagnostics = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(Snippet.InMethod(body.ToString())));
        Assert.Equal(pairs, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal(NpuDiagnostics.SyncInLoopId, d.Id));
        Assert.Equal(pairs, diagnostics.Select(d => d.Location.SourceSpan.Start).Distinct().Count());
    }

    [Fact]
    public async Task ThousandTensorMethodReportsEachRawReadAndNoSyncedOne()
    {
        // 1,000 tensors, each a "using var" (its own try region, so its own blocks), each written by a kernel call and
        // then read back one of three ways: raw (NPU2006), raw after a CopyTo on one path only, or with CopyTo. About
        // 4,300 statements; the raw reads are reported exactly once each.
        const int tensors = 1000;
        var body = new StringBuilder();
        for (int i = 0; i < tensors; i++)
        {
            string input = i == 0 ? "a" : $"t{i - 1}";
            body.Append($"        using var t{i} = session.CreateTensor<int>(64);\n");
            body.Append($"        Ops.Add({input}, b, t{i});\n");
            switch (i % 3)
            {
                case 0:
                    body.Append($"        Console.WriteLine(t{i}.Buffer.Map<int>()[0]);\n");
                    break;
                case 1:
                    body.Append($"        if (flag) t{i}.CopyTo(host);\n");
                    body.Append($"        t{i}.Buffer.Read(bytes);\n");
                    break;
                default:
                    body.Append($"        t{i}.CopyTo(host);\n");
                    break;
            }
        }
        var diagnostics = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(Snippet.WithTensors(body.ToString())));
        Assert.Equal((tensors + 2) / 3, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal(NpuDiagnostics.MissingSyncId, d.Id));
        Assert.Equal(Enumerable.Range(0, tensors).Where(i => i % 3 == 0).Select(i => $"t{i}"),
            diagnostics.Select(d => d.Properties["NpuBuffer"]!.Split('.')[0]));
    }

    [Fact]
    public async Task TwoThousandAllocationLoopReportsEachDroppedBufferAndNoKeptOne()
    {
        // 2,000 buffers allocated per iteration: half dropped (NPU2003 each), half kept in a field plan (none).
        const int allocations = 2000;
        var body = new StringBuilder("        for (int t = 0; t < tiles; t++)\n        {\n");
        for (int i = 0; i < allocations; i++)
        {
            body.Append(i % 2 == 0
                ? $"            var scratch{i} = new Bo(device, {64 + i}, BoFlags.HostOnly, 0);\n            scratch{i}.Write(data);\n"
                : $"            _plan.Add(new Bo(output, 64, (ulong)({i} * 64)));\n");
        }
        body.Append("        }\n");
        var source = Snippet.InMethod(body.ToString(), "    private readonly List<Bo> _plan = new();");
        var diagnostics = await NpuVerifier.AnalyzeAsync(NpuVerifier.Compile(source));
        Assert.Equal(allocations / 2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal(NpuDiagnostics.BufferInLoopId, d.Id));
        Assert.All(diagnostics, d => Assert.StartsWith("Buffer 'scratch", d.GetMessage()));
    }
}
