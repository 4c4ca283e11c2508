using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning.Gate;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning.Gate;

/// <summary>The trust gate with one master: the key, Auto Scaling and the configuration must all agree.</summary>
public sealed class AcceptGateTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static readonly string Instance = ProvisioningRig.InstanceId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<GateOutcome> PassAsync(ProvisioningRig rig, string? destination = null) =>
        rig.Get<AcceptGate>().PassAsync(rig.Plan(LifecycleEventKind.Launching, destination: destination).Event, Minion, Ct);

    private static ProvisioningRig Rig(BridgeOptions? bridge = null) => new(bridge: bridge);

    [Fact]
    public async Task PassAsync_PendingKeyOfAWaitingInstance_AcceptedThroughTheOnlyMaster()
    {
        await using var rig = Rig();

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Accepted, InstanceConfirmed = true, JobMaster = "local" });
        rig.Log.All.Should().Equal($"accept {Minion}");
    }

    [Fact]
    public async Task PassAsync_KeyAcceptedBefore_AlreadyAcceptedWithoutAnAccept()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);

        var outcome = await PassAsync(rig);

        outcome.Verdict.Should().Be(GateVerdict.AlreadyAccepted);
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_AcceptedBySomeoneElseMeanwhile_AlreadyAccepted()
    {
        await using var rig = Rig();
        rig.Salt.Accept = (_, _) => Task.FromResult(KeyAcceptOutcome.AlreadyAccepted);

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.AlreadyAccepted);
    }

    [Fact]
    public async Task PassAsync_NoKeyInTime_NoKeyWithoutAskingAutoScaling()
    {
        await using var rig = Rig();
        rig.Salt.NewKeys = MinionKeyState.Absent;

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.NoKey);
        rig.Inventory.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_KeyAcceptedAndTheInstanceNoLongerWaits_ActionEnded()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Inventory.Set(Instance, ProvisioningRig.Group, AutoScalingInstance.InService);

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.ActionEnded);
    }

    [Fact]
    public async Task PassAsync_InstanceUnknownToAutoScaling_RefusedUnconfirmedNothingAccepted()
    {
        await using var rig = Rig();
        rig.Inventory.Set(Instance, null);

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.InstanceUnknown, InstanceConfirmed = false });
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_InstanceInAnotherGroup_RefusedWrongGroupUnconfirmed()
    {
        await using var rig = Rig();
        rig.Inventory.Set(Instance, "db");

        (await PassAsync(rig)).Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.WrongGroup, InstanceConfirmed = false });
    }

    [Fact]
    public async Task PassAsync_PendingKeyOfAnInstanceNotWaiting_RefusedNotPendingWaitUnconfirmed()
    {
        await using var rig = Rig();
        rig.Inventory.Set(Instance, ProvisioningRig.Group, AutoScalingInstance.InService);

        (await PassAsync(rig)).Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.NotWaiting, InstanceConfirmed = false });
    }

    [Fact]
    public async Task PassAsync_WarmPoolLaunchWarmedPendingWait_Accepted()
    {
        await using var rig = Rig();
        rig.Inventory.Set(Instance, ProvisioningRig.Group, AutoScalingInstance.WarmedPendingWait);

        (await PassAsync(rig, destination: "WarmPool")).Verdict.Should().Be(GateVerdict.Accepted);
    }

    [Fact]
    public async Task PassAsync_RejectedKey_RefusedKeyRejectedConfirmed()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Rejected);

        (await PassAsync(rig)).Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.KeyRejected, InstanceConfirmed = true });
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_RejectedKeyWithAcceptRejectedKeys_AcceptedFromRejected()
    {
        await using var rig = Rig(new BridgeOptions { AcceptRejectedKeys = true });
        rig.Salt.SetKey(Minion, MinionKeyState.Rejected);

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.Accepted);
        rig.Log.All.Should().Equal($"accept {Minion} from Rejected");
    }

    [Fact]
    public async Task PassAsync_DeniedKey_RefusedKeyDeniedConfirmed()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Denied);

        (await PassAsync(rig)).Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.KeyDenied, InstanceConfirmed = true });
    }

    [Fact]
    public async Task PassAsync_Refused_CountedByReason()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Denied);

        await PassAsync(rig);

        rig.Metrics.Sum($"accept_refusals{{reason={AcceptGate.KeyDenied}}}").Should().Be(1);
    }
}
