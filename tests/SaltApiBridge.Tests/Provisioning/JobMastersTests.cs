using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>Which master an action's state jobs can go through: one where the minion's key is accepted.</summary>
public sealed class JobMastersTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string?> WhereAcceptedAsync(ProvisioningRig rig, string? preferred = null, string? excluding = null) =>
        (await rig.Get<JobMasters>().WhereAcceptedAsync(
            rig.Work(rig.Plan(LifecycleEventKind.Terminating)), rig.Masters.Find(preferred), rig.Masters.Find(excluding), Ct))?.Name;

    private static ProvisioningRig ThreeMastersAccepted()
    {
        var rig = new ProvisioningRig(masters: 3);
        foreach (var master in rig.Others.Prepend(rig.Salt))
            master.SetKey(Minion, MinionKeyState.Accepted);
        return rig;
    }

    [Fact]
    public async Task WhereAcceptedAsync_AcceptedOnThePreferred_ThePreferred()
    {
        await using var rig = ThreeMastersAccepted();

        (await WhereAcceptedAsync(rig, preferred: "m3")).Should().Be("m3");
    }

    [Fact]
    public async Task WhereAcceptedAsync_NotAcceptedOnThePreferred_FirstInConfigurationOrderWhereItIs()
    {
        await using var rig = ThreeMastersAccepted();
        rig.Salt.SetKey(Minion, MinionKeyState.Pending);
        rig.Others[1].SetKey(Minion, MinionKeyState.Pending);

        (await WhereAcceptedAsync(rig, preferred: "m3")).Should().Be("m2");
    }

    [Fact]
    public async Task WhereAcceptedAsync_Excluding_NeverThatOne()
    {
        await using var rig = ThreeMastersAccepted();

        (await WhereAcceptedAsync(rig, preferred: "local", excluding: "local")).Should().Be("m2");
    }

    [Fact]
    public async Task WhereAcceptedAsync_AMasterDown_AsksTheNext()
    {
        await using var rig = ThreeMastersAccepted();
        rig.Salt.IsDown = true;

        (await WhereAcceptedAsync(rig)).Should().Be("m2");
    }

    [Fact]
    public async Task WhereAcceptedAsync_AcceptedNowhere_Null()
    {
        await using var rig = new ProvisioningRig(masters: 2);

        (await WhereAcceptedAsync(rig)).Should().BeNull();
    }
}
