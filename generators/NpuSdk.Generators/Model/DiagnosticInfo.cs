using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NpuSdk.Generators.Diagnostics;

namespace NpuSdk.Generators.Model;

/// <summary>Where a diagnostic points, without holding a syntax tree.</summary>
internal sealed record DiagnosticLocation(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static DiagnosticLocation From(Location location) =>
        new(location.SourceTree?.FilePath ?? "", location.SourceSpan, location.GetLineSpan().Span);

    /// <summary>No place in a file.</summary>
    public static DiagnosticLocation None { get; } = new("", default, default);

    public Location ToLocation() => FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report later: descriptor id, location and message arguments, all equatable.</summary>
internal sealed record DiagnosticInfo(string Id, DiagnosticLocation Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, DiagnosticLocation location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
        return Diagnostic.Create(NpuDiagnostics.ById(Id), Location.ToLocation(), args);
    }
}

/// <summary>A pipeline value with the diagnostics found while computing it.</summary>
internal sealed record Result<T>(T Value, EquatableArray<DiagnosticInfo> Errors);
