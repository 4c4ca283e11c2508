using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.EndToEnd;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Monitoring;

/// <summary>
/// The shipped alerting rules and dashboard (monitoring/) name only metrics the daemon exports: the names are parsed
/// out of the files, the exports read from a running daemon's <c>/metrics</c> after one launch (with a salt-api fault
/// on the way, so that error and retry series exist) went through.
/// </summary>
public sealed class ShippedMonitoringTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-0000000000000a240";

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "e2e-metrics-" + Guid.NewGuid().ToString("N");
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await fauxqs.CreateQueueAsync(queueName + "-dlq");
        queueUrl = await fauxqs.CreateQueueAsync(queueName, new()
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{FauxqsServer.QueueArn(queueName + "-dlq")}}","maxReceiveCount":"5"}""",
        });
    }

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_EveryMetricTheRulesAndTheDashboardName_TheRunningDaemonExports()
    {
        var referenced = ShippedMonitoring.RuleExpressions(await File.ReadAllTextAsync(ShippedMonitoring.RulesFile, Ct))
            .Concat(ShippedMonitoring.DashboardQueries(await File.ReadAllTextAsync(ShippedMonitoring.DashboardFile, Ct)))
            .SelectMany(ShippedMonitoring.MetricNames)
            .ToHashSet(StringComparer.Ordinal);
        // salt-api answers 503 to every call until the daemon has counted an error (after its retries): the error
        // and retry series exist from then on, as they would after any real fault.
        var failing = 1;
        salt.Interceptor = request => Volatile.Read(ref failing) == 1 && request.Path == "/" ? SaltApiReply.Page(503, "") : null;
        await using var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, salt, autoScaling);
        autoScaling.AddInstance(Group, Instance, token: "token-metrics");
        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-metrics"), Ct);
        await Eventually.UntilAsync(async () => (await ScrapeAsync(daemon)).Exports("saltapibridge_errors"), TimeSpan.FromSeconds(30), () => "no error was ever counted");
        Volatile.Write(ref failing, 0);
        await Eventually.UntilAsync(() => Task.FromResult(autoScaling.Completions.Count == 1), TimeSpan.FromSeconds(30), () => "the launch never completed");
        await Eventually.UntilAsync(async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0, TimeSpan.FromSeconds(30), () => "the message was never deleted");

        var exposition = await ScrapeAsync(daemon);

        referenced.Should().HaveCountGreaterThan(10, "the rules and the dashboard name the daemon's metrics");
        string.Join(", ", referenced.Where(name => !exposition.Exports(name)).Order(StringComparer.Ordinal)).Should().BeEmpty(
            "every metric a rule or panel names must be exported; the daemon exported: {0}", string.Join(", ", exposition.Samples.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void RuleExpressions_ShippedRules_OneForEveryAlert()
    {
        var yaml = File.ReadAllText(ShippedMonitoring.RulesFile);

        ShippedMonitoring.RuleExpressions(yaml).Should().HaveCount(yaml.Split("- alert:").Length - 1)
            .And.OnlyContain(e => e.Contains("saltapibridge_", StringComparison.Ordinal) || e.StartsWith("up{", StringComparison.Ordinal));
    }

    [Fact]
    public void MetricNames_BlockScalarWithLabelValues_OnlyTheMetricsOutsideStrings()
    {
        var yaml = """
            rules:
              - alert: A
                expr: |
                  histogram_quantile(0.95, sum by (le) (rate(saltapibridge_a_seconds_bucket{job=~"saltapibridge_not_a_metric"}[5m])))
                    unless on (job) saltapibridge_b > 0
                for: 5m
              - alert: B
                expr: up{job="saltapibridge"} == 0
            """;

        var expressions = ShippedMonitoring.RuleExpressions(yaml);

        expressions.Should().HaveCount(2);
        expressions.SelectMany(ShippedMonitoring.MetricNames).Should().Equal("saltapibridge_a_seconds_bucket", "saltapibridge_b");
    }

    [Fact]
    public void Exports_HistogramSuffixOfADeclaredHistogram_Counts()
    {
        var exposition = new MetricsExposition("""
            # TYPE saltapibridge_x_seconds histogram
            saltapibridge_x_seconds_bucket{le="1"} 0
            # TYPE saltapibridge_y counter
            saltapibridge_y{kind="Launching"} 1
            """);

        exposition.Exports("saltapibridge_x_seconds_count").Should().BeTrue();
        exposition.Exports("saltapibridge_y").Should().BeTrue();
        exposition.Exports("saltapibridge_y_count").Should().BeFalse("a counter has no _count");
        exposition.Exports("saltapibridge_z").Should().BeFalse();
    }

    private static async Task<MetricsExposition> ScrapeAsync(BridgeDaemon daemon)
    {
        using var http = new HttpClient();
        return new MetricsExposition(await http.GetStringAsync(new Uri(daemon.HealthUrl, "/metrics"), Ct));
    }
}
