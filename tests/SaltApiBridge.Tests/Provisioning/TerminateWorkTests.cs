using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>A terminating instance: the clean states once, then CONTINUE; a scale-in is never blocked on clean-up.</summary>
public sealed class TerminateWorkTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WorkOutcome> RunAsync(ProvisioningRig rig, string? destination = null) =>
        rig.Get<TerminateWork>().RunAsync(rig.Work(rig.Plan(LifecycleEventKind.Terminating, destination: destination)), Ct);

    [Fact]
    public async Task RunAsync_BackToTheWarmPool_CompletesContinueWithoutCleaning()
    {
        await using var rig = new ProvisioningRig();

        (await RunAsync(rig, destination: "WarmPool")).Result.Should().Be("CONTINUE");
        rig.Log.Matching("sls").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_CleanFails_CompletesContinueAnyway()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.Clean = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Failed, null, [new FailedState("pkg_agent", "removal failed")], null));

        var outcome = await RunAsync(rig);

        outcome.Result.Should().Be("CONTINUE");
        outcome.Summary.Should().StartWith("clean failed");
    }

    [Fact]
    public async Task RunAsync_SaltApiRefusesTheCleanUp_CompletesContinueAnyway()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.Clean = (_, _) => throw new SaltApiException("salt-api answered 403 to local_async state.sls", isTransient: false);

        (await RunAsync(rig)).Result.Should().Be("CONTINUE");
    }

    [Fact]
    public async Task RunAsync_TwoMasters_CleansThroughTheMasterOfTheLaunch()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        await rig.Records.SaveAsync(new ProvisioningRecord(Minion, ProvisioningRig.InstanceId(1), ProvisioningRig.Group, "launch", rig.Time.GetUtcNow(), JobMaster: "m2"), Ct);

        await RunAsync(rig);

        rig.Log.Matching("sls").Should().Equal($"m2: sls clean {Minion}");
    }

    [Fact]
    public async Task RunAsync_TwoMastersWithoutARecord_CleansThroughTheFirstWhereTheKeyIsAccepted()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Others[0].SetKey(Minion, MinionKeyState.Accepted);

        await RunAsync(rig);

        rig.Log.Matching("sls").Should().Equal($"m2: sls clean {Minion}");
    }
}
