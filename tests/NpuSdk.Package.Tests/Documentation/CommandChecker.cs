using System.Text.RegularExpressions;
using NpuSdk.Cli;

namespace NpuSdk.Package.Tests.Documentation;

/// <summary>What checking a documented command did: ran it, or resolved it without running it (and why not); or how it failed.</summary>
public sealed record CommandOutcome(string Account, string? Failure)
{
    public static CommandOutcome Ran(string what) => new($"ran: {what}", null);

    public static CommandOutcome Resolved(string what, IEnumerable<string> notRun) => new($"resolved: {what}; not run: {string.Join("; ", notRun)}", null);

    public static CommandOutcome Failed(string why) => new("failed", why);
}

/// <summary>
/// Checks documented commands, running what CI can run and resolving the rest, in a <see cref="Checkout"/> of the
/// repository (created when a command first needs it). The rules, by program:
/// <list type="bullet">
/// <item><c>npu ARGS</c>, and <c>dotnet run --project src/NpuSdk.Cli -- ARGS</c>: ARGS parse with the tool's own parser
/// with no usage error; then this build's <c>npu</c> runs them in the checkout and exits 0, unless they name a
/// <c>path/to/</c> file (a file of the reader's own).</item>
/// <item><c>dotnet run --project P -- ARGS</c>: P is a project this build built (NpuSdk.Package.Tests.csproj references
/// each one the documentation runs); its program runs with ARGS in the checkout and exits 0 (the program of this build, in
/// the tests' configuration, as <c>dotnet run --no-build</c> would run it). Benchmarks are not run: each <c>--filter</c>
/// pattern must select at least one benchmark in the program's own list. <see cref="CoveredElsewhere"/> names the
/// programs other tests run.</item>
/// <item><c>dotnet pack</c>: runs in the checkout as written (a clean Release build from sources without git) and
/// writes at least one package into its <c>-o</c> folder.</item>
/// <item><c>dotnet build P</c>: P is a project this build built; not built again.</item>
/// <item><c>dotnet test P --filter F</c>: runs P's tests of this build with the filter (and the other options given);
/// at least one test runs and all pass. Without a filter it is the whole suite, this test included: P must exist.</item>
/// <item><c>dotnet tool install -g ID</c>: not run (it changes the reader's global tools); an <c>--add-source</c> folder
/// must hold package ID after the commands before it.</item>
/// <item><c>dotnet-counters monitor</c>: not run (it watches a running program); its <c>--counters</c> are meters the
/// SDK defines.</item>
/// </list>
/// A command that sets <c>NPUSDK_BACKEND=xrt</c> needs an NPU: it is resolved, never run. A command of any other program
/// or verb fails: the test does not know how to check it, and this class is where it learns.
/// </summary>
public sealed partial class CommandChecker : IDisposable
{
    private static readonly TimeSpan ProgramLimit = TimeSpan.FromMinutes(3), BuildLimit = TimeSpan.FromMinutes(10);

    /// <summary>Programs the documentation runs that other tests run, with the test that does.</summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new()
    {
        ["samples/WhisperEncoder"] = "SampleRunTests runs it and checks what it prints (a whole encoder layer, twice, takes minutes in a Debug build)",
        ["samples/PackageConsumer"] = "PackageConsumerTests packs NpuSdk, restores this sample from the package by version, builds and runs it",
    };

    private readonly Lazy<Checkout> _checkout = new(() => new Checkout());
    private readonly Dictionary<string, CommandOutcome> _done = new(StringComparer.Ordinal);

    private string Here => _checkout.Value.Root;

    /// <summary>
    /// Checks <paramref name="command"/> after the commands before it in its code block, which the reader runs first. A
    /// command line already checked (the same text elsewhere in the documentation) is not checked again.
    /// </summary>
    public CommandOutcome Check(DocumentedCommand command, IReadOnlyList<DocumentedCommand> all)
    {
        if (_done.TryGetValue(command.Text, out var done)) return done;
        foreach (var earlier in all.Where(c => c.File == command.File && c.Block == command.Block && c.Line < command.Line))
            if (Check(earlier, all) is { Failure: not null })
                return CommandOutcome.Failed($"{earlier.Where}, which runs before it, failed");

        var outcome = command.Problem is { } problem ? CommandOutcome.Failed($"the test cannot read it as a command: {problem}") : CheckAll(command.Commands);
        return _done[command.Text] = outcome;
    }

    private CommandOutcome CheckAll(IReadOnlyList<ShellCommand> commands)
    {
        var accounts = new List<string>();
        foreach (var command in commands)
        {
            var outcome = Check(command);
            if (outcome.Failure is not null) return commands.Count == 1 ? outcome : CommandOutcome.Failed($"`{command}`: {outcome.Failure}");
            accounts.Add(outcome.Account);
        }
        return new CommandOutcome(string.Join(" && ", accounts), null);
    }

    private CommandOutcome Check(ShellCommand command)
    {
        var notRun = new List<string>();
        if (command.Environment.TryGetValue("NPUSDK_BACKEND", out string? backend) && backend == "xrt") notRun.Add("it needs an NPU (NPUSDK_BACKEND=xrt)");
        string[] args = command.Arguments;
        return (command.Program, args.FirstOrDefault()) switch
        {
            ("npu", _) => Npu(args, command.Environment, notRun),
            ("dotnet", "run") => DotnetRun(args[1..], command.Environment, notRun),
            ("dotnet", "pack") => DotnetPack(args[1..], command.Environment, notRun),
            ("dotnet", "build") => DotnetBuild(args[1..]),
            ("dotnet", "test") => DotnetTest(args[1..], command.Environment, notRun),
            ("dotnet", "tool") => DotnetToolInstall(args[1..]),
            ("dotnet-counters", "monitor") => CountersMonitor(args[1..]),
            _ => CommandOutcome.Failed($"the test does not know how to check `{command.Program} {args.FirstOrDefault()}`: teach {nameof(CommandChecker)}"),
        };
    }

    private CommandOutcome Npu(string[] args, IReadOnlyDictionary<string, string> environment, List<string> notRun)
    {
        if (NpuCommandLine.UsageErrorOf(args) is { } error) return CommandOutcome.Failed($"the npu tool refuses it: {error}");
        if (args.Any(a => a.Contains("path/to/", StringComparison.Ordinal))) notRun.Add("it names a file of the reader's own (path/to/...)");
        if (notRun.Count > 0) return CommandOutcome.Resolved("parses with the npu tool's parser", notRun);
        string npu = DocumentedProject.Find("src/NpuSdk.Cli", out _)!.BuiltProgram();
        return RunProgram(npu, args, environment);
    }

    private CommandOutcome DotnetRun(string[] args, IReadOnlyDictionary<string, string> environment, List<string> notRun)
    {
        string? path = null;
        string[] programArgs = [];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--")
            {
                programArgs = args[(i + 1)..];
                break;
            }
            if (args[i] is "--project" or "-c" or "--configuration" && i + 1 < args.Length)
            {
                if (args[i] == "--project") path = args[i + 1];
                i++;
            }
            else return CommandOutcome.Failed($"dotnet run {args[i]}: an option the test does not know");
        }
        if (path is null) return CommandOutcome.Failed("dotnet run without --project runs the project in the current folder, and the repository root has none");
        if (DocumentedProject.Find(path, out string? problem) is not { } project) return CommandOutcome.Failed(problem!);

        if (project.Folder == "src/NpuSdk.Cli") return Npu(programArgs, environment, notRun);
        if (project.References("BenchmarkDotNet")) return BenchmarkFilters(project, programArgs);
        if (CoveredElsewhere.TryGetValue(project.Folder, out string? test))
        {
            notRun.Add(test);
            return CommandOutcome.Resolved($"{project.Folder} is a project", notRun);
        }
        string program = project.BuiltProgram();
        if (!File.Exists(program))
            return CommandOutcome.Failed($"{program} is not built: reference {project.Folder} from NpuSdk.Package.Tests.csproj (ReferenceOutputAssembly=false) so that this test's build builds it");
        if (notRun.Count > 0) return CommandOutcome.Resolved($"{project.Folder} is built", notRun);
        return RunProgram(program, programArgs, environment);
    }

    /// <summary>Each --filter pattern selects at least one benchmark, by the benchmark program's own list of what it would run.</summary>
    private CommandOutcome BenchmarkFilters(DocumentedProject project, string[] args)
    {
        int at = Array.IndexOf(args, "--filter");
        string[] patterns = at < 0 ? [] : args[(at + 1)..].TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (patterns.Length == 0) return CommandOutcome.Failed("it runs every benchmark (hours): name the ones meant with --filter");
        string[] others = [.. args[..at], .. args[(at + 1 + patterns.Length)..]];
        foreach (string pattern in patterns)
        {
            var list = DotnetProcess.Run(Here, ProgramLimit, null, [project.BuiltProgram(), .. others, "--list", "flat", "--filter", pattern]);
            if (list.ExitCode != 0) return CommandOutcome.Failed(list.ToString());
            if (string.IsNullOrWhiteSpace(list.Stdout)) return CommandOutcome.Failed($"--filter '{pattern}' selects no benchmark of {project.Folder}");
        }
        return CommandOutcome.Resolved($"each --filter pattern selects benchmarks of {project.Folder}", ["benchmarks take minutes each"]);
    }

    private CommandOutcome DotnetPack(string[] args, IReadOnlyDictionary<string, string> environment, List<string> notRun)
    {
        if (notRun.Count > 0) return CommandOutcome.Failed("a pack the test cannot run: " + string.Join("; ", notRun));
        var pack = DotnetProcess.Run(Here, BuildLimit, environment, ["pack", .. args, "--disable-build-servers"]);
        if (pack.ExitCode != 0) return CommandOutcome.Failed(pack.ToString());
        string? output = OptionValue(args, "-o", "--output");
        if (output is not null && !Directory.EnumerateFiles(Path.Combine(Here, output), "*.nupkg").Any())
            return CommandOutcome.Failed($"it exited 0 but wrote no package into {output}:\n{pack}");
        return CommandOutcome.Ran("exit 0" + (output is null ? "" : $", packages in {output}: {string.Join(", ", Directory.GetFiles(Path.Combine(Here, output), "*.*nupkg").Select(Path.GetFileName).Order())}"));
    }

    private static CommandOutcome DotnetBuild(string[] args)
    {
        string? path = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (path is null) return CommandOutcome.Failed("dotnet build without a project builds the current folder's, and the repository root has none");
        if (DocumentedProject.Find(path, out string? problem) is not { } project) return CommandOutcome.Failed(problem!);
        return File.Exists(project.BuiltProgram())
            ? CommandOutcome.Resolved($"{project.Folder} is a project this build built", ["building it again would rewrite outputs other tests are using"])
            : CommandOutcome.Failed($"{project.Folder} is not built: reference it from NpuSdk.Package.Tests.csproj (ReferenceOutputAssembly=false)");
    }

    private static CommandOutcome DotnetTest(string[] args, IReadOnlyDictionary<string, string> environment, List<string> notRun)
    {
        string path = args.FirstOrDefault(a => !a.StartsWith('-')) ?? ".";
        if (DocumentedProject.Find(path, out string? problem) is not { } project) return CommandOutcome.Failed(problem!);
        if (OptionValue(args, "--filter") is null) notRun.Add("it runs the whole test suite, this test included");
        if (notRun.Count > 0) return CommandOutcome.Resolved($"{path} exists", notRun);

        string[] options = args.Where(a => a != path).ToArray();
        var test = DotnetProcess.Run(Repository.Root, BuildLimit, environment, ["test", project.File, "--no-build", "-c", Repository.Configuration, .. options]);
        if (test.ExitCode != 0) return CommandOutcome.Failed(test.ToString());
        if (TestTotal().Match(test.Stdout) is not { Success: true } total || total.Groups[1].Value == "0")
            return CommandOutcome.Failed($"its filter selects no test:\n{test}");
        return CommandOutcome.Ran($"{total.Groups[1].Value} tests passed (this build's, in {Repository.Configuration})");
    }

    private CommandOutcome DotnetToolInstall(string[] args)
    {
        if (args is not ["install", ..] || !args.Contains("-g") && !args.Contains("--global"))
            return CommandOutcome.Failed("the test knows only `dotnet tool install -g`");
        string? source = OptionValue(args, "--add-source"), id = null;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] is "-g" or "--global") continue;
            if (args[i].StartsWith('-')) i++;   // an option and its value: --add-source DIR, --version V
            else id = args[i];
        }
        if (id is null) return CommandOutcome.Failed("it names no package");
        if (source is null) return CommandOutcome.Resolved($"installs {id}", ["it installs a global tool from nuget.org into the reader's profile"]);
        string folder = Path.Combine(Here, source);
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, $"{id}.*.nupkg").Any(f => Regex.IsMatch(Path.GetFileName(f), $@"^{Regex.Escape(id)}\.\d", RegexOptions.IgnoreCase)))
            return CommandOutcome.Failed($"{source} holds no {id} package when it runs");
        return CommandOutcome.Resolved($"{source} holds {id}", ["it installs a global tool into the reader's profile"]);
    }

    private static CommandOutcome CountersMonitor(string[] args)
    {
        string[] counters = (OptionValue(args, "--counters") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (counters.Length == 0) return CommandOutcome.Failed("it names no --counters");
        string[] unknown = counters.Select(c => c.Split('[')[0]).Where(c => c != NpuTelemetry.Name).ToArray();
        if (unknown.Length > 0) return CommandOutcome.Failed($"--counters {string.Join(", ", unknown)}: not a meter of the SDK (it has {NpuTelemetry.Name})");
        return CommandOutcome.Resolved($"--counters names the SDK's meter {NpuTelemetry.Name}", ["it watches a running program"]);
    }

    private CommandOutcome RunProgram(string program, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var run = DotnetProcess.Run(Here, ProgramLimit, environment, [program, .. args]);
        return run.ExitCode == 0 ? CommandOutcome.Ran($"{Path.GetFileName(program)} of this build exited 0") : CommandOutcome.Failed(run.ToString());
    }

    private static string? OptionValue(string[] args, params string[] names)
    {
        int at = Array.FindIndex(args, names.Contains);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    [GeneratedRegex(@"Total(?: tests)?:\s*(\d+)")]
    private static partial Regex TestTotal();

    public void Dispose()
    {
        if (_checkout.IsValueCreated) _checkout.Value.Dispose();
    }
}
