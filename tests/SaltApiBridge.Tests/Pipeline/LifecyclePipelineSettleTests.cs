using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>How the pipeline settles a message from its outcome (the rule LifecyclePipelineTests does not show).</summary>
public sealed class LifecyclePipelineSettleTests
{
    private static readonly string Instance = $"i-{1:x17}";
    private static readonly string Launch =
        SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", "web", Instance, "provision", "00000000-0000-4000-8000-000000000001");

    [Fact]
    public async Task RunAsync_RetryWithADelayOfItsOwn_VisibleAgainAfterThatDelayNotTheBackoff()
    {
        var leases = new ProcessLeases();
        await using var other = await leases.TryAcquireAsync(LeaseKey.Instance($"web-{Instance}"), TestContext.Current.CancellationToken);
        await using var harness = new PipelineHarness(o => o.LockedRetryDelay = TimeSpan.FromSeconds(7), leases: leases);
        var id = harness.Queue.Send(Launch);
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain($"sqs-visibility {id} 7", "the backoff would be 200 ms");
    }
}
