using System;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Model;

/// <summary>What a parameter of a kernel method is to the launch.</summary>
internal enum ParameterKind
{
    Session,
    Device,
    Input2D,
    Output2D,
    Input1D,
    Output1D,
    Scalar,
}

/// <summary>
/// One parameter: its name as the generated code writes it (escaped), its kind, a buffer's element type or a scalar's
/// type (the kernel model's enums), its full type text, and its modifiers (<c>this</c>, <c>scoped</c>).
/// </summary>
internal sealed record ParameterModel(string Name, ParameterKind Kind, ElementType? Element, ScalarType? Scalar, string TypeText, string Modifiers)
{
    public bool IsBuffer => Kind is ParameterKind.Input2D or ParameterKind.Output2D or ParameterKind.Input1D or ParameterKind.Output1D;
    public bool IsInput => Kind is ParameterKind.Input1D or ParameterKind.Input2D;
    public bool IsMatrix => Kind is ParameterKind.Input2D or ParameterKind.Output2D;

    /// <summary>The name without a leading <c>@</c>, for messages and for the runtime's descriptor.</summary>
    public string PlainName => Name.StartsWith("@", System.StringComparison.Ordinal) ? Name.Substring(1) : Name;
}

/// <summary>A type around the method, as its partial re-declaration needs it: <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record TypeDeclaration(string Keyword, string Name);

/// <summary>The values written on [NpuKernel].</summary>
internal sealed record AttributeOptions(string XclbinPath, int Tile, string? Kernel, string? Instructions, NpuPattern Pattern, int TimeoutMilliseconds);

/// <summary>Everything the generator needs from one [NpuKernel] method's syntax and symbols, as plain values.</summary>
internal sealed record MethodModel(
    string SortKey,
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string Name,
    string DisplayName,
    string Modifiers,
    EquatableArray<ParameterModel> Parameters,
    AttributeOptions Options,
    DiagnosticLocation AttributeLocation,
    string DescriptorField,
    string? AsyncName,
    bool CanEmit,
    bool PrefersSpanForm = false);

/// <summary>A kernel and its arguments in index order, as the kernel model projects them from the xclbin.</summary>
internal sealed record KernelSignature(string Name, EquatableArray<KernelArgumentInfo> Arguments);

/// <summary>Where a manifest error is: 1-based line and column and 0-based character offset (0 and -1 when unknown).</summary>
internal sealed record ManifestError(string Reason, int Line, int Column, int Offset);

/// <summary>
/// A manifest's text and what it parsed to (null when it does not parse). Equal by text alone, so a pipeline step
/// whose input holds one stays cached while the file is unchanged; the manifest is parsed once, where the file is read.
/// </summary>
internal sealed class ManifestSource : IEquatable<ManifestSource>
{
    public ManifestSource(string text, KernelManifest? manifest)
    {
        Text = text;
        Manifest = manifest;
    }

    public string Text { get; }
    public KernelManifest? Manifest { get; }

    public bool Equals(ManifestSource? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as ManifestSource);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
}

/// <summary>
/// One AdditionalFiles item the generator cares about: an xclbin (its kernels, or the reader's error), an instruction
/// stream or a manifest (its text, what it parsed to and, when it does not parse, the error). <see cref="Path"/> uses forward slashes;
/// <see cref="OutputPath"/> is where the build copies it, relative to the application's directory; <see cref="DisplayPath"/>
/// is how messages name it (relative to the project folder when it is inside it). <see cref="EmulationStandIn"/> is
/// non-null for an xclbin marked as an emulation stand-in: the real design it mirrors, in words, or empty. <see cref="Uuid"/>
/// is an xclbin's uuid, which the generated descriptor carries so that the runtime loads no other file.
/// </summary>
internal sealed record ProjectFile(string Path, string DisplayPath, string OutputPath, string? Error, EquatableArray<KernelSignature> Kernels, ManifestSource? Manifest, ManifestError? ManifestError,
    string? EmulationStandIn = null, string? Uuid = null);

/// <summary>
/// What the emitter writes for one method: no symbols, syntax or locations, so unrelated edits leave it equal.
/// <c>XclbinPath</c> is the xclbin's path in the output folder (one hardware context each: NPU1017 counts them);
/// <c>Descriptor</c> the descriptor's initializer, C# lines (<see cref="Emit.DescriptorWriter"/>); <c>Summary</c> the first
/// line of the comment above it (pattern, kernel, xclbin, and whether it is an emulation stand-in); <c>Explanation</c>
/// what a call does, in words (<c>PatternStrategy.Explain</c>).
/// </summary>
internal sealed record KernelSourceModel(
    string SortKey,
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string Name,
    string DisplayName,
    string Modifiers,
    EquatableArray<ParameterModel> Parameters,
    string DescriptorField,
    string XclbinPath,
    string Descriptor,
    string Summary,
    string Explanation,
    string? AsyncName,
    bool TensorOverloads,
    bool PrefersSpanForm = false);
