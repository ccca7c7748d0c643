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
}

/// <summary>The pattern values of NpuSdk.NpuPattern, as the attribute stores them.</summary>
internal enum PatternKind
{
    FromManifest = 0,
    TileMatMul = 1,
    Elementwise = 2,
    KStripMatMul = 3,
    Rowwise = 4,
}

/// <summary>One parameter: its name as written, its kind, its element type (C# text) and its full type text.</summary>
internal sealed record ParameterModel(string Name, ParameterKind Kind, string ElementType, string TypeText)
{
    public bool IsBuffer => Kind is not (ParameterKind.Session or ParameterKind.Device);
    public bool IsInput => Kind is ParameterKind.Input1D or ParameterKind.Input2D;
}

/// <summary>A type around the method, as its partial re-declaration needs it: <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record TypeDeclaration(string Keyword, string Name);

/// <summary>The values written on [NpuKernel].</summary>
internal sealed record AttributeOptions(string XclbinPath, int Tile, string? Kernel, string? Instructions, PatternKind Pattern, int TimeoutMilliseconds);

/// <summary>Everything the generator needs from one [NpuKernel] method's syntax and symbols, as plain values.</summary>
internal sealed record MethodModel(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string Name,
    string DisplayName,
    string Modifiers,
    EquatableArray<ParameterModel> Parameters,
    AttributeOptions Options,
    DiagnosticLocation AttributeLocation,
    bool CanEmit);

/// <summary>A kernel argument as the xclbin declares it.</summary>
internal sealed record KernelArgument(string Name, bool IsBuffer);

/// <summary>A kernel and its arguments in index order.</summary>
internal sealed record KernelSignature(string Name, EquatableArray<KernelArgument> Arguments);

/// <summary>One data buffer a manifest declares: whether the kernel reads or writes it, and its element type as C# text (null when unknown).</summary>
internal sealed record ManifestBuffer(string Arg, bool IsInput, string? ElementType);

/// <summary>A kernel manifest (<c>*.kernel.json</c>): what one invocation computes, the kernel's name and its data buffers.</summary>
/// <remarks><see cref="Tile"/> is the tile's m (rows of A and C) or element count; tile matmuls also have <see cref="TileK"/> and <see cref="TileN"/>.</remarks>
internal sealed record ManifestModel(string? Error, PatternKind Pattern, int Tile, string? Kernel, EquatableArray<ManifestBuffer> Buffers,
    int TileK = 0, int TileN = 0, int KMultiple = 0, int KMax = 0, int Cols = 0);

/// <summary>
/// One AdditionalFiles item the generator cares about: an xclbin (with its kernels or the reader's error),
/// an instruction stream or a manifest. Paths use forward slashes.
/// </summary>
internal sealed record ProjectFile(string Path, string? Error, EquatableArray<KernelSignature> Kernels, ManifestModel? Manifest);

/// <summary>What the emitter writes for one method: no symbols, syntax or locations, so unrelated edits leave it equal.</summary>
internal sealed record KernelSourceModel(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclaration> Types,
    string Name,
    string Modifiers,
    EquatableArray<ParameterModel> Parameters,
    string XclbinFile,
    string KernelName,
    string InstructionsFile,
    int DataBufferCount,
    int TimeoutMilliseconds,
    PatternKind Pattern,
    int Tile,
    int TileK,
    int TileN,
    bool PackedInputs,
    string PlanTypeArguments,
    int KMultiple,
    int KMax,
    int Cols);
