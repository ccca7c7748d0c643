using System;
using System.Collections.Generic;
using System.Linq;
using NpuSdk.Xclbin;

namespace NpuSdk.KernelModel;

/// <summary>One kernel argument as the xclbin declares it. Equal when index, name, kind and size are.</summary>
public sealed class KernelArgumentInfo : IEquatable<KernelArgumentInfo>
{
    /// <summary>Creates the description.</summary>
    public KernelArgumentInfo(int index, string name, bool isBuffer, ulong size)
    {
        Index = index;
        Name = name ?? throw new ArgumentNullException(nameof(name));
        IsBuffer = isBuffer;
        Size = size;
    }

    /// <summary>The argument's index (its position in a run).</summary>
    public int Index { get; }
    /// <summary>Its name.</summary>
    public string Name { get; }
    /// <summary>True for a buffer (global memory) argument.</summary>
    public bool IsBuffer { get; }
    /// <summary>Its size in bytes as the metadata says (4 or 8 for scalars).</summary>
    public ulong Size { get; }

    /// <inheritdoc />
    public bool Equals(KernelArgumentInfo? other) =>
        other is not null && Index == other.Index && Name == other.Name && IsBuffer == other.IsBuffer && Size == other.Size;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KernelArgumentInfo);

    /// <inheritdoc />
    public override int GetHashCode() => ((Index * 397 ^ Name.GetHashCode()) * 397 ^ (IsBuffer ? 1 : 0)) * 397 ^ Size.GetHashCode();
}

/// <summary>What the host binds to one kernel argument.</summary>
public enum ArgumentUse
{
    /// <summary><c>opcode</c>: 3, "run the instruction stream".</summary>
    Opcode,
    /// <summary><c>instr</c>: the instruction buffer (cacheable, its own memory group).</summary>
    Instructions,
    /// <summary><c>ninstr</c>: the instruction stream's length in 32-bit words.</summary>
    InstructionCount,
    /// <summary>A buffer the manifest describes (input, output or scratch).</summary>
    Buffer,
    /// <summary>A buffer the design does not use: nothing is bound, as IRON's host code passes <c>0</c>.</summary>
    Unused,
    /// <summary>A scalar the manifest declares.</summary>
    Scalar,
}

/// <summary>One kernel argument and what the host binds to it.</summary>
public sealed class ArgumentBinding
{
    internal ArgumentBinding(KernelArgumentInfo argument, ArgumentUse use, int target)
    {
        Argument = argument;
        Use = use;
        Target = target;
    }

    /// <summary>The argument.</summary>
    public KernelArgumentInfo Argument { get; }
    /// <summary>What is bound.</summary>
    public ArgumentUse Use { get; }
    /// <summary>For <see cref="ArgumentUse.Buffer"/> the index in <see cref="KernelManifest.Buffers"/>; for <see cref="ArgumentUse.Scalar"/> the index in <see cref="KernelManifest.Scalars"/>; else -1.</summary>
    public int Target { get; }
}

/// <summary>
/// The mlir-aie kernel ABI: <c>opcode</c> (3), <c>instr</c> (the instruction buffer), <c>ninstr</c> (its word count),
/// then data buffers (<c>bo0..bo4</c> in IRON builds; <c>in, tmp, out</c> in older Riallto ones). Which buffers are
/// data, scratch or unused, and which scalars exist, comes from the manifest; the argument list from the xclbin.
/// </summary>
public static class KernelAbi
{
    /// <summary>The opcode an NPU design is launched with: run the instruction stream.</summary>
    public const ulong RunInstructionsOpcode = 3;

    /// <summary>The arguments of <paramref name="kernel"/> as the kernel model sees them, in index order.</summary>
    /// <param name="kernel">A kernel the xclbin declares.</param>
    public static IReadOnlyList<KernelArgumentInfo> Arguments(XclbinKernel kernel)
    {
        if (kernel is null) throw new ArgumentNullException(nameof(kernel));
        var arguments = new KernelArgumentInfo[kernel.Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            var a = kernel.Arguments[i];
            arguments[i] = new KernelArgumentInfo(a.Index, a.Name, a.IsBuffer, a.Size);
        }
        return arguments;
    }

    /// <summary>Matches the arguments of the xclbin's <paramref name="kernel"/> with the manifest: <see cref="Bind(IReadOnlyList{KernelArgumentInfo}, KernelManifest)"/> of <see cref="Arguments(XclbinKernel)"/>.</summary>
    /// <param name="kernel">A kernel the xclbin declares.</param>
    /// <param name="manifest">What the design computes.</param>
    /// <exception cref="KernelManifestException">The manifest names an argument the kernel lacks or of the wrong kind, or the kernel has a scalar nobody binds.</exception>
    public static IReadOnlyList<ArgumentBinding> Bind(XclbinKernel kernel, KernelManifest manifest) => Bind(Arguments(kernel), manifest);

    /// <summary>Matches the xclbin kernel's arguments with the manifest.</summary>
    /// <param name="arguments">The kernel's arguments in index order.</param>
    /// <param name="manifest">What the design computes.</param>
    /// <exception cref="KernelManifestException">The manifest names an argument the kernel lacks or of the wrong kind, or the kernel has a scalar nobody binds.</exception>
    public static IReadOnlyList<ArgumentBinding> Bind(IReadOnlyList<KernelArgumentInfo> arguments, KernelManifest manifest)
    {
        if (arguments is null) throw new ArgumentNullException(nameof(arguments));
        if (manifest is null) throw new ArgumentNullException(nameof(manifest));
        string list = arguments.Count == 0 ? "none" : string.Join(", ", arguments.Select(a => a.Name));
        foreach (var buffer in manifest.Buffers)
        {
            var arg = arguments.FirstOrDefault(a => a.Name == buffer.Arg);
            if (arg is null) throw Error(manifest, $"the manifest's buffer \"{buffer.Arg}\" is not one of the kernel's arguments ({list})");
            if (!arg.IsBuffer) throw Error(manifest, $"the manifest's buffer \"{buffer.Arg}\" is a scalar argument of the kernel, not a buffer");
            if (buffer.Arg is "instr") throw Error(manifest, "\"instr\" is the instruction buffer; the SDK binds it, so it is not one of the manifest's buffers");
        }
        foreach (var scalar in manifest.Scalars)
        {
            var arg = arguments.FirstOrDefault(a => a.Name == scalar.Arg);
            if (arg is null) throw Error(manifest, $"the manifest's scalar \"{scalar.Arg}\" is not one of the kernel's arguments ({list})");
            if (arg.IsBuffer) throw Error(manifest, $"the manifest's scalar \"{scalar.Arg}\" is a buffer argument of the kernel, not a scalar");
            ulong size = scalar.Type is ScalarType.Int64 or ScalarType.UInt64 ? 8UL : 4UL;
            if (arg.Size != 0 && arg.Size != size)
                throw Error(manifest, $"scalar \"{scalar.Arg}\" is declared {KernelManifestParser.ScalarTypeName(scalar.Type)} ({size} bytes), but the kernel's argument has {arg.Size} bytes");
        }

        // Buffers and scalars in the kernel's argument order: a generated descriptor lists them so, and a method's
        // operands and scalars follow that order, so a manifest in another order would bind other parameters.
        CheckOrder(manifest, arguments, manifest.Buffers.Select(b => b.Arg).ToList(), "buffers");
        CheckOrder(manifest, arguments, manifest.Scalars.Select(s => s.Arg).ToList(), "scalars");

        var bindings = new List<ArgumentBinding>(arguments.Count);
        foreach (var arg in arguments)
        {
            int buffer = IndexOf(manifest.Buffers, b => b.Arg == arg.Name);
            int scalar = IndexOf(manifest.Scalars, s => s.Arg == arg.Name);
            if (arg.IsBuffer)
            {
                if (arg.Name == "instr") bindings.Add(new ArgumentBinding(arg, ArgumentUse.Instructions, -1));
                else if (buffer >= 0 && manifest.Buffers[buffer].Role != BufferRole.Unused) bindings.Add(new ArgumentBinding(arg, ArgumentUse.Buffer, buffer));
                else bindings.Add(new ArgumentBinding(arg, ArgumentUse.Unused, -1));
            }
            else if (scalar >= 0) bindings.Add(new ArgumentBinding(arg, ArgumentUse.Scalar, scalar));
            else if (arg.Name == "opcode") bindings.Add(new ArgumentBinding(arg, ArgumentUse.Opcode, -1));
            else if (arg.Name == "ninstr") bindings.Add(new ArgumentBinding(arg, ArgumentUse.InstructionCount, -1));
            else
                throw Error(manifest, $"its scalar argument '{arg.Name}' (index {arg.Index}) is neither opcode nor ninstr; declare it in the manifest's \"scalars\" so it can be bound");
        }
        return bindings;
    }

    private static void CheckOrder(KernelManifest manifest, IReadOnlyList<KernelArgumentInfo> arguments, List<string> listed, string what)
    {
        for (int i = 1; i < listed.Count; i++)
        {
            int before = IndexOf(arguments, a => a.Name == listed[i - 1]), here = IndexOf(arguments, a => a.Name == listed[i]);
            if (here < before)
                throw Error(manifest, $"the manifest lists {what} \"{listed[i - 1]}\" before \"{listed[i]}\", but the kernel's argument order is {string.Join(", ", arguments.Select(a => a.Name))}; list {what} in the kernel's argument order");
        }
    }

    private static int IndexOf<T>(IReadOnlyList<T> items, Func<T, bool> match)
    {
        for (int i = 0; i < items.Count; i++) if (match(items[i])) return i;
        return -1;
    }

    private static KernelManifestException Error(KernelManifest manifest, string message) => new(message, manifest.SourcePath, 0, 0);
}
