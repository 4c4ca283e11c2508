using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// The daemon against a multi-master Salt (issue 19): two simulated salt-api masters with separate key stores, job
/// caches and event buses over one set of minions, fauxqs and the simulated Auto Scaling API.
/// </summary>
public sealed class MultiMasterEndToEndTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Hook = "provision";
    private const string Launching = "autoscaling:EC2_INSTANCE_LAUNCHING";
    private const string Terminating = "autoscaling:EC2_INSTANCE_TERMINATING";

    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "e2e-mm-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo records = Directory.CreateTempSubdirectory("saltapibridge-mm-records-");
    private SimulatedMasters masters = null!;
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatedSaltApi Master1 => masters.Masters[0];

    private SimulatedSaltApi Master2 => masters.Masters[1];

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync(queueName);

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        if (masters is not null)
            await masters.DisposeAsync();
        await autoScaling.DisposeAsync();
        records.Delete(recursive: true);
    }

    [Fact]
    public async Task Run_LaunchOnTwoHotMasters_AcceptsTheKeyOnBothRunsOneHighstateAndCompletesContinue()
    {
        masters = new SimulatedMasters(2);
        var instance = InstanceId(1);
        var minion = $"{Group}-{instance}";
        await using var daemon = await StartDaemonAsync();

        await SendAsync(LaunchHook(instance, "token-1"));
        await UntilQueueEmptyAsync();

        Master1.KeyOf(minion).Should().Be("minions");
        Master2.KeyOf(minion).Should().Be("minions", "hot/hot: every master keeps its own keys, and each must accept");
        masters.Minions.StateRunsStarted(minion, "state.highstate").Should().Be(1);
        Master1.PublishedJids(minion).Should().ContainSingle("published through the first master, once");
        Master2.PublishedJids(minion).Should().BeEmpty();
        Master1.CallsFor(minion).Should().Contain("wheel key.finger");
        Master2.CallsFor(minion).Should().Contain(["wheel key.finger", "wheel key.accept_dict"]);
        Master2.CallsFor(minion).Should().NotContain(c => c.StartsWith("hook", StringComparison.Ordinal), "the bridge's events go through one master, so reactors run once");
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        Master1.Violations.Concat(Master2.Violations).Should().BeEmpty();
        using var http = new HttpClient();
        (await http.GetStringAsync(new Uri(daemon.HealthUrl, "/metrics"), Ct)).Should()
            .MatchRegex("(?m)^saltapibridge_salt_event_stream_connected\\{master=\"master1\"\\} 1$")
            .And.MatchRegex("(?m)^saltapibridge_salt_event_stream_connected\\{master=\"master2\"\\} 1$");
    }

    [Fact]
    public async Task Run_TerminateWhileTheSecondMasterIsDown_DeletesOnTheFirstAndOnTheSecondOnceItIsBack()
    {
        masters = new SimulatedMasters(2);
        var instance = InstanceId(2);
        var minion = $"{Group}-{instance}";
        Master1.SetKey(minion, "minions");
        Master2.SetKey(minion, "minions");
        await using var daemon = await StartDaemonAsync();
        Master2.Down();

        await SendAsync(SampleMessages.LifecycleHook(Terminating, Group, instance, "clean-up", "token-2"));
        await UntilQueueEmptyAsync();
        masters.Minions.Terminate(minion);
        await SendAsync(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance));
        await UntilQueueEmptyAsync();

        Master1.CallsFor(minion).Should().Contain("local_async state.sls clean");
        Master1.KeyOf(minion).Should().BeNull();
        Master2.KeyOf(minion).Should().Be("minions", "master2 was down: the delete is owed, in the record");
        File.Exists(Path.Combine(records.FullName, minion + ".json")).Should().BeTrue();

        Master2.Up();
        await Eventually.UntilAsync(() => Task.FromResult(Master2.KeyOf(minion) is null), TimeSpan.FromSeconds(20), () => "master2 never got the owed delete");
        await Eventually.UntilAsync(() => Task.FromResult(!File.Exists(Path.Combine(records.FullName, minion + ".json"))), TimeSpan.FromSeconds(5), () => "the record outlived the last owed delete");
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
    }

    [Fact]
    public async Task Run_LaunchWhileTheSecondMasterIsDownUnderProceed_ContinuesAndAcceptsThereOnceItIsBack()
    {
        masters = new SimulatedMasters(2);
        var instance = InstanceId(3);
        var minion = $"{Group}-{instance}";
        await using var daemon = await StartDaemonAsync(new() { ["SaltApi:MasterDown"] = "Proceed", ["SaltApi:MasterDownTimeout"] = "00:00:02" });
        Master2.Down();

        await SendAsync(LaunchHook(instance, "token-3"));
        await UntilQueueEmptyAsync();

        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        Master1.KeyOf(minion).Should().Be("minions");
        Master2.KeyOf(minion).Should().Be("minions_pre", "the minion's key reached master2, which was down at accept time");
        await daemon.StopAsync();

        // Until the owed accept is done, reconcile (here with the daemon stopped) reports the key accepted on one master only.
        Master2.Up();
        var (code, report) = await ReconcileAsync();
        code.Should().Be(0, report);
        report.Should().MatchRegex($"stray +{minion} +{instance} +{Group} +master1:accepted master2:pending +key not accepted on every master");

        await using var restarted = await StartDaemonAsync(new() { ["SaltApi:MasterDown"] = "Proceed" });
        await Eventually.UntilAsync(() => Task.FromResult(Master2.KeyOf(minion) == "minions"), TimeSpan.FromSeconds(20), () => "the owed accept never happened");
        masters.Minions.StateRunsStarted(minion, "state.highstate").Should().Be(1);
    }

    [Fact]
    public async Task Run_LaunchWhileTheSecondMasterIsDownUnderWait_AcceptsNothingAndAbandons()
    {
        masters = new SimulatedMasters(2);
        var instance = InstanceId(4);
        var minion = $"{Group}-{instance}";
        await using var daemon = await StartDaemonAsync(new() { ["SaltApi:MasterDownTimeout"] = "00:00:02" });
        Master2.Down();

        await SendAsync(LaunchHook(instance, "token-4"));
        await UntilQueueEmptyAsync();

        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("ABANDON");
        Master1.KeyOf(minion).Should().Be("minions_pre", "under Wait the key is accepted on every master or on none");
        masters.Minions.StateRunsStarted(minion).Should().Be(0);
    }

    [Fact]
    public async Task Run_LaunchWithFailoverWhileTheFirstMasterIsDown_AcceptsOnTheSecondAndRunsTheHighstateThere()
    {
        masters = new SimulatedMasters(2, MinionTopology.Failover);
        var instance = InstanceId(5);
        var minion = $"{Group}-{instance}";
        Master1.Down();
        await using var daemon = await StartDaemonAsync(provenOn: ["master2"]);

        await SendAsync(LaunchHook(instance, "token-5"));
        await UntilQueueEmptyAsync();

        Master2.KeyOf(minion).Should().Be("minions");
        Master1.KeyOf(minion).Should().BeNull("the minion talks to one master at a time: its key never reached master1");
        Master2.PublishedJids(minion).Should().ContainSingle();
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
    }

    private async Task<BridgeDaemon> StartDaemonAsync(Dictionary<string, string?>? settings = null, string[]? provenOn = null)
    {
        var all = new Dictionary<string, string?>(masters.DaemonSettings("saltapi", SaltApiHarness.Password))
        {
            ["Pipeline:RecordDirectory"] = records.FullName,
            ["SaltApi:MasterRetryInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, Master1, autoScaling, all);
        foreach (var name in provenOn ?? [.. masters.Names])
        {
            await Eventually.UntilAsync(
                () => Task.FromResult(daemon.Logs.Lines.Any(l => l.Contains($"Event stream proven on master {name}", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(20), () => $"the event stream of {name} was never proven");
        }

        return daemon;
    }

    /// <summary><c>saltapibridge reconcile</c> with the daemon's configuration, against the same masters and Auto Scaling.</summary>
    private async Task<(int Code, string Output)> ReconcileAsync()
    {
        var config = Path.Combine(records.FullName, "..", $"reconcile-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, string?>(masters.DaemonSettings("saltapi", SaltApiHarness.Password))
        {
            ["Bridge:Groups:0"] = Group,
            ["Pipeline:RecordDirectory"] = records.FullName,
            ["AutoScaling:Region"] = FauxqsServer.Region,
            ["AutoScaling:ServiceUrl"] = autoScaling.Url,
        };
        await File.WriteAllTextAsync(config, Nested(settings).ToJsonString(), Ct);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await BridgeCli.RunAsync(["reconcile", "--config", config], output, error, services =>
                services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(
                    new StaticCredentialsSource(new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null)))));
            return (code, output.ToString() + error);
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>Flat configuration keys ("SaltApi:Masters:master2:BaseUrl") as the JSON file --config reads.</summary>
    private static System.Text.Json.Nodes.JsonObject Nested(IDictionary<string, string?> settings)
    {
        var root = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in settings)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
                node = node[part] as System.Text.Json.Nodes.JsonObject ?? (System.Text.Json.Nodes.JsonObject)(node[part] = new System.Text.Json.Nodes.JsonObject());
            node[parts[^1]] = value;
        }

        return root;
    }

    private async Task SendAsync(string body) => await sqs.SendMessageAsync(queueUrl, body, Ct);

    private string LaunchHook(string instance, string token)
    {
        autoScaling.AddInstance(Group, instance, token: token);
        return SampleMessages.LifecycleHook(Launching, Group, instance, Hook, token);
    }

    private Task UntilQueueEmptyAsync() =>
        Eventually.UntilAsync(
            async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0,
            TimeSpan.FromSeconds(40),
            () => $"the queue never emptied; master1: {string.Join(" | ", Master1.Calls.TakeLast(10).Select(c => $"{c.MinionId} {c.What}"))}; master2: {string.Join(" | ", Master2.Calls.TakeLast(10).Select(c => $"{c.MinionId} {c.What}"))}");

    private static string InstanceId(int n) => $"i-{n + 0x190:x17}";
}
