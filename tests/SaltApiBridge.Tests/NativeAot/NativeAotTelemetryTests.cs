using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Telemetry;

namespace SaltApiBridge.Tests.NativeAot;

/// <summary>
/// Issue 24's views in the Native AOT executable, where trimming could break them: a launch's trace exported over
/// OTLP, its JSON log lines carrying the action's scope, <c>GET /status</c> and the <c>status</c> command reading it.
/// </summary>
[Collection(nameof(NativeAotCollection))]
public sealed partial class NativeAotTelemetryTests(FauxqsServer fauxqs, NativeAotBuild build) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-0123456789abcdef7";
    private const string Minion = Group + "-" + Instance;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "aot-trace-" + Guid.NewGuid().ToString("N");
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync(queueName);

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task Run_OtlpEndpointAndJsonLog_LaunchTraceArrivesLinesCarryTheScopeStatusServed()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        salt.JobDuration = minion => minion == Minion ? TimeSpan.FromSeconds(3) : TimeSpan.Zero;
        autoScaling.AddInstance(Group, Instance, token: "token-aot-trace");
        await using var daemon = DaemonProcess.Start(build.Executable, ["run"], Configuration(collector.BaseUrl));
        await UntilAsync(() => daemon.Output.Contains("Event stream proven", StringComparison.Ordinal), daemon, "the event stream was never proven");
        var health = HealthUrl(daemon);

        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-aot-trace"), Ct);
        using var http = new HttpClient();
        JsonNode? during = null;
        await Eventually.UntilAsync(
            async () => (during = JsonNode.Parse(await http.GetStringAsync(new Uri(health, "/status"), Ct)))!["inFlight"]!.AsArray()
                .Any(w => w!["step"]!.GetValue<string>() == "highstate running"),
            TimeSpan.FromSeconds(30), () => "never shown at its highstate:\n" + daemon.Output);
        await using var status = DaemonProcess.Start(build.Executable, ["status", "--url", health.ToString()]);
        var statusExit = await status.ExitCodeAsync(ExitTimeout, Ct);
        await UntilAsync(() => autoScaling.Completions.Count == 1, daemon, "the launch was never completed");
        await daemon.SigtermAsync(Ct);
        (await daemon.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, daemon.Output);

        during!["replica"]!.GetValue<string>().Should().Be("aot-replica");
        during["inFlight"]![0]!["minionId"]!.GetValue<string>().Should().Be(Minion);
        statusExit.Should().Be(0, status.Output);
        status.Output.Should().Contain($"{Instance}  launching    highstate running");
        LaunchTrace.ShouldBeALaunch(LaunchTrace.Of(collector.Spans, Instance), Instance, Minion, queueName, "local", "aot-replica");
        var accepted = daemon.Output.Split('\n').Where(l => l.StartsWith('{') && l.Contains("Accepted the key of", StringComparison.Ordinal) && l.Contains(Minion, StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!).ToList();
        accepted.Should().NotBeEmpty("the key's accept is logged:\n" + daemon.Output);
        var scopes = accepted[0]["Scopes"]!.AsArray();
        scopes.Should().Contain(s => s!["InstanceId"] != null && s["InstanceId"]!.GetValue<string>() == Instance
            && s["MinionId"]!.GetValue<string>() == Minion && s["MessageId"] != null);
        scopes.Should().Contain(s => s!["TraceId"] != null, "a traced action's lines carry its trace id too");
    }

    private string Configuration(Uri collector) => JsonSerializer.Serialize(new
    {
        Queue = new { QueueUrl = queueUrl, ServiceUrl = fauxqs.Endpoint, Region = FauxqsServer.Region, WaitTimeSeconds = 1, Pollers = 2 },
        SaltApi = new { BaseUrl = salt.BaseUrl, Username = "saltapi", Password = "saltapi-test-pw", KeyPollInterval = "00:00:00.050", ReachablePollInterval = "00:00:00.050", JobPollInterval = "00:00:00.100", JobPollMaxInterval = "00:00:00.250" },
        AutoScaling = new { Region = FauxqsServer.Region, ServiceUrl = autoScaling.Url },
        Bridge = new { Groups = new[] { Group } },
        Pipeline = new { DrainTimeout = "00:00:05", DeleteBatchWindow = "00:00:00.050" },
        Health = new { Urls = "http://127.0.0.1:0" },
        Coordination = new { ReplicaName = "aot-replica" },
        Telemetry = new { OtlpEndpoint = collector.ToString() },
        Logging = new { Console = new { FormatterName = "json" } },
    });

    /// <summary>The port the daemon picked, from its JSON start-up line.</summary>
    private static Uri HealthUrl(DaemonProcess daemon) =>
        new(Listening().Match(daemon.Output) is { Success: true } found ? found.Groups[1].Value : throw new InvalidOperationException("no listening line:\n" + daemon.Output));

    [GeneratedRegex("Now listening on: (http://127\\.0\\.0\\.1:[0-9]+)")]
    private static partial Regex Listening();

    private static Task UntilAsync(Func<bool> condition, DaemonProcess daemon, string failure) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(30), () => failure + ":\n" + daemon.Output);
}
