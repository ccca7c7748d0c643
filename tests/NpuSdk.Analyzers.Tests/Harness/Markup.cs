using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace NpuSdk.Analyzers.Tests.Harness;

/// <summary>An expected diagnostic: its ID and the span it must cover in the plain source.</summary>
public sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>
/// Source with <c>{|NPU2001:code|}</c> markers (the Microsoft.CodeAnalysis.Testing convention, which is not
/// available here). Markers may nest; the plain source is the text with every marker removed.
/// </summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var source = new StringBuilder(markup.Length);
        var expected = new List<ExpectedDiagnostic>();
        var open = new Stack<(string Id, int Start)>();
        for (int i = 0; i < markup.Length; i++)
        {
            if (markup[i] == '{' && i + 1 < markup.Length && markup[i + 1] == '|')
            {
                int colon = markup.IndexOf(':', i + 2);
                if (colon < 0) throw new FormatException($"Marker at offset {i} has no ':' after its diagnostic ID.");
                open.Push((markup[(i + 2)..colon], source.Length));
                i = colon;
            }
            else if (markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == '}')
            {
                if (open.Count == 0) throw new FormatException($"'|}}' at offset {i} closes no marker.");
                var (id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, source.Length)));
                i++;
            }
            else
            {
                source.Append(markup[i]);
            }
        }
        if (open.Count > 0) throw new FormatException($"Marker {open.Peek().Id} is never closed.");
        return (source.ToString(), expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id).ToList());
    }
}
