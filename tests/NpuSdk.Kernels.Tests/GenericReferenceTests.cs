using System.Runtime.InteropServices;
using NpuSdk.Emulation;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Kernels.Tests;

/// <summary>
/// The emulator's generic references compute any rule a manifest states, from the manifest alone: every IRON element
/// type in and out, int32 and int64 accumulators, each rounding of a shift, saturation or wrap-around, fused and separate
/// float multiply-adds. Each case runs one invocation through the runtime API on the emulator and is compared bit for
/// bit with a plain scalar loop of the rule written here.
/// </summary>
public class GenericReferenceTests
{
    private const int M = 5, K = 7, N = 9;   // odd sizes, so no vector path hides a tail bug

    public static TheoryData<string, string, string, string, int, string, string> IntegerRules() => new()
    {
        // a, b, c, accumulator, shift, rounding, saturate
        { "int8", "int8", "int8", "int32", 7, "floor", "int8" },
        { "int8", "int8", "int8", "int32", 5, "half-up", "none" },
        { "int8", "int8", "int16", "int32", 3, "half-even", "int16" },
        { "int8", "int8", "int32", "int32", 0, "none", "none" },
        { "uint8", "uint8", "int32", "int32", 2, "truncate", "none" },
        { "uint8", "int8", "int8", "int32", 4, "floor", "int8" },
        { "int16", "int16", "int32", "int64", 0, "none", "int32" },
        { "int16", "int16", "int16", "int64", 9, "half-even", "int16" },
        { "int16", "int16", "int32", "int32", 1, "truncate", "none" },
        { "int16", "int8", "int32", "int64", 6, "half-up", "none" },
        { "int32", "int32", "int32", "int32", 0, "none", "none" },
        { "int32", "int32", "int32", "int64", 11, "floor", "int32" },
        { "int32", "int32", "int8", "int64", 20, "half-even", "int8" },
    };

    [Theory]
    [MemberData(nameof(IntegerRules))]
    public void Integer_matmul_follows_the_stated_rule_bit_for_bit(string a, string b, string c, string acc, int shift, string rounding, string saturate)
    {
        string numeric = $$"""{ "accumulator": "{{acc}}", "shift": {{shift}}, "rounding": "{{rounding}}", "saturate": "{{saturate}}", "hostAccumulator": "none" }""";
        var manifest = MatMulManifest(a, b, c, numeric);
        var rng = new Random(HashCode.Combine(a, b, c, acc, shift, rounding, saturate));
        var av = Values(Type(a), M * K, rng, acc == "int64");
        var bv = Values(Type(b), K * N, rng, acc == "int64");
        var got = Run(manifest, [Bytes(Type(a), av), Bytes(Type(b), bv)], M * N * ElementTypes.Size(Type(c)));

        var expected = new byte[got.Length];
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                long sum = 0;
                for (int t = 0; t < K; t++) sum += (long)av[i * K + t] * (long)bv[t * N + j];
                if (acc == "int32") sum = unchecked((int)sum);
                long v = ShiftRound(sum, shift, rounding);
                if (saturate != "none") v = Math.Clamp(v, Min(saturate), Max(saturate));
                StoreWrapped(expected, Type(c), i * N + j, v);
            }
        Assert.Equal(expected, got);
    }

    [Theory]
    [InlineData("bf16", "bf16", "float32", "fused")]
    [InlineData("bf16", "bf16", "bf16", "fused")]
    [InlineData("bf16", "bf16", "float32", "separate")]
    [InlineData("float32", "float32", "float32", "fused")]
    [InlineData("float32", "bf16", "bf16", "separate")]
    public void Float_matmul_sums_from_zero_in_k_order_with_the_stated_multiply_add(string a, string b, string c, string multiplyAdd)
    {
        var manifest = MatMulManifest(a, b, c, $$"""{ "accumulator": "float32", "multiplyAdd": "{{multiplyAdd}}", "hostAccumulator": "float32" }""");
        var rng = new Random(HashCode.Combine(a, b, c, multiplyAdd));
        var af = Floats(Type(a), M * K, rng);
        var bf = Floats(Type(b), K * N, rng);
        var got = Run(manifest, [FloatBytes(Type(a), af), FloatBytes(Type(b), bf)], M * N * ElementTypes.Size(Type(c)));

        var expected = new float[M * N];
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float sum = 0f;
                for (int t = 0; t < K; t++)
                    sum = multiplyAdd == "fused" ? MathF.FusedMultiplyAdd(af[i * K + t], bf[t * N + j], sum) : sum + af[i * K + t] * bf[t * N + j];
                expected[i * N + j] = sum;
            }
        Assert.Equal(FloatBytes(Type(c), expected), got);
    }

    [Theory]
    [InlineData("add", "int8", "int32", "int8")]
    [InlineData("multiply", "int16", "int32", "none")]
    [InlineData("add", "int32", "int32", "none")]
    [InlineData("multiply", "uint8", "int32", "uint8")]
    public void Integer_elementwise_follows_the_stated_rule(string operation, string type, string acc, string saturate)
    {
        const int Elements = 37;
        var manifest = Parse(Manifest("ew", operation, "elementwise", $$"""{ "elements": {{Elements}} }""",
            $"{Buffer("bo0", "input", type, "x:elements")}, {Buffer("bo1", "input", type, "y:elements")}, {Buffer("bo2", "output", type, "z:elements")}",
            $$"""{ "accumulator": "{{acc}}", "saturate": "{{saturate}}" }"""));
        var rng = new Random(HashCode.Combine(operation, type, saturate));
        var x = Values(Type(type), Elements, rng, wide: false);
        var y = Values(Type(type), Elements, rng, wide: false);
        var got = Run(manifest, [Bytes(Type(type), x), Bytes(Type(type), y)], Elements * ElementTypes.Size(Type(type)));
        var expected = new byte[got.Length];
        for (int i = 0; i < Elements; i++)
        {
            long v = unchecked((int)(operation == "add" ? x[i] + y[i] : x[i] * y[i]));
            if (saturate != "none") v = Math.Clamp(v, Min(saturate), Max(saturate));
            StoreWrapped(expected, Type(type), i, v);
        }
        Assert.Equal(expected, got);
    }

    [Theory]
    [InlineData("add", "bf16")]
    [InlineData("multiply", "float32")]
    public void Float_elementwise_computes_in_float32(string operation, string type)
    {
        const int Elements = 41;
        var manifest = Parse(Manifest("ew", operation, "elementwise", $$"""{ "elements": {{Elements}} }""",
            $"{Buffer("bo0", "input", type, "x:elements")}, {Buffer("bo1", "input", type, "y:elements")}, {Buffer("bo2", "output", type, "z:elements")}",
            """{ "accumulator": "float32" }"""));
        var rng = new Random(Elements);
        var x = Floats(Type(type), Elements, rng);
        var y = Floats(Type(type), Elements, rng);
        var got = Run(manifest, [FloatBytes(Type(type), x), FloatBytes(Type(type), y)], Elements * ElementTypes.Size(Type(type)));
        Assert.Equal(FloatBytes(Type(type), x.Zip(y, (p, q) => operation == "add" ? p + q : p * q).ToArray()), got);
    }

    [Fact]
    public void Gemv_is_a_matmul_with_one_column()
    {
        var manifest = Parse(Manifest("gemv", "gemv", "gemv", """{ "m": 6, "k": 11 }""",
            $"{Buffer("bo0", "input", "int16", "a:m,k")}, {Buffer("bo1", "input", "int16", "b:k")}, {Buffer("bo2", "output", "int32", "c:m")}",
            """{ "accumulator": "int64", "saturate": "int32" }"""));
        var rng = new Random(3);
        var a = Values(ElementType.Int16, 6 * 11, rng, wide: true);
        var b = Values(ElementType.Int16, 11, rng, wide: true);
        var got = MemoryMarshal.Cast<byte, int>(Run(manifest, [Bytes(ElementType.Int16, a), Bytes(ElementType.Int16, b)], 6 * 4)).ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (int)Enumerable.Range(0, 11).Sum(t => a[i * 11 + t] * b[t])), got);
    }

    [Fact]
    public void A_kernel_that_would_touch_an_unused_buffer_fails_its_run_naming_the_buffer()
    {
        // The manifest puts the output in bo3; a stale xclbin binding leaves bo3 empty, as IRON's host code passes 0.
        var manifest = MatMulManifest("int8", "int8", "int32", """{ "accumulator": "int32" }""").Text.Replace("\"bo2\"", "\"bo3\"");
        var m = KernelManifestParser.Parse(manifest, "m.json");
        using var device = Device.Open(new EmulatorBackend());
        var xclbin = XclbinFile.Read(XclbinWriter.Write(EmulationXclbin.Spec(m)!), "m.xclbin");
        using var context = new HwContext(device, device.RegisterXclbin(xclbin, m));
        using var kernel = new Kernel(context, "MLIR_AIE");
        using var instr = Instructions(device, kernel);
        using var a = new Bo(device, M * K, BoFlags.HostOnly, kernel.GroupId(3));
        using var b = new Bo(device, K * N, BoFlags.HostOnly, kernel.GroupId(4));
        using var run = kernel.Start(3UL, instr, (uint)EmulationXclbin.StandInWords, a, b, 0UL, 0UL, 0UL);
        Assert.Equal(CommandState.Error, run.Wait(TimeSpan.FromSeconds(5)));
    }

    private static KernelManifest MatMulManifest(string a, string b, string c, string numeric) =>
        Parse(Manifest("mm", "matmul", "whole-array", $$"""{ "m": {{M}}, "k": {{K}}, "n": {{N}} }""",
            $"{Buffer("bo0", "input", a, "a:m,k")}, {Buffer("bo1", "input", b, "b:k,n")}, {Buffer("bo2", "output", c, "c:m,n")}", numeric));

    private static string Manifest(string name, string operation, string pattern, string tile, string buffers, string numeric) =>
        $$"""{ "name": "{{name}}", "summary": "test", "kernel": "MLIR_AIE", "operation": "{{operation}}", "pattern": "{{pattern}}", "tile": {{tile}}, "buffers": [ {{buffers}} ], "numeric": {{numeric}} }""";

    private static string Buffer(string arg, string role, string type, string part)
    {
        var (operand, dims) = (part[..part.IndexOf(':')], part[(part.IndexOf(':') + 1)..].Split(','));
        return $$"""{ "arg": "{{arg}}", "role": "{{role}}", "elementType": "{{type}}", "parts": [ { "operand": "{{operand}}", "shape": [{{string.Join(",", dims.Select(d => $"\"{d}\""))}}] } ] }""";
    }

    private static KernelManifest Parse(string json) => KernelManifestParser.Parse(json, "test.json");

    private static ElementType Type(string type) => ElementTypes.TryParse(type, out var t) ? t : throw new ArgumentException(type);

    /// <summary>One invocation of the manifest's kernel on the emulator, the inputs in bo0, bo1, ...; returns the output buffer's bytes.</summary>
    private static byte[] Run(KernelManifest manifest, byte[][] inputs, int outputBytes)
    {
        using var device = Device.Open(new EmulatorBackend());
        var xclbin = XclbinFile.Read(XclbinWriter.Write(EmulationXclbin.Spec(manifest)!), manifest.Name + ".xclbin");
        using var context = new HwContext(device, device.RegisterXclbin(xclbin, manifest));
        using var kernel = new Kernel(context, manifest.KernelName);
        using var instr = Instructions(device, kernel);
        using var run = new Run(kernel);
        run.SetArg(0, 3UL);
        run.SetArg(1, instr);
        run.SetArg(2, (uint)EmulationXclbin.StandInWords);
        var buffers = new List<Bo>();
        foreach (var input in inputs)
        {
            var bo = new Bo(device, (ulong)input.Length, BoFlags.HostOnly, kernel.GroupId(3 + buffers.Count));
            input.CopyTo(bo.Map());
            bo.Sync(SyncDirection.ToDevice);
            run.SetArg(3 + buffers.Count, bo);
            buffers.Add(bo);
        }
        var output = new Bo(device, (ulong)outputBytes, BoFlags.HostOnly, kernel.GroupId(3 + buffers.Count));
        run.SetArg(3 + buffers.Count, output);
        run.Start();
        run.Wait(TimeSpan.FromSeconds(10)).ThrowIfNotCompleted();
        output.Sync(SyncDirection.FromDevice);
        return output.Map().ToArray();
    }

    private static Bo Instructions(Device device, Kernel kernel)
    {
        var instr = new Bo(device, EmulationXclbin.StandInWords * 4, BoFlags.Cacheable, kernel.GroupId(1));
        EmulationXclbin.StandInInstructions().CopyTo(instr.Map<uint>());
        instr.Sync(SyncDirection.ToDevice);
        return instr;
    }

    /// <summary>Random values over the whole range of the type (int32 narrowed so that 64-bit sums of K products cannot overflow).</summary>
    private static long[] Values(ElementType type, int count, Random rng, bool wide)
    {
        var (min, max) = type switch
        {
            ElementType.Int8 => (-128L, 127L),
            ElementType.UInt8 => (0L, 255L),
            ElementType.Int16 => (-32768L, 32767L),
            _ => wide ? (-(1L << 28), 1L << 28) : (int.MinValue, (long)int.MaxValue),
        };
        return Enumerable.Range(0, count).Select(_ => rng.NextInt64(min, max + 1)).ToArray();
    }

    private static byte[] Bytes(ElementType type, long[] values)
    {
        var bytes = new byte[values.Length * ElementTypes.Size(type)];
        for (int i = 0; i < values.Length; i++) StoreWrapped(bytes, type, i, values[i]);
        return bytes;
    }

    private static float[] Floats(ElementType type, int count, Random rng) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            float v = (float)(rng.NextDouble() * 8 - 4);
            return type == ElementType.BFloat16 ? BFloat16.FromSingle(v).ToSingle() : v;
        }).ToArray();

    private static byte[] FloatBytes(ElementType type, float[] values) => type == ElementType.BFloat16
        ? MemoryMarshal.AsBytes(values.Select(v => BFloat16.FromSingle(v).RawValue).ToArray().AsSpan()).ToArray()
        : MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static long ShiftRound(long v, int shift, string rounding)
    {
        if (shift == 0) return v;
        long d = 1L << shift;
        return rounding switch
        {
            "floor" => (long)Math.Floor((decimal)v / d),
            "truncate" => v / d,
            "half-up" => (long)Math.Floor((decimal)v / d + 0.5m),
            _ => (long)Math.Round((decimal)v / d, MidpointRounding.ToEven),
        };
    }

    private static long Min(string type) => type switch { "int8" => sbyte.MinValue, "uint8" => 0, "int16" => short.MinValue, _ => int.MinValue };
    private static long Max(string type) => type switch { "int8" => sbyte.MaxValue, "uint8" => byte.MaxValue, "int16" => short.MaxValue, _ => int.MaxValue };

    private static void StoreWrapped(byte[] bytes, ElementType type, int index, long value)
    {
        switch (type)
        {
            case ElementType.Int8: case ElementType.UInt8: bytes[index] = unchecked((byte)value); break;
            case ElementType.Int16: MemoryMarshal.Cast<byte, short>(bytes.AsSpan())[index] = unchecked((short)value); break;
            default: MemoryMarshal.Cast<byte, int>(bytes.AsSpan())[index] = unchecked((int)value); break;
        }
    }
}
