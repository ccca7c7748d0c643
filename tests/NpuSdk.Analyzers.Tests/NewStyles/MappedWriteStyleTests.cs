using NpuSdk.Analyzers.Tests.Harness;

namespace NpuSdk.Analyzers.Tests.NewStyles;

/// <summary>
/// Issue 21, NPU2006 in one-shot GEMM helpers: host writes through a mapped view and then a launch with no sync to the
/// device, where the writes go through a packing helper given the mapped span, a local function, buffers kept in
/// auto-properties or a record; and reads back through a helper given a read-only span. Helpers that may sync, and
/// ones that only read, stay quiet.
/// </summary>
public class MappedWriteStyleTests
{
    private const string Usings = "using System.Linq;\n" + Snippet.Usings;

    [Fact]
    public async Task PackingHelperGivenTheMappedSpanThenALaunchIsReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed class Gemm(Kernel kernel, Bo instr, Bo a, Bo b, Bo c)
            {
                public void Run(float[] x, float[] w, float[] y)
                {
                    Pack(x, a.Map<float>());
                    Pack(w, b.Map<float>());
                    a.Sync(SyncDirection.ToDevice);
                    var run = {|NPU2006:kernel.Start(3UL, instr, 7u, a, b, c)|};
                    run.Wait().ThrowIfNotCompleted();
                    c.Sync(SyncDirection.FromDevice);
                    c.Map<float>().CopyTo(y);
                }

                private static void Pack(float[] source, Span<float> destination)
                {
                    for (int i = 0; i < source.Length; i++) destination[i] = source[i];
                }
            }
            """);
    }

    [Fact]
    public async Task LocalFunctionFillingTheViewAndAReadThroughAReadOnlyHelperAreReported()
    {
        await NpuVerifier.VerifyAsync(Snippet.InMethod("""
                var view = input.Map<int>();
                Fill(view, tiles);
                {|NPU2006:kernel.Start(3UL, instr, 7u, input, output)|}.Wait().ThrowIfNotCompleted();
                Console.WriteLine({|NPU2006:Sum(output.Map<int>())|});

                static void Fill(Span<int> values, int seed) => values.Fill(seed);
        """, """
            private static int Sum(ReadOnlySpan<int> values)
            {
                int total = 0;
                foreach (var value in values) total += value;
                return total;
            }
        """));
    }

    [Fact]
    public async Task BuffersInAutoPropertiesOrARecordWrittenThenLaunchedAreReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed record GemmBuffers(Bo A, Bo B, Bo C);

            public sealed class Gemm(Kernel kernel, Bo instr, Bo a, Bo b, Bo c)
            {
                public Bo A { get; } = a;
                public Bo B { get; } = b;
                public Bo C { get; } = c;

                public void Run(float[] x)
                {
                    x.AsSpan().CopyTo(A.Map<float>());
                    {|NPU2006:kernel.Start(3UL, instr, 7u, A, B, C)|}.Wait().ThrowIfNotCompleted();
                }

                public float First(GemmBuffers buffers, float[] x)
                {
                    x.AsSpan().CopyTo(buffers.A.Map<float>());
                    buffers.A.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, buffers.A, buffers.B, buffers.C).Wait().ThrowIfNotCompleted();
                    return {|NPU2006:buffers.C.Map<float>()[0]|};
                }
            }
            """);
    }

    [Fact]
    public async Task HelpersThatMaySyncOrOnlyReadAndMembersOfTwoObjectsAreNotReported()
    {
        await NpuVerifier.VerifyAsync(Usings + """
            public sealed record GemmBuffers(Bo A, Bo C);

            public sealed class Gemm(Kernel kernel, Bo instr, Bo a, Bo c)
            {
                private readonly Action<Bo> _upload = bo => bo.Sync(SyncDirection.ToDevice);

                public void Run(float[] x, float[] y)
                {
                    Pack(x, a);
                    kernel.Start(3UL, instr, 7u, a, c).Wait().ThrowIfNotCompleted();
                    c.Sync(SyncDirection.FromDevice);
                    Show(c.Map<float>());
                    Show(c.Map<float>());
                    c.Map<float>().CopyTo(y);
                }

                public void Two(GemmBuffers first, GemmBuffers second)
                {
                    first.A.Map<float>()[0] = 1;
                    second.A.Sync(SyncDirection.ToDevice);
                    kernel.Start(3UL, instr, 7u, first.A, first.C).Wait().ThrowIfNotCompleted();
                }

                private void Pack(float[] source, Bo target)
                {
                    source.AsSpan().CopyTo(target.Map<float>());
                    _upload(target);
                }

                private static void Show(Span<float> values) => Console.WriteLine(values[0]);
            }
            """);
    }

    [Fact]
    public async Task ReadAfterAWaitRunOnAWorkerIsReportedAndASyncThereIsNot()
    {
        // A lambda a library call runs is followed when all it does is wait: the read after it still lacks its sync.
        await NpuVerifier.VerifyAsync("using System.Threading.Tasks;\n" + Snippet.Usings + """
            public static class OneShot
            {
                public static async Task<int> RunAsync(Kernel kernel, Bo input, Bo output)
                {
                    input.Sync(SyncDirection.ToDevice);
                    var run = kernel.Start(3UL, input, output);
                    (await Task.Run(() => run.Wait(TimeSpan.FromSeconds(1)))).ThrowIfNotCompleted();
                    return {|NPU2006:output.Map<int>()[0]|};
                }

                public static async Task<int> SyncedOnTheWorkerAsync(Kernel kernel, Bo input, Bo output)
                {
                    input.Sync(SyncDirection.ToDevice);
                    var run = kernel.Start(3UL, input, output);
                    await Task.Run(() =>
                    {
                        run.Wait().ThrowIfNotCompleted();
                        output.Sync(SyncDirection.FromDevice);
                    });
                    return output.Map<int>()[0];
                }
            }
            """);
    }
}
