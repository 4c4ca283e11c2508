using System.CommandLine;
using System.Text.Json;
using SaltApiBridge.Cli;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Cli;

public sealed class ExplainCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BridgeCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Explain_FixtureFile_PrintsEventMinionIdAndSteps()
    {
        var (code, output, error) = await Run("explain", RepoFixtures.Path("messages", "direct-launching.json"));

        code.Should().Be(0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("minionId").GetString().Should().Be("DenoTestStack-AutoscalingGroupASG25987EFB-1FXPOBZFMDQTL-i-0853dfa8ce1627af9");
        root.GetProperty("verdict").GetString().Should().Be("Act");
        root.GetProperty("event").GetProperty("kind").GetString().Should().Be("Launching");
        root.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString())
            .Should().Equal("AcceptKey", "Highstate", "CompleteLifecycleAction");
    }

    [Fact]
    public async Task Explain_UnparseableFile_PrintsOneErrorLineAndExits2()
    {
        var (code, output, error) = await Run("explain", RepoFixtures.Path("messages", "sns-foreign-message.json"));

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Be("error: the SNS message from arn:aws:sns:us-west-2:123456789012:MyTopic is not JSON: not an Auto Scaling message" + Environment.NewLine);
    }

    [Fact]
    public async Task Explain_Directory_SaysItIsADirectory()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var (code, _, error) = await Run("explain", dir.FullName);

            code.Should().Be(2);
            error.Should().Be($"error: {dir.FullName} is a directory, not a message file" + Environment.NewLine);
        }
        finally
        {
            dir.Delete();
        }
    }

    [Fact]
    public async Task Explain_NoArgumentAtATerminal_ShowsUsageInsteadOfWaiting()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { ExplainCommand.Create(inputIsTerminal: () => true) };

        var code = await root.Parse(["explain"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);

        code.Should().Be(2);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("error: no message to explain; give a file, pipe one in, or name a sample:");
        lines.Should().Contain(l => l.Contains("saltapibridge explain message.json", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("| saltapibridge explain -", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("--sample launching", StringComparison.Ordinal));
        error.ToString().Should().NotContain("empty");
    }

    [Fact]
    public void Explain_NotJson_QuotesTheStartOnOneLine()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = ExplainCommand.Run("hello world\nsecond line\n", new BridgeOptions(), output, error);

        code.Should().Be(2);
        error.ToString().Should().Be("error: the message is not valid JSON ('h' is an invalid start of a value): \"hello world\\nsecond line\\n\"" + Environment.NewLine);
    }

    [Fact]
    public void Explain_JsonArray_SaysItIsAJsonArray()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = ExplainCommand.Run("[1, 2]", new BridgeOptions(), output, error);

        code.Should().Be(2);
        error.ToString().Should().Be("error: the message is a JSON array, not an object" + Environment.NewLine);
    }

    [Fact]
    public async Task Explain_MissingFile_PrintsErrorWithoutStackTrace()
    {
        var (code, _, error) = await Run("explain", "/no/such/message.json");

        code.Should().Be(2);
        error.Should().StartWith("error: cannot read /no/such/message.json:");
        error.Should().NotContain("   at ");
    }

    [Fact]
    public async Task Explain_RejectedGroup_ExitsWithReason()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var config = Path.Combine(dir.FullName, "bridge.json");
            await File.WriteAllTextAsync(config, """{"Bridge":{"Groups":["api"]}}""", TestContext.Current.CancellationToken);

            var (code, _, error) = await Run("explain", "--sample", "launching", "--config", config);

            code.Should().Be(2);
            error.Should().Be("error: group 'web-asg' is not in Bridge:Groups" + Environment.NewLine);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Explain_InvalidConfig_ListsEveryProblem()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var config = Path.Combine(dir.FullName, "bridge.json");
            await File.WriteAllTextAsync(config, """{"Bridge":{"MinionIdTemplate":"{group}","CleanStates":["a b"]}}""", TestContext.Current.CancellationToken);

            var (code, _, error) = await Run("explain", "--sample", "test", "--config", config);

            code.Should().Be(2);
            error.Should().StartWith("error: invalid configuration: ");
            error.Should().Contain("{instance} exactly once").And.Contain("'a b' is not a state name");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("launching", "Act")]
    [InlineData("terminating", "Act")]
    [InlineData("terminated", "Act")]
    [InlineData("test", "AcknowledgeOnly")]
    [InlineData("sns-launching", "Act")]
    [InlineData("eventbridge-launching", "Act")]
    public async Task Explain_Sample_IsUnderstood(string sample, string verdict)
    {
        var (code, output, error) = await Run("explain", "--sample", sample);

        code.Should().Be(0, error);
        JsonDocument.Parse(output).RootElement.GetProperty("verdict").GetString().Should().Be(verdict);
    }
}
