using System;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Diagnostics;

/// <summary>The generator's diagnostics. IDs are stable; each has a page under docs/diagnostics/.</summary>
internal static class NpuDiagnostics
{
    private const string Category = "NpuSdk.Generator";

    public static readonly DiagnosticDescriptor MethodNotPartial = Create("NPU1001",
        "[NpuKernel] method must be partial",
        "Method '{0}' has [NpuKernel] but is not partial; declare it 'partial' without a body so the generator can write it");

    public static readonly DiagnosticDescriptor TypeNotPartial = Create("NPU1002",
        "Type containing an [NpuKernel] method must be partial",
        "Type '{0}' contains [NpuKernel] method '{1}' but is not partial; declare it (and every type around it) 'partial'");

    public static readonly DiagnosticDescriptor XclbinNotInAdditionalFiles = Create("NPU1003",
        "xclbin is not among AdditionalFiles",
        "The xclbin '{0}' of method '{1}' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{0}\" /> to the project (NpuSdk.props adds every *.xclbin of the project automatically)");

    public static readonly DiagnosticDescriptor XclbinUnreadable = Create("NPU1004",
        "xclbin cannot be read",
        "The xclbin '{0}' of method '{1}' cannot be read: {2}");

    public static readonly DiagnosticDescriptor KernelNotFound = Create("NPU1005",
        "Kernel not found in the xclbin",
        "Method '{0}': {1}; the xclbin '{2}' has kernels: {3}");

    public static readonly DiagnosticDescriptor BufferMismatch = Create("NPU1006",
        "Kernel buffers do not match the method's buffer parameters",
        "Method '{0}': kernel '{1}' has {2} data buffer argument(s) ({3}), but {4}");

    public static readonly DiagnosticDescriptor UnsupportedType = Create("NPU1007",
        "Unsupported parameter or element type",
        "Method '{0}': {1}");

    public static readonly DiagnosticDescriptor TileNotUsable = Create("NPU1008",
        "Tile is not usable",
        "Method '{0}': Tile = {1} is not usable: {2}");

    public static readonly DiagnosticDescriptor NoPattern = Create("NPU1009",
        "No pattern for the kernel",
        "Method '{0}': what one invocation of kernel '{1}' computes is unknown; set Pattern on [NpuKernel] (for example Pattern = NpuPattern.TileMatMul) or add the kernel's manifest '{2}' to AdditionalFiles");

    public static readonly DiagnosticDescriptor InstructionsNotFound = Create("NPU1010",
        "Instruction file not found",
        "Method '{0}': {1}; add it to AdditionalFiles (NpuSdk.props adds *.insts.bin and *.insts.txt automatically) or name it with Instructions = \"...\"");

    private static readonly DiagnosticDescriptor[] All =
    {
        MethodNotPartial, TypeNotPartial, XclbinNotInAdditionalFiles, XclbinUnreadable, KernelNotFound,
        BufferMismatch, UnsupportedType, TileNotUsable, NoPattern, InstructionsNotFound,
    };

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var d in All) if (d.Id == id) return d;
        throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));
    }

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: $"https://github.com/npusdk/npusdk/blob/main/docs/diagnostics/{id}.md");
}
