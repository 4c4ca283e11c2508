using System.Text.Json.Nodes;
using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// <c>GET /status</c> of the real daemon during a launch whose highstate the simulated minion holds, and
/// <c>saltapibridge status</c> reading it: the instance at its step, then finished CONTINUE.
/// </summary>
public sealed class StatusEndToEndTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-00000000000000240";
    private const string Minion = Group + "-" + Instance;

    private readonly LoopbackStage stage = new(fauxqs, "e2e-status");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => stage.InitializeAsync();

    public ValueTask DisposeAsync() => stage.DisposeAsync();

    [Fact]
    public async Task Status_LaunchHeldAtItsHighstate_ShowsTheInstanceAtItsStepThenFinishedContinue()
    {
        stage.Salt.JobDuration = minion => minion == Minion ? TimeSpan.FromSeconds(4) : TimeSpan.Zero;
        stage.AutoScaling.AddInstance(Group, Instance, token: "token-status");
        await using var daemon = await stage.StartDaemonAsync(new Dictionary<string, string?> { ["Coordination:ReplicaName"] = "replica-a" });
        var statusUrl = new Uri(daemon.HealthUrl, "/status");
        await Eventually.UntilAsync(async () => (await StatusAsync(statusUrl))["masters"]![0]!["eventStream"]!.GetValue<string>() == "proven", TimeSpan.FromSeconds(20), () => "the event stream was never proven");

        await stage.SendAsync(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-status"));
        JsonNode? held = null;
        await Eventually.UntilAsync(
            async () => (held = (await StatusAsync(statusUrl))["inFlight"]!.AsArray().SingleOrDefault(w => w!["step"]!.GetValue<string>() == "highstate running")) is not null,
            TimeSpan.FromSeconds(20), () => "the launch was never shown at its highstate");
        var during = await StatusAsync(statusUrl);
        using var table = new StringWriter();
        var tableExit = await BridgeCli.RunAsync(["status", "--url", daemon.HealthUrl.ToString()], table, TextWriter.Null);
        await Eventually.UntilAsync(
            async () => (await StatusAsync(statusUrl))["recent"]!.AsArray().Any(d => d!["instanceId"]!.GetValue<string>() == Instance),
            TimeSpan.FromSeconds(20), () => "the launch never finished");
        var after = await StatusAsync(statusUrl);
        TestContext.Current.SendDiagnosticMessage("saltapibridge status during the highstate:\n" + table);

        held!["kind"]!.GetValue<string>().Should().Be("Launching");
        held["instanceId"]!.GetValue<string>().Should().Be(Instance);
        held["minionId"]!.GetValue<string>().Should().Be(Minion);
        held["attempt"]!.GetValue<int>().Should().Be(1);
        held["messageId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        held["master"]!.GetValue<string>().Should().Be("local");
        held["jid"]!.GetValue<string>().Should().MatchRegex("^[0-9]{20}_[0-9a-f]{16}$");
        held["hookTimeoutSeconds"]!.GetValue<double>().Should().Be(3600, "the hook's heartbeat timeout, as Auto Scaling gave it");
        held["ageSeconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);
        during["replica"]!.GetValue<string>().Should().Be("replica-a");
        during["version"]!.GetValue<string>().Should().Be(BuildVersion.Current.Version);
        during["uptimeSeconds"]!.GetValue<double>().Should().BeGreaterThan(0);
        during["masters"]!.AsArray().Should().ContainSingle();
        during["masters"]![0]!["name"]!.GetValue<string>().Should().Be("local");
        during["masters"]![0]!["saltApiAnswering"]!.GetValue<bool>().Should().BeTrue();
        during["masters"]![0]!["lastEventAt"].Should().NotBeNull();
        during["masters"]![0]!["owedAccepts"]!.GetValue<int>().Should().Be(0);
        during["leases"]!.AsArray().Select(l => (l!["kind"]!.GetValue<string>(), l["name"]!.GetValue<string>(), l["holder"]!.GetValue<string>()))
            .Should().Contain(("instance", Minion, "replica-a"), "the instance's lease is held while its work runs");
        during["outages"]!.AsArray().Should().BeEmpty();
        during["problems"]!.AsArray().Should().BeEmpty();

        tableExit.Should().Be(0, table.ToString());
        table.ToString().Should().Contain($"{Instance}  launching    highstate running").And.Contain("replica replica-a · up ");

        after["inFlight"]!.AsArray().Should().BeEmpty();
        var done = after["recent"]![0]!;
        done["instanceId"]!.GetValue<string>().Should().Be(Instance);
        done["result"]!.GetValue<string>().Should().Be("CONTINUE");
        done["jid"]!.GetValue<string>().Should().Be(held["jid"]!.GetValue<string>());
        done["tookSeconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(3.5, "the minion held its highstate for 4 s");
        after["leases"]!.AsArray().Should().NotContain(l => l!["name"]!.GetValue<string>() == Minion, "given back when the work ended");
    }

    private async Task<JsonNode> StatusAsync(Uri url)
    {
        using var response = await stage.Http.GetAsync(url, Ct);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }
}
