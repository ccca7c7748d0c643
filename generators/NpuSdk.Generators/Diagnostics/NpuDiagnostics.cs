using System;
using Microsoft.CodeAnalysis;

namespace NpuSdk.Generators.Diagnostics;

/// <summary>The generator's diagnostics. IDs are stable; each has a page under docs/diagnostics/.</summary>
internal static class NpuDiagnostics
{
    private const string Category = "NpuSdk.Generator";

    public static readonly DiagnosticDescriptor MethodNotPartial = Create("NPU1001",
        "[NpuKernel] method cannot get a generated body",
        "Method '{0}' has [NpuKernel], but the generator cannot write its body: {1}");

    public static readonly DiagnosticDescriptor TypeNotPartial = Create("NPU1002",
        "Type containing an [NpuKernel] method cannot take a generated part",
        "Type '{0}' contains [NpuKernel] method '{1}', but the generator cannot add to it: {2}");

    public static readonly DiagnosticDescriptor XclbinNotInAdditionalFiles = Create("NPU1003",
        "xclbin is not among AdditionalFiles",
        "The xclbin '{0}' of method '{1}' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{0}\" NpuSdkOutputPath=\"{0}\" CopyToOutputDirectory=\"PreserveNewest\" /> to the project, or keep it inside the project folder, where NpuSdk.props adds every *.xclbin and copies it to the output");

    public static readonly DiagnosticDescriptor XclbinUnreadable = Create("NPU1004",
        "xclbin cannot be read",
        "The xclbin '{0}' of method '{1}' cannot be read: {2}");

    public static readonly DiagnosticDescriptor KernelNotFound = Create("NPU1005",
        "Kernel not found in the xclbin",
        "Method '{0}': {1}; the xclbin '{2}' has kernels: {3}");

    public static readonly DiagnosticDescriptor BufferMismatch = Create("NPU1006",
        "The method does not fit the kernel's arguments",
        "Method '{0}' does not fit kernel '{1}': {2}");

    public static readonly DiagnosticDescriptor UnsupportedType = Create("NPU1007",
        "Parameter the generated method cannot pass",
        "Method '{0}': {1}");

    public static readonly DiagnosticDescriptor TileNotUsable = Create("NPU1008",
        "Tile is not usable",
        "Method '{0}': Tile = {1} is not usable: {2}");

    public static readonly DiagnosticDescriptor NoPattern = Create("NPU1009",
        "What one invocation computes is unknown",
        "Method '{0}': {1}");

    public static readonly DiagnosticDescriptor InstructionsNotFound = Create("NPU1010",
        "Instruction file not found",
        "Method '{0}': {1}; add it to AdditionalFiles (NpuSdk.props adds *.insts.bin and *.insts.txt automatically) or name it with Instructions = \"...\"");

    public static readonly DiagnosticDescriptor NotAMethod = Create("NPU1011",
        "[NpuKernel] on a local function or lambda",
        "[NpuKernel] is on {0}, which cannot be partial, so the generator cannot write its body; declare it as a 'partial' method of a 'partial' type");

    public static readonly DiagnosticDescriptor LanguageVersionTooOld = Create("NPU1012",
        "C# language version too old for generated kernel methods",
        "Method '{0}': the project compiles C# {1}, but a generated [NpuKernel] body needs C# 9 or later (partial methods with access modifiers); raise <LangVersion>");

    public static readonly DiagnosticDescriptor ManifestInvalid = Create("NPU1013",
        "Kernel manifest is invalid",
        "The kernel manifest '{0}' of method '{1}' is invalid: {2}");

    public static readonly DiagnosticDescriptor AmbiguousKernelFile = Create("NPU1014",
        "Kernel file is ambiguous",
        "Method '{0}': the xclbin '{1}' is ambiguous: {2}");

    public static readonly DiagnosticDescriptor GeneratorFailed = Create("NPU1015",
        "The NpuSdk generator failed on a method",
        "Method '{0}': the NpuSdk generator failed ({1}); the method has no body. Please report this with the declaration.");

    public static readonly DiagnosticDescriptor TimeoutNotPositive = Create("NPU1016",
        "TimeoutMilliseconds is not positive",
        "Method '{0}': TimeoutMilliseconds = {1} is not usable; a call waits a positive number of milliseconds for its runs (the default is 10000)");

    public static readonly DiagnosticDescriptor ContextBudgetExceeded = Create("NPU1017",
        "The project binds more xclbins than its NPU has hardware contexts",
        "This project binds {0} distinct xclbins with [NpuKernel] ({1}), more than the {2} hardware contexts {3} allows alive at once, system-wide; " +
        "a program that cycles through them evicts and reopens contexts, each open costing tens of milliseconds. Bind fewer, larger designs, " +
        "let designs that differ only in shape share one xclbin through their instruction streams, or order the work so evictions are rare " +
        "(NpuSdkDeviceProfile names the NPU the project targets: npu1 or npu4)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DeviceProfileUnknown = Create("NPU1018",
        "NpuSdkDeviceProfile names no NPU generation",
        "The project's NpuSdkDeviceProfile is '{0}', which names no NPU generation; set npu1 (Phoenix, Hawk Point) or npu4 (Strix, Strix Halo, Krackan)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SignatureNotSupported = Create("NPU1019",
        "[NpuKernel] method's form is not supported",
        "Method '{0}': {1}");

    public static readonly DiagnosticDescriptor ElementTypeMismatch = Create("NPU1020",
        "Parameter's element type does not fit the kernel's operand",
        "Method '{0}': parameter '{1}' (operand \"{2}\") has element type {3}, but {4}");

    public static readonly DiagnosticDescriptor ScalarMismatch = Create("NPU1021",
        "Scalar parameters do not match the kernel's scalars",
        "Method '{0}': {1}");

    public static readonly DiagnosticDescriptor PatternContradictsManifest = Create("NPU1022",
        "Pattern contradicts the kernel's manifest",
        "Method '{0}': Pattern = {1} contradicts the kernel's manifest '{2}', whose pattern is {3}; remove Pattern or fix the manifest");

    private static readonly DiagnosticDescriptor[] All =
    {
        MethodNotPartial, TypeNotPartial, XclbinNotInAdditionalFiles, XclbinUnreadable, KernelNotFound,
        BufferMismatch, UnsupportedType, TileNotUsable, NoPattern, InstructionsNotFound, NotAMethod,
        LanguageVersionTooOld, ManifestInvalid, AmbiguousKernelFile, GeneratorFailed, TimeoutNotPositive,
        ContextBudgetExceeded, DeviceProfileUnknown, SignatureNotSupported, ElementTypeMismatch, ScalarMismatch, PatternContradictsManifest,
    };

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var d in All) if (d.Id == id) return d;
        throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));
    }

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true,
            helpLinkUri: $"https://github.com/npusdk/npusdk/blob/main/docs/diagnostics/{id}.md");
}
