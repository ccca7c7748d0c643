using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Kernels;
using NpuSdk.Launch;
using NpuSdk.Xclbin;

namespace NpuSdk.Tests.Launch;

/// <summary>
/// A generated method's descriptor is the binding, typed: the runtime plans from it with no manifest read, and it loads
/// only the xclbin the generator checked.
/// </summary>
public sealed class TypedDescriptorTests : IDisposable
{
    private const string Design = "matmul_16x16_int8";
    private const int M = 32, K = 16, N = 48;
    private readonly string _folder = Directory.CreateTempSubdirectory("npusdk-descriptor-").FullName;
    private readonly KernelManifest _manifest = KernelLibrary.Manifest(Design);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes the design's xclbin (a uuid derived from <paramref name="uuidSeed"/>) and its instruction stream into the folder.</summary>
    private XclbinFile WriteFiles(string uuidSeed)
    {
        var spec = EmulationXclbin.Spec(_manifest, uuidSeed: uuidSeed)!;
        byte[] bytes = XclbinWriter.Write(spec);
        File.WriteAllBytes(Path.Combine(_folder, "k.xclbin"), bytes);
        File.WriteAllLines(Path.Combine(_folder, "k.insts.txt"), EmulationXclbin.StandInInstructions().Select(w => $"0x{w:x8}"));
        return XclbinFile.Read(bytes, "k.xclbin");
    }

    private NpuKernelDescriptor Describe(XclbinFile xclbin) =>
        NpuKernelDescriptor.For("Test.MatMul", xclbin, "k.xclbin", _manifest, "k.insts.txt", [ElementType.Int8, ElementType.Int8, ElementType.Int32], 10_000);

    private static (sbyte[] A, sbyte[] B) Inputs()
    {
        var random = new Random(20);
        var a = new sbyte[M * K];
        var b = new sbyte[K * N];
        for (int i = 0; i < a.Length; i++) a[i] = (sbyte)random.Next(-128, 128);
        for (int i = 0; i < b.Length; i++) b[i] = (sbyte)random.Next(-128, 128);
        return (a, b);
    }

    private static void Call(NpuSession session, NpuKernelDescriptor descriptor, sbyte[] a, sbyte[] b, int[] c) =>
        NpuLaunch.Invoke(session, descriptor, NpuOperands.Create()
            .In(new ReadOnlySpan2D<sbyte>(a, M, K), "a").In(new ReadOnlySpan2D<sbyte>(b, K, N), "b").Out(new Span2D<int>(c, M, N), "c"));

    [Fact]
    public void A_call_is_planned_from_the_descriptor_alone()
    {
        var descriptor = Describe(WriteFiles("first build"));
        // Whatever lies beside the xclbin is not read: not even a manifest that does not parse.
        File.WriteAllText(Path.Combine(_folder, "k.kernel.json"), "{ this is not a manifest");
        var (a, b) = Inputs();
        var c = new int[M * N];
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device, _folder);

        Call(session, descriptor, a, b, c);

        // The design's rule: one 16-deep block of K per run, the int32 sum shifted right by 7 (floor) and saturated to int8.
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                int sum = 0;
                for (int k = 0; k < K; k++) sum += a[i * K + k] * b[k * N + j];
                Assert.Equal(Math.Clamp(sum >> 7, sbyte.MinValue, sbyte.MaxValue), c[i * N + j]);
            }
        Assert.Equal(NpuPattern.TileMatMul, descriptor.Design.Pattern);
    }

    [Fact]
    public void Disposing_the_device_before_the_session_releases_a_plans_runs_and_sub_buffers()
    {
        // A plan's runs and slot sub-buffers are tracked by the plan, not one by one by the device: the device releases the plan.
        var descriptor = Describe(WriteFiles("first build"));
        var (a, b) = Inputs();
        var device = Device.Open(new EmulatorBackend());
        var session = new NpuSession(device, _folder);
        Call(session, descriptor, a, b, new int[M * N]);
        Assert.True(device.Counters.SubBuffersCreated > 0, "the tiled plan binds its runs to slot sub-buffers");
        Assert.True(device.Counters.LiveBuffers > 0);

        device.Dispose();

        Assert.Equal(0, device.Counters.LiveBuffers);
        Assert.Throws<ObjectDisposedException>(() => Call(session, descriptor, a, b, new int[M * N]));
        session.Dispose();
        Assert.Equal(0, device.Counters.LiveBuffers);
    }

    [Fact]
    public void An_xclbin_replaced_after_the_build_is_refused_naming_both_uuids()
    {
        var built = WriteFiles("the build's file");
        var descriptor = Describe(built);
        var replaced = WriteFiles("a file copied over it later");
        Assert.NotEqual(built.Uuid, replaced.Uuid);
        var (a, b) = Inputs();
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device, _folder);

        var e = Assert.Throws<NpuException>(() => Call(session, descriptor, a, b, new int[M * N]));

        Assert.Contains(built.Uuid.ToString(), e.Message);
        Assert.Contains(replaced.Uuid.ToString(), e.Message);
        Assert.Contains("k.xclbin", e.Message);
        Assert.Contains("Rebuild the project", e.Message);
        Assert.Equal(0, device.Counters.LiveBuffers);
        Assert.Equal(0, device.LiveContexts);
    }

    [Fact]
    public void A_descriptor_that_does_not_fit_its_design_fails_every_call_the_same_way_before_touching_the_device()
    {
        var xclbin = WriteFiles("first build");
        var good = Describe(xclbin);
        // Parameter c stands for an operand the design does not have at that place.
        var parameters = good.Parameters.ToArray();
        parameters[2] = NpuParameter.Buffer("c", "z", ElementType.Int32);
        var bad = new NpuKernelDescriptor(good.Method, good.XclbinPath, good.XclbinUuid, good.InstructionsPath, good.Design, parameters, good.TimeoutMilliseconds);
        var (a, b) = Inputs();
        using var device = Device.Open(new EmulatorBackend());
        using var session = new NpuSession(device, _folder);

        var first = Assert.Throws<NpuException>(() => Call(session, bad, a, b, new int[M * N]));
        var second = Assert.Throws<NpuException>(() => Call(session, bad, a, b, new int[M * N]));

        Assert.Contains("Test.MatMul", first.Message);
        Assert.Contains("'z'", first.Message);
        Assert.Equal(first.Message, second.Message);
        Assert.Equal(0, device.Counters.XclbinRegistrations);
    }
}
