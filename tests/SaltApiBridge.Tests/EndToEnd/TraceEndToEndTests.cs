using SaltApiBridge.Cli;
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

    private readonly LoopbackStage stage = new(fauxqs, "e2e-trace");

    public ValueTask InitializeAsync() => stage.InitializeAsync();

    public ValueTask DisposeAsync() => stage.DisposeAsync();

    [Fact]
    public async Task Run_OtlpEndpointSet_OneLaunchArrivesAsOneTraceOfItsSteps()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        stage.AutoScaling.AddInstance(Group, Instance, token: "token-trace");
        var daemon = await stage.StartDaemonAsync(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.BaseUrl.ToString(),
            ["Coordination:ReplicaName"] = "replica-t",
        });
        try
        {
            await stage.SendAsync(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", "token-trace"));
            await Eventually.UntilAsync(async () => await stage.MessagesLeftAsync() == 0, TimeSpan.FromSeconds(30), () => "the launch never finished");
        }
        finally
        {
            // Stopping flushes the exporter's batch.
            await daemon.DisposeAsync();
        }

        var trace = LaunchTrace.Of(collector.Spans, Instance);
        LaunchTrace.ShouldBeALaunch(trace, Instance, Minion, stage.QueueName, "local", "replica-t");
        collector.ContentTypes.Should().OnlyContain(t => t == "application/x-protobuf");
    }
}
