using System.Text.RegularExpressions;

namespace NpuSdk.Package.Tests.Documentation;

/// <summary>
/// A command line the documentation tells the reader to type: the Markdown file it is in (relative to the repository,
/// with '/'), its line, the line its code block opens on, its text (without a prompt or a comment) and the commands it
/// runs in turn; or, when the line is not one the test can read as a command, what is wrong with it.
/// </summary>
public sealed record DocumentedCommand(string File, int Line, int Block, string Text, IReadOnlyList<ShellCommand> Commands, string? Problem)
{
    public string Where => $"{File}:{Line}";

    public override string ToString() => $"{Where}: {Text}";
}

/// <summary>
/// Finds the commands the documentation tells the reader to type. The rule: every line of a fenced code block whose
/// language is <c>sh</c>, <c>bash</c>, <c>shell</c> or <c>console</c>, in every Markdown file of the repository (build
/// output folders and hidden folders aside). In a <c>console</c> block only the lines after a <c>$ </c> prompt are
/// commands (the rest is what they print); in the others every line is, except blank lines and <c># comments</c>. A line
/// ending in a backslash goes on on the next. Code in prose (<c>`...`</c>) and blocks without a shell language are not
/// commands: a command the reader should type goes in a <c>```sh</c> block.
/// </summary>
internal static partial class MarkdownCommands
{
    private static readonly HashSet<string> ShellLanguages = ["sh", "bash", "shell", "console"];

    /// <summary>Every documented command under <paramref name="root"/>, file by file (in ordinal order of their paths), line by line.</summary>
    public static IReadOnlyList<DocumentedCommand> InRepository(string root) =>
        MarkdownFiles(root)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .SelectMany(file => InFile(file, File.ReadAllText(Path.Combine(root, file))))
            .ToList();

    /// <summary>The documented commands of one Markdown text.</summary>
    public static IEnumerable<DocumentedCommand> InFile(string file, string markdown)
    {
        string[] lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string? fence = null, language = null;
        int block = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].Trim();
            if (fence is null)
            {
                if (Fence().Match(trimmed) is { Success: true } open)
                    (fence, language, block) = (open.Groups["fence"].Value, open.Groups["language"].Value.ToLowerInvariant(), i + 1);
                continue;
            }
            if (trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.All(c => c == fence[0]))
            {
                fence = null;
                continue;
            }
            if (!ShellLanguages.Contains(language!)) continue;

            string text;
            if (language == "console")
            {
                if (!trimmed.StartsWith("$ ", StringComparison.Ordinal)) continue;
                text = trimmed[2..];
            }
            else if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            else text = trimmed;

            int line = i + 1;
            while (text.EndsWith('\\') && i + 1 < lines.Length) text = text[..^1] + " " + lines[++i].Trim();
            yield return Read(file, line, block, text);
        }
    }

    private static DocumentedCommand Read(string file, int line, int block, string text)
    {
        try
        {
            var (commands, command) = ShellWords.Split(text);
            return new DocumentedCommand(file, line, block, command, commands, null);
        }
        catch (FormatException e)
        {
            return new DocumentedCommand(file, line, block, text, [], e.Message);
        }
    }

    private static IEnumerable<string> MarkdownFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.md").Concat(Directory.EnumerateDirectories(folder)
            .Where(d => Repository.HoldsSources(Path.GetFileName(d)))
            .SelectMany(MarkdownFiles));

    [GeneratedRegex("^(?<fence>`{3,}|~{3,})\\s*(?<language>[^\\s`]*)")]
    private static partial Regex Fence();
}
