using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>The end of a lifecycle action: completed with AWS, or found already gone.</summary>
public sealed class ActionCompletionTests
{
    private static readonly string Instance = ProvisioningRig.InstanceId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InstanceWork Launch(ProvisioningRig rig, DateTimeOffset? eventTime = null) =>
        rig.Work(rig.Plan(LifecycleEventKind.Launching, time: eventTime));

    [Fact]
    public async Task CompleteAsync_Continue_CompletesByTokenAndSaysSo()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await rig.Get<ActionCompletion>().CompleteAsync(Launch(rig), LifecycleActionResult.Continue, "provisioned", Ct);

        outcome.Should().Be(WorkOutcome.Done("CONTINUE", "provisioned; completed CONTINUE"));
        rig.Log.All.Should().Equal($"complete {Instance} Continue {ProvisioningRig.Token(1)}");
    }

    [Fact]
    public async Task CompleteAsync_Abandon_DoneAbandon()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await rig.Get<ActionCompletion>().CompleteAsync(Launch(rig), LifecycleActionResult.Abandon, "highstate failed", Ct);

        outcome.Should().Be(WorkOutcome.Done("ABANDON", "highstate failed; completed ABANDON"));
    }

    [Fact]
    public async Task CompleteAsync_ActionAlreadyGone_DoneActionGone()
    {
        await using var rig = new ProvisioningRig();
        rig.Actions.Complete = _ => Task.FromResult(LifecycleActionOutcome.ActionGone);

        var outcome = await rig.Get<ActionCompletion>().CompleteAsync(Launch(rig), LifecycleActionResult.Continue, "provisioned", Ct);

        outcome.Should().Be(WorkOutcome.Done("action gone", "provisioned; the lifecycle action had already ended"));
    }

    [Fact]
    public async Task CompleteAsync_EventTimeKnown_MeasuresTheActionFromTheEvent()
    {
        await using var rig = new ProvisioningRig();
        var work = Launch(rig, eventTime: rig.Time.GetUtcNow().AddSeconds(-90));

        await rig.Get<ActionCompletion>().CompleteAsync(work, LifecycleActionResult.Continue, "provisioned", Ct);

        rig.Metrics.Last("lifecycle_action_seconds{kind=Launching,result=CONTINUE}").Should().Be(90);
    }

    [Fact]
    public async Task GoneAsync_ActionCompletedElsewhere_FiresTheStepsEventAsActionGone()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await rig.Get<ActionCompletion>().GoneAsync(Launch(rig), "provisioned", null, Ct);

        outcome.Result.Should().Be("action gone");
        rig.Log.All.Should().Equal($"event saltapibridge/provisioned {ProvisioningRig.MinionId(1)}");
    }
}
