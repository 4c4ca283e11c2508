using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Telemetry;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// A trace per lifecycle action, received as a collector receives it: the real daemon with Telemetry:OtlpEndpoint set,
/// its OTLP exporter sending http/protobuf to <see cref="OtlpReceiver"/> on loopback.
/// </summary>
public sealed class TraceEndToEndTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-00000000000000250";
    private const string Minion = Group + "-" + Instance;

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "e2e-trace-" + Guid.NewGuid().ToString("N");
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
    public async Task Run_OtlpEndpointSet_OneLaunchArrivesAsOneTraceOfItsSteps()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        autoScaling.AddInstance(Group, Instance, token: "token-trace");
        var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, salt, autoScaling, new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.BaseUrl.ToString(),
            ["Coordination:ReplicaName"] = "replica-t",
        });
        try
        {
            await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-trace"), Ct);
            await Eventually.UntilAsync(async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0, TimeSpan.FromSeconds(30), () => "the launch never finished");
        }
        finally
        {
            // Stopping flushes the exporter's batch.
            await daemon.DisposeAsync();
        }

        var trace = LaunchTrace.Of(collector.Spans, Instance);
        LaunchTrace.ShouldBeALaunch(trace, Instance, Minion, queueName, "local", "replica-t");
        collector.ContentTypes.Should().OnlyContain(t => t == "application/x-protobuf");
    }
}
