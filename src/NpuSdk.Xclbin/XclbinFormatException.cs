using System;

namespace NpuSdk.Xclbin;

/// <summary>
/// An xclbin or instruction file is malformed. The message names the section (or "header") and the byte
/// offset where reading failed; <see cref="Section"/> and <see cref="Offset"/> carry the same facts.
/// This is the only exception type the readers let escape for bad content.
/// </summary>
public sealed class XclbinFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="section">The section being read, e.g. <c>header</c>, <c>MEM_TOPOLOGY</c>, <c>EMBEDDED_METADATA</c>.</param>
    /// <param name="offset">The absolute byte offset in the file where the problem is.</param>
    /// <param name="problem">What is wrong, in a sentence.</param>
    /// <param name="source">The file name, when known.</param>
    /// <param name="inner">The underlying exception (for example an XML error), if any.</param>
    public XclbinFormatException(string section, long offset, string problem, string? source = null, Exception? inner = null)
        : base(Format(section, offset, problem, source), inner)
    {
        Section = section;
        Offset = offset;
        Problem = problem;
        SourceName = source;
    }

    /// <summary>The section being read when the problem was found (<c>header</c> for the file header).</summary>
    public string Section { get; }

    /// <summary>The absolute byte offset in the file.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The file name, when known.</summary>
    public string? SourceName { get; }

    private static string Format(string section, long offset, string problem, string? source) =>
        (source is null ? "" : source + ": ") + $"{section} at byte offset {offset}: {problem}";
}
