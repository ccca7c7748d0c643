using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using NpuSdk.Generators.Model;
using NpuSdk.KernelModel;

namespace NpuSdk.Generators.Binding;

/// <summary>One method being bound: its model, where its diagnostics point, and the diagnostics found so far.</summary>
internal sealed class BindContext
{
    private readonly ImmutableArray<DiagnosticInfo>.Builder _errors;

    public BindContext(MethodModel method, ImmutableArray<DiagnosticInfo>.Builder errors)
    {
        Method = method;
        _errors = errors;
        Buffers = method.Parameters.Where(p => p.IsBuffer).ToList();
        Scalars = method.Parameters.Where(p => p.Kind == ParameterKind.Scalar).ToList();
    }

    public MethodModel Method { get; }
    public AttributeOptions Options => Method.Options;
    /// <summary>The method's name as messages give it (<c>Type.Method</c>).</summary>
    public string Name => Method.DisplayName;
    /// <summary>The attribute: where the method's binding diagnostics point.</summary>
    public DiagnosticLocation At => Method.AttributeLocation;
    /// <summary>The buffer parameters, in order.</summary>
    public List<ParameterModel> Buffers { get; }
    /// <summary>The scalar parameters, in order.</summary>
    public List<ParameterModel> Scalars { get; }

    /// <summary>Reports <paramref name="descriptor"/> at the attribute; always false, so a check can <c>return Report(...)</c>.</summary>
    public bool Report(DiagnosticDescriptor descriptor, params string[] arguments) => ReportAt(descriptor, At, arguments);

    /// <summary>Reports <paramref name="descriptor"/> at <paramref name="location"/>; always false.</summary>
    public bool ReportAt(DiagnosticDescriptor descriptor, DiagnosticLocation location, params string[] arguments)
    {
        _errors.Add(DiagnosticInfo.Create(descriptor, location, arguments));
        return false;
    }

    /// <summary>The span a buffer parameter is declared as: <c>ReadOnlySpan2D</c>, <c>Span2D</c>, <c>ReadOnlySpan</c> or <c>Span</c>.</summary>
    public static string SpanName(bool matrix, bool input) => (input ? "ReadOnlySpan" : "Span") + (matrix ? "2D" : "");

    /// <summary>The method's buffer parameters as a reader wrote them: <c>ReadOnlySpan2D&lt;sbyte&gt; a, Span2D&lt;int&gt; c</c>.</summary>
    public string DescribeBuffers() =>
        Buffers.Count == 0 ? "no buffers" : string.Join(", ", Buffers.Select(b =>
            SpanName(b.IsMatrix, b.IsInput) + "<" + (b.Element is { } e ? ElementTypes.CSharpName(e) : "?") + "> " + b.PlainName));

    /// <summary>"a" or "an" before <paramref name="word"/>.</summary>
    public static string Article(string word) => ("aeiou".IndexOf(word[0]) >= 0 ? "an " : "a ") + word;
}
