using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.AutoScaling;
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
        // A daemon runs long before its scale-out: the calls below are those of a proven event stream.
        await UntilAsync(() => daemon.Output.Contains("Event stream proven", StringComparison.Ordinal), daemon, "the event stream was never proven");

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
            "local_async state.highstate", "hook " + BridgeEventTags.Provisioned,
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
            .And.MatchRegex("(?m)^saltapibridge_lifecycle_completions\\{kind=\"Terminating\",result=\"CONTINUE\"\\} 1$")
            .And.MatchRegex($"(?m)^saltapibridge_build_info\\{{(?=[^}}]*version=\"{Regex.Escape(BuildVersion.Current.Version)}\")(?=[^}}]*commit=\"{BuildVersion.Current.Commit}\")[^}}]*\\}} 1$");

        await daemon.SigtermAsync(Ct);
        (await daemon.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, daemon.Output);
    }

    [Fact]
    public async Task Run_TwoHotMasters_AcceptsTheKeyOnBothRunsOneHighstateAndDeletesOnBoth()
    {
        await using var masters = new SimulatedMasters(2);
        var instance = "i-0123456789abcdef1";
        var minion = $"{Group}-{instance}";
        autoScaling.AddInstance(Group, instance, token: "token-launch-2");
        var configuration = JsonNode.Parse(Configuration())!.AsObject();
        var saltApi = configuration["SaltApi"]!.AsObject();
        saltApi["Name"] = "master1";
        saltApi["BaseUrl"] = masters.Masters[0].BaseUrl;
        saltApi["Topology"] = "hot";
        saltApi["Masters"] = new JsonObject { ["master2"] = new JsonObject { ["BaseUrl"] = masters.Masters[1].BaseUrl, ["Password"] = "master2-pw" } };
        await using var daemon = DaemonProcess.Start(build.Executable, ["run"], configuration.ToJsonString());
        // Keyed Refit clients, one event stream per master: what trimming could break.
        await UntilAsync(() => daemon.Output.Contains("Event stream proven on master master1", StringComparison.Ordinal)
            && daemon.Output.Contains("Event stream proven on master master2", StringComparison.Ordinal), daemon, "the two event streams were never proven");

        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, instance, "provision", "token-launch-2"), Ct);
        await UntilAsync(() => autoScaling.Completions.Count == 1, daemon, "the launch was never completed");
        masters.Minions.Terminate(minion);
        await sqs.SendMessageAsync(queueUrl, SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance), Ct);
        await UntilAsync(() => masters.Masters.All(m => m.KeyOf(minion) is null), daemon, "the key was never deleted on both masters");

        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        masters.Masters.Should().OnlyContain(m => m.CallsFor(minion).Contains("wheel key.finger") && m.CallsFor(minion).Contains("wheel key.accept_dict"));
        masters.Minions.StateRunsStarted(minion, "state.highstate").Should().Be(1);
        masters.Masters.SelectMany(m => m.Violations).Should().BeEmpty();
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
    public async Task Version_PrintsTheVersionTheJitBuildPrints()
    {
        await using var version = DaemonProcess.Start(build.Executable, ["--version"]);

        (await version.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, version.Output);
        version.Output.Trim().Should().Be(BuildVersion.Current.Version);
    }

    [Fact]
    public async Task Check_HealthySetup_EveryCheckPassesExit0()
    {
        await using var check = DaemonProcess.Start(build.Executable, ["check"], Configuration());

        (await check.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, check.Output);
        check.Output.Should().Contain("✓").And.NotContain("✗");
    }

    [Fact]
    public async Task Check_AssumeRoleProfile_TheNativeBuildAssumesTheRoleThroughSts()
    {
        // The SDK loads STS by assembly name unless it is registered: only the published executable shows it is.
        await using var sts = new StsStandIn();
        var folder = Directory.CreateTempSubdirectory("saltapibridge-aot-aws-");
        try
        {
            var credentialsFile = Path.Combine(folder.FullName, "credentials");
            var configFile = Path.Combine(folder.FullName, "config");
            var settingsFile = Path.Combine(folder.FullName, "appsettings.json");
            await File.WriteAllTextAsync(credentialsFile, "[base]\naws_access_key_id = AKIDSOURCEPROFILE001\naws_secret_access_key = sourceSecretKey/abcdefghijklmnopqrstuvwxyz\n", Ct);
            await File.WriteAllTextAsync(configFile, "[profile bridge]\nrole_arn = arn:aws:iam::123456789012:role/saltapibridge\nsource_profile = base\n", Ct);
            await File.WriteAllTextAsync(settingsFile, Configuration(), Ct);
            var start = new System.Diagnostics.ProcessStartInfo(build.Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "check", "--config", settingsFile })
                start.ArgumentList.Add(argument);
            foreach (var variable in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN" })
                start.Environment.Remove(variable);
            start.Environment["AWS_CONFIG_FILE"] = configFile;
            start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = credentialsFile;
            start.Environment["AWS_PROFILE"] = "bridge";
            start.Environment["AWS_ENDPOINT_URL_STS"] = sts.Url;
            start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            start.Environment["AWS_REGION"] = FauxqsServer.Region;
            using var check = System.Diagnostics.Process.Start(start)!;
            var output = check.StandardOutput.ReadToEndAsync(Ct);
            var error = check.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(ExitTimeout);
            await check.WaitForExitAsync(timeout.Token);

            var text = await output + await error;
            text.Should().Contain("✓ AWS credentials: found (access key ASIA").And.NotContain("MissingRuntimeDependency");
            sts.Requests.Should().Contain(r => r.Form.GetValueOrDefault("Action") == "AssumeRole"
                && r.Authorization != null && r.Authorization.Contains("Credential=AKIDSOURCEPROFILE001/", StringComparison.Ordinal), text);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
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

    [Fact]
    public async Task ReplayDryRun_InTheAotBuild_PrintsTheSameMaskedCallsAsTheJitBuildWithoutAConfiguration()
    {
        var sample = RepoFixtures.Path("messages", "direct-launching.json");
        await using var aot = DaemonProcess.Start(build.Executable, ["replay", "--dry-run", sample]);
        using var output = new StringWriter();
        using var error = new StringWriter();

        (await aot.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, aot.Output);
        (await BridgeCli.RunAsync(["replay", "--dry-run", sample], output, error)).Should().Be(0, error.ToString());

        var calls = Calls(aot.Output);
        calls.Should().Contain(l => l.StartsWith("salt-api     POST /login", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("Action=CompleteLifecycleAction", StringComparison.Ordinal) && l.Contains("LifecycleActionResult=CONTINUE", StringComparison.Ordinal))
            .And.Contain("    {\"username\":\"saltapibridge\",\"password\":\"***\",\"eauth\":\"file\"}");
        calls.Should().Equal(Calls(output.ToString()));
        aot.Output.Should().Contain("done: CONTINUE").And.NotMatchRegex("Signature=[0-9a-f]");
    }

    [Fact]
    public async Task Help_InTheAotBuild_ListsEveryCommandButNoDemo()
    {
        await using var help = DaemonProcess.Start(build.Executable, ["--help"]);
        await using var replayHelp = DaemonProcess.Start(build.Executable, ["replay", "--help"]);

        (await help.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0);
        (await replayHelp.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0);
        help.Output.Should().Contain("run").And.Contain("explain").And.Contain("reconcile").And.Contain("check").And.Contain("replay")
            .And.NotContain("demo");
        replayHelp.Output.Should().Contain("--dry-run");
    }

    /// <summary>
    /// The printed lines without what changes from run to run (the signing time, the jids the bridge chooses) and blank
    /// ones (a process's output has no last newline).
    /// </summary>
    private static List<string> Calls(string output) =>
        [.. output.Replace("\r", "", StringComparison.Ordinal).Split('\n')
            .Where(l => l.Length > 0 && !l.Contains("X-Amz-Date", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, "Credential=\\*\\*\\*/[0-9]{8}/", "Credential=***/<date>/"))
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, "[0-9]{20}_[0-9a-f]{16}", "<jid>"))];

    private string Configuration() => Configuration(queueUrl, fauxqs.Endpoint, salt.BaseUrl, autoScaling.Url);

    /// <summary>The settings of a daemon on this queue, salt-api and Auto Scaling, with <paramref name="coordination"/> as its Coordination section.</summary>
    internal static string Configuration(string queueUrl, string queueEndpoint, string saltApi, string autoScalingUrl, object? coordination = null) => JsonSerializer.Serialize(new
    {
        Queue = new { QueueUrl = queueUrl, ServiceUrl = queueEndpoint, Region = FauxqsServer.Region, WaitTimeSeconds = 1, Pollers = 2 },
        // The simulated salt-api serves no GET /events (yet): the daemon polls, as with the stream off.
        SaltApi = new { BaseUrl = saltApi, Username = "saltapi", Password = "saltapi-test-pw", KeyPollInterval = "00:00:00.050", ReachablePollInterval = "00:00:00.050", JobPollInterval = "00:00:00.100", JobPollMaxInterval = "00:00:00.250" },
        AutoScaling = new { Region = FauxqsServer.Region, ServiceUrl = autoScalingUrl },
        Bridge = new { Groups = new[] { Group } },
        Pipeline = new { DrainTimeout = "00:00:05", DeleteBatchWindow = "00:00:00.050" },
        // Port 0: the daemon picks a free port and logs it (no race with other tests for a port chosen here).
        Health = new { Urls = "http://127.0.0.1:0" },
        Coordination = coordination ?? new { },
    });

    /// <summary>Where the daemon serves health and metrics: the port it picked, from its start-up log line.</summary>
    internal static async Task<Uri> HealthUrlAsync(DaemonProcess daemon)
    {
        const string Listening = "Now listening on: ";
        await Eventually.UntilAsync(() => Task.FromResult(daemon.Output.Contains(Listening, StringComparison.Ordinal)), TimeSpan.FromSeconds(30), () => "no listening line:\n" + daemon.Output);
        var line = daemon.Output.Split('\n').First(l => l.Contains(Listening, StringComparison.Ordinal));
        return new Uri(line[(line.IndexOf(Listening, StringComparison.Ordinal) + Listening.Length)..].Trim());
    }

    private static Task UntilAsync(Func<bool> condition, DaemonProcess daemon, string failure) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(30), () => failure + ":\n" + daemon.Output);
}
