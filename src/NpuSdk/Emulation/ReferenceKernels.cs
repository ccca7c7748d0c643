using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;
using NpuSdk.KernelModel;
using NpuSdk.Xclbin;

namespace NpuSdk.Emulation;

/// <summary>The arithmetic class of a kernel's multiply-accumulates, for the latency model's compute charge.</summary>
public enum ComputePrecision
{
    /// <summary>int8 (and uint8) multiply-accumulates.</summary>
    Int8,
    /// <summary>bf16 multiply-accumulates.</summary>
    BFloat16,
    /// <summary>int16 multiply-accumulates.</summary>
    Int16,
    /// <summary>int32 multiply-accumulates.</summary>
    Int32,
    /// <summary>float32 multiply-accumulates.</summary>
    Float32,
}

/// <summary>
/// What the emulator runs for one kernel invocation: reads the device views of the input buffers, writes the device
/// views of the outputs. Must be thread-safe and allocation-free per invocation.
/// </summary>
public interface IReferenceKernel
{
    /// <summary>Multiply-accumulates one invocation performs (for the latency model).</summary>
    long MacsPerInvocation { get; }

    /// <summary>The precision of those multiply-accumulates.</summary>
    ComputePrecision Precision { get; }

    /// <summary>
    /// Multiply-accumulates of this invocation, for a kernel whose work depends on what is bound (a K-strip's K is its
    /// buffer's size); by default <see cref="MacsPerInvocation"/>. Reads only sizes, never data.
    /// </summary>
    long MacsOf(in ReferenceInvocation invocation) => MacsPerInvocation;

    /// <summary>Computes one invocation.</summary>
    void Execute(in ReferenceInvocation invocation);
}

/// <summary>The bound arguments of one invocation, as the device sees them.</summary>
public readonly ref struct ReferenceInvocation
{
    private readonly EmulatorRun _run;

    internal ReferenceInvocation(EmulatorRun run) => _run = run;

    /// <summary>The kernel's signature from the xclbin.</summary>
    public XclbinKernel Signature => _run.Signature;

    /// <summary>The manifest the emulator knows for this kernel, or null.</summary>
    public KernelManifest? Manifest => _run.Manifest;

    /// <summary>The device view of buffer argument <paramref name="argIndex"/>.</summary>
    /// <exception cref="ArgumentException">Nothing (or a raw address) is bound to it: the kernel touched an unused buffer.</exception>
    public Span<byte> Buffer(int argIndex) => _run.DeviceView(argIndex);

    /// <summary>The device view of the buffer argument named <paramref name="name"/> (e.g. <c>bo0</c>).</summary>
    public Span<byte> Buffer(string name) => _run.DeviceView(_run.ArgIndex(name));

    /// <summary>The value of scalar argument <paramref name="argIndex"/>, zero-extended.</summary>
    public ulong Scalar(int argIndex) => _run.ScalarValue(argIndex);

    /// <summary>The value of the scalar argument named <paramref name="name"/>, zero-extended.</summary>
    public ulong Scalar(string name) => _run.ScalarValue(_run.ArgIndex(name));

    /// <summary>An operand's bytes in this invocation, where its manifest layout puts them.</summary>
    /// <exception cref="ArgumentException">The buffer is smaller than the layout needs; the message names buffer and operand.</exception>
    public Span<byte> Bytes(OperandLayout operand)
    {
        ArgumentNullException.ThrowIfNull(operand);
        var buffer = Buffer(operand.Arg);
        long end = operand.ByteOffset + operand.ByteCount;
        if (buffer.Length < end)
            throw new ArgumentException($"Kernel '{operand.ManifestName}': {operand.Arg} holds {buffer.Length} bytes, but operand '{operand.Operand}' needs bytes {operand.ByteOffset}..{end} ({operand.Elements} elements of {operand.ElementSize} bytes).");
        return buffer.Slice((int)operand.ByteOffset, (int)operand.ByteCount);
    }

    /// <summary>An operand's elements in this invocation.</summary>
    public Span<T> Operand<T>(OperandLayout operand) where T : struct => MemoryMarshal.Cast<byte, T>(Bytes(operand));
}

/// <summary>Makes the reference implementation of a manifest, or throws <see cref="KernelManifestException"/> naming what it does not implement.</summary>
public delegate IReferenceKernel ReferenceKernelFactory(KernelManifest manifest);

/// <summary>
/// What the emulator runs for a kernel, found in this order: C# registered for the xclbin's uuid and the kernel's name
/// (a user's own design), then a reference made from the kernel's manifest by the factory registered for its
/// <c>operation</c> (the kernel library's generic matmul, GEMV, elementwise, layer norm, GELU, softmax and attention
/// references compute any rule a manifest states).
/// </summary>
/// <remarks>
/// A new registry is empty. <see cref="Default"/> starts empty too and, the first time it needs an operation, loads the
/// kernel library (the <c>NpuSdk.Kernels</c> assembly, which the NpuSdk package carries) and lets it register itself.
/// </remarks>
public sealed class ReferenceKernelRegistry
{
    private const string KernelLibraryAssembly = "NpuSdk.Kernels";

    private readonly ConcurrentDictionary<(XclbinUuid, string), IReferenceKernel> _kernels = new();
    private readonly ConcurrentDictionary<string, ReferenceKernelFactory> _operations = new(StringComparer.Ordinal);
    private readonly bool _discoversKernelLibrary;
    private readonly object _discovery = new();
    private volatile bool _discovered;
    private bool _discovering;

    /// <summary>An empty registry.</summary>
    public ReferenceKernelRegistry() { }

    // Internal for the tests, which race fresh discovering registries.
    internal ReferenceKernelRegistry(bool discoversKernelLibrary) => _discoversKernelLibrary = discoversKernelLibrary;

    /// <summary>The registry the default emulator uses; the kernel library registers its operations in it on first need.</summary>
    public static ReferenceKernelRegistry Default { get; } = new(discoversKernelLibrary: true);

    /// <summary>The operations with a registered factory.</summary>
    public IReadOnlyCollection<string> Operations
    {
        get
        {
            DiscoverKernelLibrary();
            return _operations.Keys.Order(StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Registers (or replaces) the implementation of <paramref name="kernelName"/> in the xclbin with uuid <paramref name="uuid"/>.</summary>
    public void Register(XclbinUuid uuid, string kernelName, IReferenceKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernelName);
        ArgumentNullException.ThrowIfNull(kernel);
        _kernels[(uuid, kernelName)] = kernel;
    }

    /// <summary>
    /// Registers the implementation of <paramref name="kernelName"/> in the xclbin at <paramref name="xclbinPath"/>, keyed by
    /// the uuid read from the file now, so the file may be renamed or moved afterwards.
    /// </summary>
    /// <exception cref="XclbinFormatException">The file is not an xclbin.</exception>
    public XclbinUuid Register(string xclbinPath, string kernelName, IReferenceKernel kernel)
    {
        ArgumentException.ThrowIfNullOrEmpty(xclbinPath);
        var uuid = XclbinFile.ReadFile(xclbinPath).Uuid;
        Register(uuid, kernelName, kernel);
        return uuid;
    }

    /// <summary>Registers (or replaces) the factory of an operation (a manifest's <c>operation</c>, e.g. <c>matmul</c>).</summary>
    public void RegisterOperation(string operation, ReferenceKernelFactory factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(factory);
        _operations[operation] = factory;
    }

    /// <summary>Finds the implementation registered for a kernel of an xclbin.</summary>
    public bool TryGet(XclbinUuid uuid, string kernelName, [MaybeNullWhen(false)] out IReferenceKernel kernel) =>
        _kernels.TryGetValue((uuid, kernelName), out kernel);

    /// <summary>
    /// Makes the reference a manifest describes through its operation's factory. False with the reason when no factory
    /// is registered for the operation or the factory does not implement the manifest's rule.
    /// </summary>
    public bool TryCreate(KernelManifest manifest, [MaybeNullWhen(false)] out IReferenceKernel kernel, out string reason)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        DiscoverKernelLibrary();
        kernel = null;
        if (!_operations.TryGetValue(manifest.Operation, out var factory))
        {
            string known = _operations.IsEmpty ? "none (the kernel library NpuSdk.Kernels is not loaded)" : string.Join(", ", _operations.Keys.Order(StringComparer.Ordinal));
            reason = $"the emulator has no reference for operation '{manifest.Operation}' (it has: {known})";
            return false;
        }
        try
        {
            kernel = factory(manifest);
            reason = "";
            return true;
        }
        catch (KernelManifestException e)
        {
            reason = e.Reason;
            return false;
        }
    }

    // Every caller waits until the library has registered itself: a thread that found the discovery started and went on
    // would see an empty registry. The library's own calls back into the registry (same thread) do not discover again.
    private void DiscoverKernelLibrary()
    {
        if (!_discoversKernelLibrary || _discovered) return;
        lock (_discovery)
        {
            if (_discovered || _discovering) return;
            _discovering = true;
            try
            {
                RegisterKernelLibrary();
            }
            finally
            {
                _discovered = true;
            }
        }
    }

    private void RegisterKernelLibrary()
    {
        Assembly library;
        try
        {
            library = Assembly.Load(new AssemblyName(KernelLibraryAssembly));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return;
        }
        foreach (var attribute in library.GetCustomAttributes<ReferenceKernelLibraryAttribute>())
            ((IReferenceKernelLibrary)Activator.CreateInstance(attribute.Library)!).Register(this);
    }
}

/// <summary>A library of reference kernels that registers itself in a <see cref="ReferenceKernelRegistry"/>.</summary>
public interface IReferenceKernelLibrary
{
    /// <summary>Registers the library's operations and kernels.</summary>
    void Register(ReferenceKernelRegistry registry);
}

/// <summary>Names the <see cref="IReferenceKernelLibrary"/> an assembly provides, so <see cref="ReferenceKernelRegistry.Default"/> can find it.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ReferenceKernelLibraryAttribute : Attribute
{
    /// <summary>Names the library type (a public type with a parameterless constructor).</summary>
    public ReferenceKernelLibraryAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type library)
    {
        ArgumentNullException.ThrowIfNull(library);
        Library = library;
    }

    /// <summary>The library type.</summary>
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)]
    public Type Library { get; }
}
