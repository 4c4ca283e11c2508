using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// What an operator reads while a dependency is down (issue 24, quiet faults): the daemon at the levels it ships with,
/// its lines at Information and above counted as the console would print them. An outage is one warning when it
/// starts and one line when it ends; per-attempt retries are Debug, counted in metrics instead.
/// </summary>
public sealed class QuietFaultsEndToEndTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Launching = "autoscaling:EC2_INSTANCE_LAUNCHING";

    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "e2e-quiet-" + Guid.NewGuid().ToString("N");
    private SimulatedMasters masters = null!;
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync(queueName);

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        if (masters is not null)
            await masters.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    /// <summary>
    /// A scale-out on two masters while the second is down for 20 s: one launch before, two during the outage (they
    /// wait for it, SaltApi:MasterDown=Wait), all three CONTINUE once it is back.
    /// </summary>
    [Fact]
    public async Task Run_SecondMasterDown20SecondsDuringAScaleOut_LogsAtMost35LinesNoneWithAStackTrace()
    {
        masters = new SimulatedMasters(2);
        await using var daemon = await StartDaemonAsync(masters.DaemonSettings("saltapi", SaltApiHarness.Password));

        await SendAsync(LaunchHook(InstanceId(1), "token-1"));
        await UntilQueueEmptyAsync();
        masters.Masters[1].Down();
        await SendAsync(LaunchHook(InstanceId(2), "token-2"));
        await SendAsync(LaunchHook(InstanceId(3), "token-3"));
        await Task.Delay(TimeSpan.FromSeconds(20), Ct);
        masters.Masters[1].Up();
        await UntilQueueEmptyAsync();
        await UntilLoggedAsync(daemon, "Event stream proven on master master2", 2);

        autoScaling.Completions.Should().HaveCount(3).And.OnlyContain(c => c.Result == "CONTINUE");
        var lines = Report(daemon.Logs);
        lines.Should().HaveCountLessThanOrEqualTo(35, "an outage is a warning when it starts and a line when it ends (52 lines before issue 24)");
        lines.Should().NotContain(l => l.Contains("   at ", StringComparison.Ordinal), "no stack trace at Information and above");
    }

    /// <summary>A newcomer's first start, salt-api not running for 40 s, one launch waiting in the queue.</summary>
    [Fact]
    public async Task Run_SaltApiDown40Seconds_FewShortLinesNoneWithAStackTrace()
    {
        masters = new SimulatedMasters(1);
        masters.Masters[0].Down();
        await using var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, masters.Masters[0], autoScaling, Settings(masters.DaemonSettings("saltapi", SaltApiHarness.Password)));

        await SendAsync(LaunchHook(InstanceId(4), "token-4"));
        await Task.Delay(TimeSpan.FromSeconds(40), Ct);

        var lines = Report(daemon.Logs);
        lines.Should().HaveCountLessThanOrEqualTo(20, "43 lines before issue 24");
        lines.Max(l => l.Length).Should().BeLessThanOrEqualTo(500, "~2,150-character lines with stack traces before issue 24");
        lines.Should().NotContain(l => l.Contains("   at ", StringComparison.Ordinal), "no stack trace at Information and above");
    }

    /// <summary>
    /// The harness's settings, except the levels and every retry timing, which are the daemon's defaults: the harness
    /// shortens them, which would make more attempts (and lines) in 20 s than a real outage does.
    /// </summary>
    private static Dictionary<string, string?> Settings(IDictionary<string, string?> extra)
    {
        var settings = BridgeDaemon.DefaultLogLevels;
        foreach (var key in (string[])["SaltApi:RetryDelay", "SaltApi:MaxRetries", "SaltApi:CircuitBreakDuration", "Pipeline:StepRetryDelay", "Pipeline:RetryBackoff", "Pipeline:MaxRetryBackoff"])
            settings[key] = null;
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    private async Task<BridgeDaemon> StartDaemonAsync(IDictionary<string, string?> extra)
    {
        var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, masters.Masters[0], autoScaling, Settings(extra));
        foreach (var name in masters.Names)
            await UntilLoggedAsync(daemon, $"Event stream proven on master {name}", 1);
        return daemon;
    }

    /// <summary>The lines at Information and above (the captured logger sees what the console would), printed for the report.</summary>
    private static List<string> Report(CapturedLogs logs)
    {
        var lines = logs.ConsoleLines.ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{lines.Count} lines, longest {lines.Max(l => l.Length)} characters:\n" + string.Join("\n", lines));
        return lines;
    }

    private static Task UntilLoggedAsync(BridgeDaemon daemon, string text, int times) =>
        Eventually.UntilAsync(
            () => Task.FromResult(daemon.Logs.Lines.Count(l => l.Contains(text, StringComparison.Ordinal)) >= times),
            TimeSpan.FromSeconds(20), () => $"never logged {times}× '{text}'");

    private async Task SendAsync(string body) => await sqs.SendMessageAsync(queueUrl, body, Ct);

    private string LaunchHook(string instance, string token)
    {
        autoScaling.AddInstance(Group, instance, token: token);
        return SampleMessages.LifecycleHook(Launching, Group, instance, "provision", token);
    }

    private Task UntilQueueEmptyAsync() =>
        Eventually.UntilAsync(
            async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0,
            TimeSpan.FromSeconds(60), () => "the queue never emptied");

    private static string InstanceId(int n) => $"i-{n + 0x240:x17}";
}
