using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Demo;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.NativeAot;

/// <summary>
/// The Native AOT executable users install, in its own process, on what compiling without reflection or a JIT could
/// break and the JIT-built tests cannot see: configuration binding and validation, JSON in and out, the HTTP
/// endpoints, a whole launch and scale-in against fauxqs and the simulated salt-api and Auto Scaling, a clean stop.
/// </summary>
[Collection(nameof(NativeAotCollection))]
public sealed class NativeAotDaemonTests(FauxqsServer fauxqs, NativeAotBuild build) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync("aot-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task Run_LaunchThenScaleIn_CompletesBothActionsServesMetricsAndStopsOnSigterm()
    {
        var instance = "i-0123456789abcdef0";
        var minion = $"{Group}-{instance}";
        autoScaling.AddInstance(Group, instance, token: "token-launch");
        await using var daemon = DaemonProcess.Start(build.Executable, ["run"], Configuration());

        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, instance, "provision", "token-launch"), Ct);
        await UntilAsync(() => autoScaling.Completions.Count == 1, daemon, "the launch was never completed");
        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, instance, "clean-up", "token-clean"), Ct);
        await UntilAsync(() => autoScaling.Completions.Count == 2, daemon, "the scale-in was never completed");
        // Only then: a standard queue does not keep the order of two messages sent together.
        await sqs.SendMessageAsync(queueUrl, SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance), Ct);
        await UntilAsync(() => salt.KeyOf(minion) is null, daemon, "the key was never deleted");
        await Eventually.UntilAsync(async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0, TimeSpan.FromSeconds(30), () => "the queue never emptied:\n" + daemon.Output);

        salt.CallsFor(minion).Should().Equal(
            "hook " + BridgeEventTags.Launching, "wheel key.name_match", "wheel key.accept_dict", "hook " + BridgeEventTags.KeyAccepted,
            "local test.ping", "local_async state.highstate", "hook " + BridgeEventTags.Provisioned,
            "hook " + BridgeEventTags.Terminating, "local_async state.sls clean", "hook " + BridgeEventTags.Cleaned,
            "wheel key.delete_dict", "hook " + BridgeEventTags.KeyDeleted);
        autoScaling.Completions.Select(c => (c.Hook, c.Token, c.Result, c.Signed)).Should().Equal(
            ("provision", "token-launch", "CONTINUE", true), ("clean-up", "token-clean", "CONTINUE", true));
        salt.Violations.Should().BeEmpty();

        var health = await HealthUrlAsync(daemon);
        using var http = new HttpClient();
        (await http.GetStringAsync(new Uri(health, "/healthz"), Ct)).Should().Be("ok\n");
        using var ready = await http.GetAsync(new Uri(health, "/readyz"), Ct);
        ready.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await ready.Content.ReadAsStringAsync(Ct));
        (await http.GetStringAsync(new Uri(health, "/metrics"), Ct)).Should()
            .MatchRegex("(?m)^saltapibridge_lifecycle_completions\\{kind=\"Launching\",result=\"CONTINUE\"\\} 1$")
            .And.MatchRegex("(?m)^saltapibridge_lifecycle_completions\\{kind=\"Terminating\",result=\"CONTINUE\"\\} 1$");

        await daemon.SigtermAsync(Ct);
        (await daemon.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, daemon.Output);
    }

    [Fact]
    public async Task Run_InvalidConfiguration_ListsEveryProblemAndExits2()
    {
        await using var daemon = DaemonProcess.Start(build.Executable, ["run"], JsonSerializer.Serialize(new
        {
            Queue = new { QueueUrl = "", Pollers = 0, Regoin = "eu-west-1" },
            SaltApi = new { BaseUrl = "http://10.0.0.5:8000", Username = "saltapi", Password = "pw" },
            Pipeline = new { MaxInFlight = "lots" },
        }));

        (await daemon.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(2, daemon.Output);
        daemon.Output.Should().Contain("invalid configuration")
            .And.Contain("Queue:QueueUrl")
            .And.Contain("Queue:Pollers")
            .And.Contain("Queue:Regoin is not a setting")
            .And.Contain("loopback")
            .And.Contain("MaxInFlight")
            .And.NotContain("   at ", "a problem, not a stack trace");
    }

    [Fact]
    public async Task Explain_EveryFixtureMessage_PrintsWhatTheJitBuildPrints()
    {
        foreach (var file in Directory.GetFiles(RepoFixtures.Path("messages"), "*.json"))
        {
            var expectedOutput = new StringWriter();
            var expectedError = new StringWriter();
            var expectedCode = ExplainCommand.Run(await File.ReadAllTextAsync(file, Ct), new BridgeOptions(), expectedOutput, expectedError);

            await using var explain = DaemonProcess.Start(build.Executable, ["explain", file]);

            (await explain.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(expectedCode, file);
            explain.Output.Trim().Should().Be((expectedOutput.ToString() + expectedError).Trim(), file);
        }
    }

    [Fact]
    public async Task Check_HealthySetup_EveryCheckPassesExit0()
    {
        await using var check = DaemonProcess.Start(build.Executable, ["check"], Configuration());

        (await check.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, check.Output);
        check.Output.Should().Contain("✓").And.NotContain("✗");
    }

    [Fact]
    public async Task Reconcile_Json_ReportsTheOrphanKeyAndDeletesNothing()
    {
        var live = "i-0aaaaaaaaaaaaaaa1";
        var gone = "i-0bbbbbbbbbbbbbbb2";
        autoScaling.AddInstance(Group, live, state: "InService");
        salt.SetKey($"{Group}-{live}", "minions");
        salt.SetKey($"{Group}-{gone}", "minions");

        await using var reconcile = DaemonProcess.Start(build.Executable, ["reconcile", "--json"], Configuration());

        (await reconcile.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, reconcile.Output);
        var report = JsonNode.Parse(reconcile.Output)!;
        report["applied"]!.GetValue<bool>().Should().BeFalse();
        report["findings"]!.AsArray().Select(f => (f!["kind"]!.GetValue<string>(), f["minionId"]!.GetValue<string>(), f["action"]!.GetValue<string>()))
            .Should().Equal(("orphan", $"{Group}-{gone}", "would delete"));
        salt.KeyOf($"{Group}-{gone}").Should().Be("minions");
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("replay --dry-run")]
    public async Task Simulators_InTheAotBuild_OneErrorLineSayingToRunFromACheckoutExit2(string command)
    {
        var arguments = command.Split(' ').ToList();
        if (arguments[0] == "replay")
            arguments.Add(RepoFixtures.Path("messages", "direct-launching.json"));
        await using var refused = DaemonProcess.Start(build.Executable, arguments);

        (await refused.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(2, refused.Output);
        refused.Output.Should().StartWith("error: ").And.Contain("dotnet run --project src/SaltApiBridge").And.NotContain("\n");
    }

    [Fact]
    public async Task Help_InTheAotBuild_ListsNeitherDemoNorDryRun()
    {
        await using var help = DaemonProcess.Start(build.Executable, ["--help"]);
        await using var replayHelp = DaemonProcess.Start(build.Executable, ["replay", "--help"]);

        (await help.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0);
        (await replayHelp.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0);
        help.Output.Should().Contain("run").And.NotContain("demo");
        replayHelp.Output.Should().NotContain("--dry-run");
    }

    private string Configuration() => JsonSerializer.Serialize(new
    {
        Queue = new { QueueUrl = queueUrl, ServiceUrl = fauxqs.Endpoint, Region = FauxqsServer.Region, WaitTimeSeconds = 1, Pollers = 2 },
        // The simulated salt-api serves no GET /events (yet): the daemon polls, as with the stream off.
        SaltApi = new { BaseUrl = salt.BaseUrl, Username = "saltapi", Password = "saltapi-test-pw", KeyPollInterval = "00:00:00.050", ReachablePollInterval = "00:00:00.050", JobPollInterval = "00:00:00.100", JobPollMaxInterval = "00:00:00.250", EventStream = new { Enabled = false } },
        AutoScaling = new { Region = FauxqsServer.Region, ServiceUrl = autoScaling.Url },
        Bridge = new { Groups = new[] { Group } },
        Pipeline = new { DrainTimeout = "00:00:05", DeleteBatchWindow = "00:00:00.050" },
        // Port 0: the daemon picks a free port and logs it (no race with other tests for a port chosen here).
        Health = new { Urls = "http://127.0.0.1:0" },
    });

    /// <summary>Where the daemon serves health and metrics: the port it picked, from its start-up log line.</summary>
    private static async Task<Uri> HealthUrlAsync(DaemonProcess daemon)
    {
        const string Listening = "Now listening on: ";
        await Eventually.UntilAsync(() => Task.FromResult(daemon.Output.Contains(Listening, StringComparison.Ordinal)), TimeSpan.FromSeconds(30), () => "no listening line:\n" + daemon.Output);
        var line = daemon.Output.Split('\n').First(l => l.Contains(Listening, StringComparison.Ordinal));
        return new Uri(line[(line.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim());
    }

    private static Task UntilAsync(Func<bool> condition, DaemonProcess daemon, string failure) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(30), () => failure + ":\n" + daemon.Output);
}
