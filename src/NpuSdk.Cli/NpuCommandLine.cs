using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using NpuSdk.Cli.Doctor;

namespace NpuSdk.Cli;

/// <summary>
/// The <c>npu</c> tool on System.CommandLine: one <see cref="INpuCommand"/> per file under <c>Commands/</c>, listed in
/// <see cref="Commands"/>. Exit codes: 0 success, 1 usage error, 2 the input file is missing or malformed. Every error
/// is one line on stderr; a usage error names the command, what is wrong and the command's usage.
/// </summary>
internal static class NpuCommandLine
{
    internal const int Ok = 0, UsageError = 1, BadFile = 2;

    /// <summary>The commands, in the order help lists them. A new command is a file under Commands/ and a line here.</summary>
    private static INpuCommand[] Commands(DoctorMachine machine) =>
        [new InspectCommand(), new ManifestCommand(), new EmulationXclbinCommand(), new DoctorCommand(machine), new PlanCommand()];

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, DoctorMachine.Current);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, DoctorMachine machine)
    {
        var (result, usageError) = Parse(args, machine);
        if (usageError is not null) return Cli.Fail(stderr, UsageError, usageError);
        return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// The one-line usage error <paramref name="args"/> would get, or null when they parse (help and the version parse
    /// whatever follows them); nothing is run. The documentation's commands are checked against it.
    /// </summary>
    internal static string? UsageErrorOf(string[] args) => Parse(args, DoctorMachine.Current).UsageError;

    private static (ParseResult Result, string? UsageError) Parse(string[] args, DoctorMachine machine)
    {
        var commands = Commands(machine).ToDictionary(c => c.Create());
        var root = new RootCommand("Inspect xclbins and NPU instruction streams, write emulation xclbins, check what the xrt backend needs, and plan kernel calls.");
        foreach (var command in commands.Keys) root.Add(command);
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new PrintVersion();

        // "npu help [COMMAND]" as a spelling of "npu [COMMAND] --help".
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var result = root.Parse(args);
        if (result.Action is HelpAction or PrintVersion) return (result, null);

        var problems = Problems(result).ToList();
        if (problems.Count == 0 && result.Errors.Count == 0) return (result, null);
        if (problems.Count == 0) problems.AddRange(result.Errors.Select(e => e.Message.TrimEnd('.'))); // never System.CommandLine's own error page

        var at = result.CommandResult.Command;
        string usage = commands.TryGetValue(at, out var npu)
            ? $"usage: {npu.Usage}; npu {at.Name} --help says more"
            : $"commands: {string.Join(", ", commands.Keys.Select(c => c.Name))}; npu --help says more";
        return (result, $"npu{(at == root ? "" : " " + at.Name)}: {string.Join("; ", problems)} ({usage})");
    }

    /// <summary>
    /// What is wrong with the command line, in the tool's words: each names the option, argument or token at fault.
    /// System.CommandLine binds an unknown <c>--option</c> to a free argument slot, so an argument token that looks
    /// like an option (before any <c>--</c>) is an unknown option, and the value that lost its slot to it is not extra.
    /// </summary>
    private static IEnumerable<string> Problems(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var tokens = result.Tokens.ToList();
        int literalFrom = tokens.FindIndex(t => t.Type == TokenType.DoubleDash) is var at and >= 0 ? at : tokens.Count;
        static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-';
        bool OptionLike(Token t) => LooksLikeOption(t.Value) && tokens.IndexOf(t) < literalFrom;

        if (command is RootCommand)
        {
            yield return result.UnmatchedTokens.FirstOrDefault() is { } token
                ? LooksLikeOption(token) ? $"unknown option '{token}'" : $"unknown command '{token}'"
                : "a command is missing";
            yield break;
        }

        var argument = command.Arguments.FirstOrDefault();
        var bound = argument is null ? null : result.GetResult(argument);
        bool boundToOption = bound?.Tokens.Any(OptionLike) == true;
        foreach (var token in bound?.Tokens.Where(OptionLike) ?? [])
            yield return $"unknown option '{token.Value}'";
        foreach (var error in result.Errors)
        {
            if (boundToOption && error.SymbolResult == bound) continue;
            if (error.SymbolResult is CommandResult && result.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            yield return error.SymbolResult switch
            {
                OptionResult { Tokens.Count: 0, Implicit: false } option => $"{option.Option.Name} needs a value",
                OptionResult { Tokens.Count: > 1 } option => $"{option.Option.Name} is given more than once",
                ArgumentResult { Tokens.Count: 0 } missing => $"{missing.Argument.Name} is missing",
                _ => error.Message.TrimEnd('.'),
            };
        }
        foreach (string token in result.UnmatchedTokens)
        {
            if (LooksLikeOption(token)) yield return $"unknown option '{token}'";
            else if (argument is null) yield return $"unexpected argument '{token}'";
            else if (!boundToOption) yield return $"more than one {argument.Name} ('{bound?.Tokens.FirstOrDefault()?.Value}', '{token}')";
        }
    }

    /// <summary><c>npu --version</c>: this assembly's informational version (the entry assembly is a test host under test).</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var assembly = typeof(NpuCommandLine).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString() ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return Ok;
        }
    }
}

/// <summary>One <c>npu</c> command: its usage line and its System.CommandLine definition, whose action returns the exit code.</summary>
internal interface INpuCommand
{
    /// <summary>The one-line synopsis a usage error repeats, e.g. <c>npu inspect FILE [--json]</c>.</summary>
    string Usage { get; }

    /// <summary>The command with its arguments, options, validators and action.</summary>
    Command Create();
}

/// <summary>What every command's action needs: its writers and the one-line error.</summary>
internal static class Cli
{
    internal static TextWriter Out(ParseResult result) => result.InvocationConfiguration.Output;

    internal static TextWriter Error(ParseResult result) => result.InvocationConfiguration.Error;

    /// <summary>Writes <paramref name="message"/> to <paramref name="stderr"/> as one line, whatever it holds, and returns <paramref name="exitCode"/>.</summary>
    internal static int Fail(TextWriter stderr, int exitCode, string message)
    {
        stderr.WriteLine(message.Replace("\r\n", " ").Replace('\r', ' ').Replace('\n', ' '));
        return exitCode;
    }
}
