namespace NpuSdk.Package.Tests.Documentation;

/// <summary>What counts as a command the documentation tells the reader to type, and how its line is read.</summary>
public sealed class MarkdownCommandsTests
{
    private static DocumentedCommand[] Find(string markdown) => MarkdownCommands.InFile("doc.md", markdown).ToArray();

    [Fact]
    public void EveryLineOfAShellBlockIsACommandButCommentsAndBlankLines()
    {
        var found = Find("Text `npu doctor` in prose.\n\n```sh\n# set up\nnpu doctor   # what the xrt backend needs\n\ndotnet pack src/NpuSdk -o out\n```\n");
        Assert.Equal(["npu doctor", "dotnet pack src/NpuSdk -o out"], found.Select(c => c.Text));
        Assert.Equal([5, 7], found.Select(c => c.Line));
        Assert.All(found, c => Assert.Equal(3, c.Block));
        Assert.Equal(["npu", "doctor"], found[0].Commands.Single().Words);
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("shell")]
    [InlineData("SH")]
    public void OtherShellLanguagesCount(string language) =>
        Assert.Single(Find($"```{language}\nnpu --version\n```\n"));

    [Theory]
    [InlineData("```\nnpu --version\n```\n")]
    [InlineData("```text\nnpu --version\n```\n")]
    [InlineData("```csharp\nvar npu = 1;\n```\n")]
    [InlineData("    npu --version\n")]
    public void BlocksWithoutAShellLanguageAndIndentedCodeDoNot(string markdown) => Assert.Empty(Find(markdown));

    [Fact]
    public void AConsoleBlocksCommandsAreItsPromptedLinesAndTheRestIsOutput()
    {
        var found = Find("```console\n$ npu plan k --shape 1x2x3\nk (kernel library): tile-matmul\n  per call 1 submission\n```\n");
        Assert.Equal("npu plan k --shape 1x2x3", Assert.Single(found).Text);
    }

    [Theory]
    [InlineData("- step:\n  ```sh\n  npu doctor\n  ```\nnpu --version\n")]
    [InlineData("~~~sh\nnpu doctor\n~~~\nnpu --version\n")]
    [InlineData("````sh\nnpu doctor\n````\nnpu --version\n")]
    public void FencesInListsTildeFencesAndLongerFencesAreBlocksToo(string markdown) =>
        Assert.Equal("npu doctor", Assert.Single(Find(markdown)).Text);

    [Fact]
    public void QuotesVariablesAndAndAreReadAsTheShellReadsThem()
    {
        var command = Assert.Single(Find("```sh\nN=50 dotnet run --project p -- --filter '*A*' \"*B*\" && npu \\\n  doctor\n```\n"));
        Assert.Equal(2, command.Commands.Count);
        var run = command.Commands[0];
        Assert.Equal("50", run.Environment["N"]);
        Assert.Equal(["dotnet", "run", "--project", "p", "--", "--filter", "*A*", "*B*"], run.Words);
        Assert.Equal(["npu", "doctor"], command.Commands[1].Words);
    }

    [Theory]
    [InlineData("npu inspect x.xclbin | head", "'|'")]
    [InlineData("npu inspect x.xclbin > out.txt", "'>'")]
    [InlineData("npu inspect $FILE", "'$'")]
    [InlineData("dotnet run -- --filter *A*", "'*'")]
    [InlineData("npu inspect 'x.xclbin", "not closed")]
    [InlineData("npu doctor &&", "no command")]
    [InlineData("N=1", "runs nothing")]
    public void ShellSyntaxTheTestDoesNotModelIsAProblemNamingIt(string line, string expected)
    {
        var command = Assert.Single(Find($"```sh\n{line}\n```\n"));
        Assert.Empty(command.Commands);
        Assert.Contains(expected, command.Problem);
    }
}
