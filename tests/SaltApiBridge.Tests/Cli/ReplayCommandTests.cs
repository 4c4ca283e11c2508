using System.CommandLine;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Cli;

public sealed class ReplayCommandTests : IDisposable
{
    private const string Password = "s3cret-replay-pw";
    private readonly string configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-replay-{Guid.NewGuid():N}.json");

    public ReplayCommandTests() => WriteConfig("http://127.0.0.1:8000");

    public void Dispose() => File.Delete(configFile);

    [Fact]
    public async Task Replay_DryRunLaunch_PrintsEveryCallInOrderWithSecretsMasked()
    {
        var (code, output, error) = await RunAsync("replay", "--dry-run", "--config", configFile, MessageFixtures.PathOf("direct-launching.json"));

        code.Should().Be(0, error);
        var calls = output.Split('\n').Where(l => l.StartsWith("salt-api", StringComparison.Ordinal) || l.StartsWith("Auto Scaling", StringComparison.Ordinal))
            .Select(l => l.Split("  →")[0].TrimEnd())
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, "/jobs/[0-9]{20}_[0-9a-f]{16}$", "/jobs/<jid chosen by the bridge>")).ToList();
        calls.Should().Equal(
            "salt-api     POST /login",
            "salt-api     POST /hook/saltapibridge/launching",
            "Auto Scaling POST / DescribeLifecycleHooks",
            "salt-api     POST /",
            "Auto Scaling POST / DescribeAutoScalingInstances",
            "salt-api     POST /",
            "salt-api     POST /hook/saltapibridge/key_accepted",
            "salt-api     POST /",
            "salt-api     POST /",
            "salt-api     GET /jobs/<jid chosen by the bridge>",
            "salt-api     POST /hook/saltapibridge/provisioned",
            "Auto Scaling POST / CompleteLifecycleAction",
            "salt-api     POST /logout");
        output.Should().Contain("\"fun\":\"key.accept_dict\"").And.Contain("\"tgt_type\":\"list\"")
            .And.Contain("Action=CompleteLifecycleAction").And.Contain("LifecycleActionResult=CONTINUE")
            .And.Contain("\"password\":\"***\"").And.Contain("X-Auth-Token: ***").And.Contain("Credential=***/")
            .And.Contain("done: CONTINUE");
        output.Should().NotContain(Password).And.NotContain("AKIDDEMO").And.NotMatchRegex("Signature=[0-9a-f]");
    }

    [Fact]
    public async Task Replay_DryRunNoFileAtATerminal_SaysWhatToGiveItInsteadOfWaiting()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand { ReplayCommand.Create(inputIsTerminal: () => true) };

        var code = await root.Parse(["replay", "--dry-run"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);

        code.Should().Be(2);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("error: no message to replay; give a file, pipe one in, or name a sample:");
        lines.Should().Contain(l => l.Contains("saltapibridge replay --dry-run message.json", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("| saltapibridge replay --dry-run -", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("saltapibridge replay --dry-run --sample launching", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_DryRunSample_ShowsTheSamplesCalls()
    {
        var (code, output, error) = await RunAsync("replay", "--dry-run", "--sample", "launching");

        code.Should().Be(0, error);
        output.Should().Contain("dry run: Launching of i-0123456789abcdef0").And.Contain("Action=CompleteLifecycleAction").And.Contain("done: CONTINUE");
    }

    [Fact]
    public async Task Replay_SampleWithoutDryRun_RefusedWithOneErrorLine()
    {
        var (code, output, error) = await RunAsync("replay", "--sample", "launching", "--config", configFile);

        code.Should().Be(2);
        error.Trim().Should().Be("error: --sample only goes with --dry-run: a sample's instance does not exist");
        output.Should().BeEmpty();
    }

    [Fact]
    public async Task Replay_DryRunWithoutConfiguration_RunsWithStandInsForWhatIsMissing()
    {
        var (code, output, error) = await RunAsync("replay", "--dry-run", MessageFixtures.PathOf("direct-launching.json"));

        code.Should().Be(0, error);
        output.Should().Contain("\"username\":\"saltapibridge\"").And.Contain("/us-east-1/autoscaling/aws4_request").And.Contain("done: CONTINUE");
    }

    [Fact]
    public async Task Replay_DryRunWithAPasswordFileThatDoesNotExist_ReadsNoPassword()
    {
        File.WriteAllText(configFile, """
            { "SaltApi": { "Username": "bridge-user", "PasswordFile": "/nonexistent/salt-api.password" },
              "AutoScaling": { "Region": "eu-west-1" } }
            """);

        var (code, output, error) = await RunAsync("replay", "--dry-run", "--config", configFile, MessageFixtures.PathOf("direct-launching.json"));

        code.Should().Be(0, error);
        output.Should().Contain("\"username\":\"bridge-user\"", "what the configuration gives is used").And.Contain("/eu-west-1/autoscaling/aws4_request");
    }

    [Fact]
    public async Task Replay_WithoutDryRunAndAPasswordFileThatDoesNotExist_ListsTheProblemExit2()
    {
        File.WriteAllText(configFile, """
            { "SaltApi": { "Username": "bridge-user", "PasswordFile": "/nonexistent/salt-api.password" },
              "AutoScaling": { "Region": "eu-west-1" } }
            """);

        var (code, _, error) = await RunAsync("replay", "--config", configFile, MessageFixtures.PathOf("direct-launching.json"));

        code.Should().Be(2);
        error.Should().Contain("PasswordFile '/nonexistent/salt-api.password' does not exist");
    }

    [Fact]
    public async Task Replay_DryRunWithRecordDirectory_LeavesTheDaemonsRecordsAlone()
    {
        var records = Directory.CreateTempSubdirectory("saltapibridge-records-");
        try
        {
            WriteConfig("http://127.0.0.1:8000", $$"""{ "RecordDirectory": "{{records.FullName}}" }""");

            var (code, _, error) = await RunAsync("replay", "--dry-run", "--config", configFile, MessageFixtures.PathOf("direct-launching.json"));

            code.Should().Be(0, error);
            records.EnumerateFileSystemInfos().Should().BeEmpty("a dry run must not write a provisioning record");
        }
        finally
        {
            records.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Replay_InstanceLockedByAnotherProcess_RefusesWithoutCalling()
    {
        await using var salt = new SimulatedSaltApi { Password = Password };
        var locks = Directory.CreateTempSubdirectory("saltapibridge-locks-");
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-terminated-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, SampleMessages.ByName("terminated")!, TestContext.Current.CancellationToken);
        try
        {
            WriteConfig(salt.BaseUrl, $$"""{ "LockDirectory": "{{locks.FullName}}" }""");
            await using var held = await new FileLeases(locks.FullName).TryAcquireAsync(LeaseKey.Instance("web-asg-i-0123456789abcdef0"), TestContext.Current.CancellationToken);

            var (code, _, error) = await RunAsync("replay", "--config", configFile, file);

            code.Should().Be(2);
            error.Should().Contain("another process is working on web-asg-i-0123456789abcdef0");
            salt.Calls.Should().NotContain(c => c.MinionId == "web-asg-i-0123456789abcdef0");
        }
        finally
        {
            File.Delete(file);
            locks.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Replay_TestNotification_NothingToCall()
    {
        var (code, output, _) = await RunAsync("replay", "--dry-run", "--config", configFile, MessageFixtures.PathOf("direct-test-notification.json"));

        code.Should().Be(0);
        output.Should().StartWith("nothing to call:").And.NotContain("POST");
    }

    [Fact]
    public async Task Replay_NotJson_OneErrorLineExit2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{not json", TestContext.Current.CancellationToken);
        try
        {
            var (code, output, error) = await RunAsync("replay", "--dry-run", "--config", configFile, file);

            code.Should().Be(2);
            error.Should().StartWith("error: ").And.NotContain("   at ");
            output.Should().BeEmpty();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Replay_TerminatedWithoutDryRun_DeletesTheKeyOnTheConfiguredSaltApi()
    {
        await using var salt = new SimulatedSaltApi { Password = Password };
        WriteConfig(salt.BaseUrl);
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-terminated-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, SampleMessages.ByName("terminated")!, TestContext.Current.CancellationToken);
        salt.SetKey("web-asg-i-0123456789abcdef0", "minions");
        try
        {
            var (code, output, error) = await RunAsync("replay", "--config", configFile, file);

            code.Should().Be(0, output + error);
            salt.KeyOf("web-asg-i-0123456789abcdef0").Should().BeNull();
            salt.CallsFor("web-asg-i-0123456789abcdef0").Should().Equal("wheel key.delete_dict", "hook saltapibridge/key_deleted");
            output.Should().Contain("done: key deleted");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private void WriteConfig(string saltApi, string pipeline = "{}") =>
        File.WriteAllText(configFile, $$"""
            { "Queue": { "QueueName": "q", "Region": "eu-west-1" },
              "SaltApi": { "BaseUrl": "{{saltApi}}", "Username": "saltapibridge", "Password": "{{Password}}" },
              "AutoScaling": { "Region": "eu-west-1" },
              "Pipeline": {{pipeline}} }
            """);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BridgeCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
