using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.Emulation.Kernels;
using NpuSdk.Xclbin;

namespace NpuSdk.Kernels.Tests;

/// <summary>
/// Every kernel through the files its build wrote (xclbin, instruction file, manifest copy) and the runtime API on the
/// emulator, the way the original port drove its kernel: the registry must find the reference implementation by
/// the written xclbin's uuid, and the result must match the scalar rule.
/// </summary>
public class EmulatorKernelTests
{
    private const int StripK = 192;

    public static TheoryData<string> Names() => new(BuiltInKernels.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_built_xclbin_runs_its_reference_kernel_on_the_emulator(string name)
    {
        string folder = AppContext.BaseDirectory;
        var xclbin = XclbinFile.ReadFile(Path.Combine(folder, name + ".xclbin"));
        var instructions = InstructionStream.LoadFile(Path.Combine(folder, name + ".insts.txt"));
        var manifest = KernelManifestParser.Parse(File.ReadAllText(Path.Combine(folder, name + ".kernel.json")), name + ".kernel.json");
        Assert.Equal(BuiltInKernels.Get(name).Uuid, xclbin.Uuid);

        using var device = Device.Open(new EmulatorBackend());
        using var context = new HwContext(device, device.RegisterXclbin(xclbin));
        using var kernel = new Kernel(context, manifest.KernelName);
        using var instr = new Bo(device, (ulong)instructions.ByteCount, BoFlags.Cacheable, kernel.GroupId(1));
        instructions.Words.ToArray().CopyTo(instr.Map<uint>());
        instr.Sync(SyncDirection.ToDevice);

        var rng = new Random(name.Length);
        var buffers = new Bo[manifest.Buffers.Count];
        using var run = new Run(kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, instr);
        run.SetArg(2, (uint)instructions.WordCount);
        for (int i = 0; i < buffers.Length; i++)
        {
            var spec = manifest.Buffers[i];
            int bytes = spec.Parts.Sum(p => Elements(manifest, p)) * KernelManifestParser.ElementSize(spec.ElementType);
            buffers[i] = new Bo(device, (ulong)bytes, BoFlags.HostOnly, kernel.GroupId(3 + i));
            if (spec.Role == BufferRole.Input) Fill(buffers[i].Map<byte>(), spec.ElementType, rng);
            buffers[i].Sync(SyncDirection.ToDevice);
            run.SetArg(3 + i, buffers[i]);
        }
        run.Start();
        run.Wait(TimeSpan.FromSeconds(30)).ThrowIfNotCompleted();

        int output = manifest.Buffers.ToList().FindIndex(b => b.Role == BufferRole.Output);
        buffers[output].Sync(SyncDirection.FromDevice);
        Assert.Equal(Expected(manifest, buffers), buffers[output].Map<byte>().ToArray());
        foreach (var bo in buffers) bo.Dispose();
    }

    [Fact]
    public void A_K_strip_that_is_not_a_whole_number_of_blocks_fails_the_run()
    {
        var emulation = BuiltInKernels.Get("matmul_kstrip_64x64_int8");
        using var device = Device.Open(new EmulatorBackend());
        using var context = new HwContext(device, device.RegisterXclbin(emulation.Xclbin));
        using var kernel = new Kernel(context, emulation.KernelName);
        using var instr = new Bo(device, (ulong)emulation.Instructions.Length * 4, BoFlags.Cacheable, kernel.GroupId(1));
        using var a = new Bo(device, 64 * 100, BoFlags.HostOnly, kernel.GroupId(3));   // K = 100: not a multiple of 64
        using var b = new Bo(device, 100 * 64, BoFlags.HostOnly, kernel.GroupId(4));
        using var c = new Bo(device, 64 * 64 * 4, BoFlags.HostOnly, kernel.GroupId(5));
        using var run = new Run(kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, instr);
        run.SetArg(2, (uint)emulation.Instructions.Length);
        run.SetArg(3, a);
        run.SetArg(4, b);
        run.SetArg(5, c);
        run.Start();
        Assert.Equal(CommandState.Error, run.Wait(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void The_default_registry_knows_every_built_in_kernel()
    {
        foreach (var name in BuiltInKernels.Names)
        {
            var kernel = BuiltInKernels.Get(name);
            Assert.True(ReferenceKernelRegistry.Default.TryGet(kernel.Uuid, "MLIR_AIE", out var reference), name);
            Assert.Same(kernel.Reference, reference);
        }
        Assert.Equal(BuiltInKernels.Names.Count, BuiltInKernels.Names.Select(n => BuiltInKernels.Get(n).Uuid).Distinct().Count());
    }

    private static int Elements(KernelManifest manifest, ManifestPart part) =>
        part.Shape.Aggregate(1, (n, d) => n * (d == KernelManifestParser.StripLength ? StripK : manifest.Tile.TryGetValue(d, out int v) ? v : int.Parse(d)));

    private static void Fill(Span<byte> bytes, KernelElementType type, Random rng)
    {
        if (type == KernelElementType.BFloat16)
            Inputs.BFloat16(rng, bytes.Length / 2, minExponent: -4, maxExponent: 0).CopyTo(MemoryMarshal.Cast<byte, ushort>(bytes));
        else
            rng.NextBytes(bytes);
    }

    /// <summary>The output bytes the manifest's rule gives: scalar C# for the exact rules, the tested kernels for the tolerance ones.</summary>
    private static byte[] Expected(KernelManifest m, Bo[] bos)
    {
        byte[] In(int i) => bos[i].Map<byte>().ToArray();
        sbyte[] Int8(int i) => MemoryMarshal.Cast<byte, sbyte>(In(i)).ToArray();
        ushort[] Bf16(int i) => MemoryMarshal.Cast<byte, ushort>(In(i)).ToArray();
        switch (m.Name)
        {
            case "matmul_16x16_int8":
            {
                var packed = Int8(0);
                return MemoryMarshal.AsBytes(Scalar.MatMulRequantize(packed[..256], packed[256..], 16, 16, 16, 7).AsSpan()).ToArray();
            }
            case "matmul_32x32_int8" or "matmul_64x64_int8":
            {
                int t = m.Dimension("m");
                return MemoryMarshal.AsBytes(Scalar.MatMulRequantize(Int8(0), Int8(1), t, t, t, m.Numeric.Shift).AsSpan()).ToArray();
            }
            case "matmul_kstrip_64x64_int8":
                return MemoryMarshal.AsBytes(Scalar.MatMulInt32(Int8(0), Int8(1), 64, StripK, 64).AsSpan()).ToArray();
            case "matmul_64x64_bf16" or "matmul_64x512_bf16":
                return MemoryMarshal.AsBytes(Scalar.MatMulBFloat16(Bf16(0), Bf16(1), m.Dimension("m"), m.Dimension("k"), m.Dimension("n")).AsSpan()).ToArray();
        }
        var output = new ushort[bos[^1].Map<byte>().Length / 2];
        switch (m.Operation)
        {
            case "gelu": Gelu.Compute(Bf16(0), output); break;
            case "softmax": Softmax.Compute(Bf16(0), output, m.Dimension("rows"), m.Dimension("cols")); break;
            case "layernorm": LayerNorm.Compute(Bf16(0), Bf16(1), Bf16(2), output, m.Dimension("rows"), m.Dimension("cols"), (float)m.Numeric.Epsilon!.Value); break;
            case "attention":
                Attention.Compute(Bf16(0), Bf16(1), Bf16(2), output, m.Dimension("queries"), m.Dimension("keys"), m.Dimension("heads"), m.Dimension("headDim"), (float)m.Numeric.Scale!.Value);
                break;
            default: throw new InvalidOperationException($"No expected result for {m.Name}.");
        }
        return MemoryMarshal.AsBytes(output.AsSpan()).ToArray();
    }
}
