using System.Text;
using System.Text.RegularExpressions;

namespace NpuSdk.Package.Tests.Documentation;

/// <summary>One simple command of a documented line: the variables it sets for itself (<c>NAME=value</c> before it) and its words.</summary>
public sealed record ShellCommand(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Words)
{
    public string Program => Words[0];

    public string[] Arguments => Words.Skip(1).ToArray();

    /// <summary>The command as a reader would type it again (words with blanks or quotes shown quoted).</summary>
    public override string ToString() =>
        string.Join(' ', Environment.Select(e => $"{e.Key}={e.Value}").Concat(Words.Select(w => w.Length > 0 && w.All(c => !char.IsWhiteSpace(c) && c is not '\'' and not '"') ? w : $"'{w}'")));
}

/// <summary>
/// Splits a documented command line as a POSIX shell would, for the part of the shell language the documentation uses:
/// words separated by blanks, '…' and "…" quoting, backslash escapes, <c>NAME=value</c> before a command, a <c>#</c>
/// comment, and <c>&amp;&amp;</c> between commands that run in turn. Anything else a shell would act on (pipes,
/// redirections, <c>;</c>, variables, globs, command substitution, <c>~</c>) is refused, naming it, so that a documented
/// command means the same to the reader's shell as to the test.
/// </summary>
internal static partial class ShellWords
{
    private const string Refused = "|;<>&$`()*?[]";

    /// <summary>The commands of <paramref name="line"/>, in order, and its text without the comment.</summary>
    /// <exception cref="FormatException">The line uses shell syntax outside that part, or is not a whole command.</exception>
    public static (IReadOnlyList<ShellCommand> Commands, string Text) Split(string line)
    {
        var commands = new List<ShellCommand>();
        var words = new List<string>();
        var environment = new Dictionary<string, string>();
        StringBuilder? word = null;
        int end = line.Length;
        bool joined = false;

        void EndWord()
        {
            if (word is null) return;
            string text = word.ToString();
            word = null;
            if (words.Count == 0 && Assignment().Match(text) is { Success: true } m) environment[m.Groups[1].Value] = m.Groups[2].Value;
            else words.Add(text);
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count == 0)
                throw new FormatException(environment.Count > 0 ? "it sets a variable and runs nothing" : commands.Count > 0 || joined ? "an && has no command on one side" : "it has no command");
            commands.Add(new ShellCommand(new Dictionary<string, string>(environment), words.ToArray()));
            words.Clear();
            environment.Clear();
        }

        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c is ' ' or '\t') EndWord();
            else if (c == '#' && word is null)
            {
                end = i;
                break;
            }
            else if (c == '&' && i + 1 < line.Length && line[i + 1] == '&')
            {
                joined = true;
                EndCommand();
                i++;
            }
            else if (c == '\'')
            {
                int close = line.IndexOf('\'', i + 1);
                if (close < 0) throw new FormatException("a ' is not closed");
                (word ??= new()).Append(line, i + 1, close - i - 1);
                i = close;
            }
            else if (c == '"') i = DoubleQuoted(line, i, word ??= new());
            else if (c == '\\')
            {
                if (++i == line.Length) throw new FormatException("it ends in a backslash");
                (word ??= new()).Append(line[i]);
            }
            else if (Refused.Contains(c) || (c == '~' && word is null))
                throw new FormatException($"'{c}' means something to the shell that the test does not model (quote it, or write a simple command)");
            else (word ??= new()).Append(c);
        }
        EndCommand();
        return (commands, line[..end].Trim());
    }

    /// <summary>Appends the double-quoted text that opens at <paramref name="open"/>; returns the index of its closing quote.</summary>
    private static int DoubleQuoted(string line, int open, StringBuilder word)
    {
        for (int i = open + 1; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"') return i;
            if (c is '$' or '`') throw new FormatException($"'{c}' inside double quotes is expanded by the shell (use single quotes)");
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\') c = line[++i];
            word.Append(c);
        }
        throw new FormatException("a \" is not closed");
    }

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex Assignment();
}
