using Xunit.Abstractions;

namespace NpuSdk.Package.Tests.Documentation;

/// <summary>
/// Every command the documentation tells a reader to type works: each line of a <c>sh</c>, <c>bash</c>, <c>shell</c> or
/// <c>console</c> code block in the repository's Markdown (<see cref="MarkdownCommands"/> says exactly which) is run, or,
/// where it needs an NPU, a file of the reader's own, or longer than CI allows, parsed and resolved
/// (<see cref="CommandChecker"/> says how, program by program). A command added to the documentation is checked with
/// no change here; one the test does not know how to check fails, saying so.
/// </summary>
public sealed class DocumentedCommandTests(CommandChecker checker, ITestOutputHelper output) : IClassFixture<CommandChecker>
{
    private static readonly IReadOnlyList<DocumentedCommand> All = MarkdownCommands.InRepository(Repository.Root);

    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in All) data.Add(command.Where, command.Text);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryDocumentedCommandWorks(string where, string command)
    {
        var documented = All.Single(c => c.Where == where);
        var outcome = checker.Check(documented, All);
        output.WriteLine($"{where}: {command}\n  {outcome.Account}");
        Assert.True(outcome.Failure is null, $"{where}: `{command}` does not work: {outcome.Failure}");
    }

    [Fact]
    public void TheCommandsAreFoundInTheReadmeAndTheDocs()
    {
        Assert.Contains(All, c => c is { File: "README.md", Text: "dotnet pack NpuSdk.sln -o artifacts/packages" });
        Assert.Contains(All, c => c is { File: "docs/getting-started.md", Text: "dotnet pack src/NpuSdk -o artifacts/packages" });
        Assert.Contains(All, c => c is { File: "docs/cli.md", Text: "npu plan matmul_16x16_int8 --shape 512x512x512" });
        Assert.All(All, c => Assert.True(c.Problem is not null || c.Commands.Count > 0, c.ToString()));
    }
}
