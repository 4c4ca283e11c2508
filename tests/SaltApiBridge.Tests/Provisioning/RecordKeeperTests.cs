using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>The records as the work uses them: one host's disk tolerated and counted; conflicts and store outages not.</summary>
public sealed class RecordKeeperTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ScriptedRecords records = new();

    private static ProvisioningRecord Fresh(ProvisioningRig rig) =>
        new(Minion, ProvisioningRig.InstanceId(1), ProvisioningRig.Group, ProvisioningRecord.KeyOf(ProvisioningRig.Token(1)), rig.Time.GetUtcNow());

    private static (RecordKeeper Keeper, InstanceWork Work) Launch(ProvisioningRig rig) =>
        (rig.Get<RecordKeeper>(), rig.Work(rig.Plan(LifecycleEventKind.Launching)));

    [Fact]
    public async Task ReadAsync_DiskFails_NoRecordAndCounted()
    {
        records.GetFailure = _ => new IOException("disk full");
        await using var rig = new ProvisioningRig(records: records);

        (await rig.Get<RecordKeeper>().ReadAsync(Minion, Ct)).Should().BeNull();
        rig.Metrics.Sum("errors{type=record}").Should().Be(1);
    }

    [Fact]
    public async Task TrySaveAsync_DiskRefuses_NullAndCounted()
    {
        records.SaveFailure = _ => new UnauthorizedAccessException("read-only");
        await using var rig = new ProvisioningRig(records: records);

        (await rig.Get<RecordKeeper>().TrySaveAsync(Fresh(rig), Ct)).Should().BeNull();
        rig.Metrics.Sum("errors{type=record}").Should().Be(1);
    }

    [Fact]
    public async Task SaveAsync_DiskRefuses_WorkKeepsTheRecordInMemory()
    {
        records.SaveFailure = _ => new IOException("disk full");
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        var record = Fresh(rig) with { HighstateJid = "20261206110000000001" };

        await keeper.SaveAsync(work, record, Ct);

        work.Record.Should().Be(record);
    }

    [Fact]
    public async Task SaveAsync_Stored_WorkHoldsTheStoredVersion()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);

        await keeper.SaveAsync(work, Fresh(rig), Ct);

        work.Record!.Version.Should().Be(1, "the next write is conditional on it");
    }

    [Fact]
    public async Task SaveAsync_Conflict_Throws()
    {
        records.SaveFailure = r => new RecordConflictException(r.MinionId, r.Version);
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);

        await keeper.Invoking(k => k.SaveAsync(work, Fresh(rig), Ct)).Should().ThrowAsync<RecordConflictException>();
    }

    [Fact]
    public async Task ReadAsync_StoreUnavailable_Throws()
    {
        records.GetFailure = _ => new CoordinationStoreException("unreachable", isTransient: true);
        await using var rig = new ProvisioningRig(records: records);

        await rig.Get<RecordKeeper>().Invoking(k => k.ReadAsync(Minion, Ct)).Should().ThrowAsync<CoordinationStoreException>();
    }

    [Fact]
    public async Task RemoveAsync_DiskFails_ToleratedAndCounted()
    {
        records.RemoveFailure = _ => new IOException("disk full");
        await using var rig = new ProvisioningRig(records: records);

        await rig.Get<RecordKeeper>().RemoveAsync(Minion, Ct);

        rig.Metrics.Sum("errors{type=record}").Should().Be(1);
    }

    [Fact]
    public async Task TakeOnAsync_NothingInProgress_MarksThisActionOnThisReplicaSinceNow()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);

        await keeper.TakeOnAsync(work, Fresh(rig), Ct);

        work.Record!.InProgress.Should().Be(new ActionInProgress(
            LifecycleEventKind.Launching, ProvisioningRig.LaunchHook, work.ActionKey, rig.Time.GetUtcNow(), Replica: "replica-1"));
    }

    [Fact]
    public async Task TakeOnAsync_AlreadyThisReplicasAction_WritesNothing()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        await keeper.TakeOnAsync(work, Fresh(rig), Ct);
        var saves = records.Saves;

        await keeper.TakeOnAsync(work, work.Record!, Ct);

        records.Saves.Should().Be(saves);
    }

    [Fact]
    public async Task TakeOnAsync_SameActionOfAnotherReplica_MarksItThisReplicasKeepingItsStart()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        var began = rig.Time.GetUtcNow().AddMinutes(-3);
        var theirs = Fresh(rig) with { InProgress = new ActionInProgress(LifecycleEventKind.Launching, ProvisioningRig.LaunchHook, work.ActionKey, began, Replica: "replica-0") };

        await keeper.TakeOnAsync(work, theirs, Ct);

        work.Record!.InProgress.Should().Be(theirs.InProgress! with { Replica = "replica-1" });
    }

    [Fact]
    public async Task TakeOnAsync_AnotherActionInProgress_StartsTheMarkAnew()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        var earlier = Fresh(rig) with { InProgress = new ActionInProgress(LifecycleEventKind.Terminating, ProvisioningRig.TerminateHook, "another", rig.Time.GetUtcNow().AddHours(-1)) };

        await keeper.TakeOnAsync(work, earlier, Ct);

        work.Record!.InProgress!.Since.Should().Be(rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task FinishAsync_ActionInProgress_ClearsIt()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        await keeper.TakeOnAsync(work, Fresh(rig), Ct);

        await keeper.FinishAsync(work, Ct);

        (await records.GetAsync(Minion, Ct))!.InProgress.Should().BeNull();
    }

    [Fact]
    public async Task FinishAsync_NothingInProgress_WritesNothing()
    {
        await using var rig = new ProvisioningRig(records: records);
        var (keeper, work) = Launch(rig);
        await keeper.SaveAsync(work, Fresh(rig), Ct);
        var saves = records.Saves;

        await keeper.FinishAsync(work, Ct);

        records.Saves.Should().Be(saves);
    }
}
