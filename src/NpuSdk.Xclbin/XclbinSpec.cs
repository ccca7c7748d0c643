using System;
using System.Collections.Generic;

namespace NpuSdk.Xclbin;

/// <summary>Which toolchain's section set and argument layout <see cref="XclbinWriter"/> imitates.</summary>
public enum XclbinLayout
{
    /// <summary>
    /// An mlir-aie (aiecc) build: MEM_TOPOLOGY (HOST and SRAM banks), AIE_PARTITION, EMBEDDED_METADATA,
    /// IP_LAYOUT (<c>KERNEL:INSTANCE</c>, PS kernel, properties 0x09010001), CONNECTIVITY and the ASK_GROUP sections.
    /// </summary>
    MlirAie,
    /// <summary>An older Riallto build: additionally BITSTREAM, BUILD_METADATA, SYSTEM_METADATA and PDI sections.</summary>
    Riallto,
}

/// <summary>One kernel argument to write into EMBEDDED_METADATA (and CONNECTIVITY for buffers).</summary>
public sealed class XclbinArgSpec
{
    /// <summary>Creates an argument description.</summary>
    /// <param name="name">Argument name, e.g. <c>bo0</c>.</param>
    /// <param name="addressQualifier">Scalar or buffer.</param>
    /// <param name="hostType">The host type string to write, e.g. <c>uint64_t</c>, <c>char *</c>, <c>void*</c>.</param>
    /// <param name="size">Size in the register map (8 for buffers and 64-bit scalars, 4 for 32-bit scalars).</param>
    /// <param name="memoryTag">For buffers: the MEM_TOPOLOGY tag to connect to (<c>HOST</c> or <c>SRAM</c>).</param>
    public XclbinArgSpec(string name, AddressQualifier addressQualifier, string hostType, ulong size, string? memoryTag = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        AddressQualifier = addressQualifier;
        HostType = hostType ?? throw new ArgumentNullException(nameof(hostType));
        Size = size;
        MemoryTag = memoryTag;
    }

    /// <summary>Argument name.</summary>
    public string Name { get; }
    /// <summary>Scalar or buffer.</summary>
    public AddressQualifier AddressQualifier { get; }
    /// <summary>Host type string.</summary>
    public string HostType { get; }
    /// <summary>Size in bytes.</summary>
    public ulong Size { get; }
    /// <summary>Memory bank tag for buffers.</summary>
    public string? MemoryTag { get; }
}

/// <summary>What <see cref="XclbinWriter"/> writes: one kernel, its arguments, and the build's layout.</summary>
public sealed class XclbinSpec
{
    /// <summary>Kernel name (mlir-aie: <c>MLIR_AIE</c>).</summary>
    public string KernelName { get; set; } = "MLIR_AIE";
    /// <summary>Instance name in IP_LAYOUT (mlir-aie: <c>MLIRAIE</c>).</summary>
    public string InstanceName { get; set; } = "MLIRAIE";
    /// <summary>Arguments in index order.</summary>
    public List<XclbinArgSpec> Arguments { get; } = new();
    /// <summary>The uuid to write; when empty the writer derives one from the spec's content, so equal specs give equal files.</summary>
    public XclbinUuid Uuid { get; set; }
    /// <summary>Which build to imitate.</summary>
    public XclbinLayout Layout { get; set; } = XclbinLayout.MlirAie;
    /// <summary>Free text mixed into the derived uuid, so two kernels with the same signature get different uuids.</summary>
    public string UuidSeed { get; set; } = "";
    /// <summary>
    /// Non-null for an emulation stand-in (no device program): the file is marked as one, with this text (the real design
    /// it mirrors, or empty), so the runtime refuses it on an NPU and says what to build. Not part of the derived uuid.
    /// </summary>
    public string? EmulationStandIn { get; set; }

    /// <summary>
    /// The mlir-aie kernel ABI: <c>opcode</c> (uint64_t), <c>instr</c> (char *, SRAM bank), <c>ninstr</c>
    /// (uint32_t), then <c>bo0</c>..<c>bo{n-1}</c> (void*, HOST bank).
    /// </summary>
    public static XclbinSpec MlirAie(int bufferCount, string kernelName = "MLIR_AIE", string uuidSeed = "")
    {
        if (bufferCount < 0) throw new ArgumentOutOfRangeException(nameof(bufferCount));
        var spec = new XclbinSpec { KernelName = kernelName, UuidSeed = uuidSeed };
        spec.Arguments.Add(new XclbinArgSpec("opcode", AddressQualifier.Scalar, "uint64_t", 8));
        spec.Arguments.Add(new XclbinArgSpec("instr", AddressQualifier.Global, "char *", 8, "SRAM"));
        spec.Arguments.Add(new XclbinArgSpec("ninstr", AddressQualifier.Scalar, "uint32_t", 4));
        for (int i = 0; i < bufferCount; i++)
            spec.Arguments.Add(new XclbinArgSpec("bo" + i, AddressQualifier.Global, "void*", 8, "HOST"));
        return spec;
    }

    /// <summary>
    /// The older Riallto ABI, as the aiecc of its time declared it: <c>instr</c> (char *, SRAM bank),
    /// <c>ninstr</c> (uint64_t), then <c>in, tmp, out</c> (char *, HOST bank), 8 bytes apart from offset 0;
    /// the kernel named by the application and the instance <c>Riallto</c> (its build passes
    /// <c>--kernel-name APP --instance-name Riallto</c> to aiecc).
    /// </summary>
    public static XclbinSpec Riallto(string kernelName, string uuidSeed = "")
    {
        var spec = new XclbinSpec { KernelName = kernelName, InstanceName = "Riallto", Layout = XclbinLayout.Riallto, UuidSeed = uuidSeed };
        spec.Arguments.Add(new XclbinArgSpec("instr", AddressQualifier.Global, "char *", 8, "SRAM"));
        spec.Arguments.Add(new XclbinArgSpec("ninstr", AddressQualifier.Scalar, "uint64_t", 8));
        spec.Arguments.Add(new XclbinArgSpec("in", AddressQualifier.Global, "char *", 8, "HOST"));
        spec.Arguments.Add(new XclbinArgSpec("tmp", AddressQualifier.Global, "char *", 8, "HOST"));
        spec.Arguments.Add(new XclbinArgSpec("out", AddressQualifier.Global, "char *", 8, "HOST"));
        return spec;
    }
}
