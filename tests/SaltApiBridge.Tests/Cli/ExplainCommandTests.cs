using System.Text.Json;
using SaltApiBridge.Cli;
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
