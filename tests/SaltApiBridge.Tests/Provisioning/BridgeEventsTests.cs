using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>Each Salt event through one master: the job master, and the next only when the call surely never left.</summary>
public sealed class BridgeEventsTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task FireAsync(ProvisioningRig rig, InstanceWork work) =>
        rig.Get<BridgeEvents>().FireAsync(BridgeEventTags.Provisioned, work, "20261206110000000001", "succeeded", Ct);

    private static InstanceWork ThroughM2(ProvisioningRig rig)
    {
        var work = rig.Work(rig.Plan(LifecycleEventKind.Launching));
        work.JobMaster = rig.Masters.Find("m2")!;
        return work;
    }

    [Fact]
    public async Task FireAsync_TwoMasters_OnlyThroughTheJobMaster()
    {
        await using var rig = new ProvisioningRig(masters: 2);

        await FireAsync(rig, ThroughM2(rig));

        rig.Log.All.Should().Equal($"m2: event saltapibridge/provisioned {Minion}");
    }

    [Fact]
    public async Task FireAsync_JobMasterRefusesTheConnection_FiresThroughTheNext()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Others[0].IsDown = true;

        await FireAsync(rig, ThroughM2(rig));

        rig.Log.All.Should().Equal($"event saltapibridge/provisioned {Minion}");
    }

    [Fact]
    public async Task FireAsync_ReplyLostAfterTheCallLeft_NotFiredAgainElsewhere()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Others[0].Fire = (_, _) => throw new SaltApiException("salt-api did not answer POST /hook in time", isTransient: true, new TimeoutException());

        await FireAsync(rig, ThroughM2(rig));

        rig.Log.All.Should().Equal([$"m2: event saltapibridge/provisioned {Minion}"], "the master may have fired it: reactors must not run twice");
    }

    [Fact]
    public async Task FireAsync_EveryMasterDown_CountedNeverThrown()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.IsDown = true;
        rig.Others[0].IsDown = true;

        await FireAsync(rig, ThroughM2(rig));

        rig.Metrics.Sum("errors{type=event}").Should().Be(2);
    }
}
