using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Provisioning.OwedKeys;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.Provisioning.OwedKeys;

/// <summary>One pass over the records settles what masters that did not answer are owed, under its task lease.</summary>
public sealed class OwedKeyWorkTests
{
    private const string OldestAge = "owed_key_work_oldest_age_seconds{}";
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ScriptedRecords records = new(new InMemoryProvisioningRecords(), durable: true);

    private ProvisioningRig Rig(int masters = 2) => new(masters: masters, records: records);

    private static ProvisioningRecord Record(ProvisioningRig rig, int n = 1) =>
        new(ProvisioningRig.MinionId(n), ProvisioningRig.InstanceId(n), ProvisioningRig.Group, null, rig.Time.GetUtcNow().AddHours(-1), OwedSince: rig.Time.GetUtcNow().AddMinutes(-5));

    private static ProvisioningRecord OwesDelete(ProvisioningRig rig, params string[] masters) => Record(rig) with { OwedDeletes = masters };

    /// <summary>A launch that finished (provisioned) with its accept on m2 owed, for the key the other masters accepted.</summary>
    private static ProvisioningRecord OwesAccept(ProvisioningRig rig) =>
        Record(rig) with { ProvisionedAt = rig.Time.GetUtcNow().AddMinutes(-4), KeyFingerprint = FakeSaltMaster.FingerprintOf(Minion), OwedAccepts = ["m2"] };

    private async Task<ProvisioningRecord> SavedAsync(ProvisioningRecord record) => await records.SaveAsync(record, Ct);

    private static Task PassAsync(ProvisioningRig rig) => rig.Get<OwedKeyWork>().RunOnceAsync(Ct);

    [Fact]
    public async Task RunOnceAsync_OwedDeleteMasterAnswers_DeletesThereAndForgetsTheRecord()
    {
        await using var rig = Rig();
        await SavedAsync(OwesDelete(rig, "m2"));

        await PassAsync(rig);

        rig.Log.All.Should().Equal($"m2: delete {Minion}");
        (await records.GetAsync(Minion, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task RunOnceAsync_OwedDeleteMasterStillDown_StillOwed()
    {
        await using var rig = Rig();
        rig.Others[0].IsDown = true;
        await SavedAsync(OwesDelete(rig, "m2"));

        await PassAsync(rig);

        (await records.GetAsync(Minion, Ct))!.OwedDeletes.Should().Equal("m2");
    }

    [Fact]
    public async Task RunOnceAsync_OneOfTwoOwedDeletesDone_OnlyTheOtherStillOwed()
    {
        await using var rig = Rig(masters: 3);
        rig.Others[1].IsDown = true;
        await SavedAsync(OwesDelete(rig, "m2", "m3"));

        await PassAsync(rig);

        (await records.GetAsync(Minion, Ct))!.OwedDeletes.Should().Equal("m3");
    }

    [Fact]
    public async Task RunOnceAsync_OwedDeleteOnAMasterNoLongerConfigured_Dropped()
    {
        await using var rig = Rig();
        await SavedAsync(OwesDelete(rig, "m9"));

        await PassAsync(rig);

        (await records.GetAsync(Minion, Ct)).Should().BeNull();
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_OwedAcceptPendingWithTheSameFingerprint_Accepted()
    {
        await using var rig = Rig();
        await SavedAsync(OwesAccept(rig));

        await PassAsync(rig);

        rig.Log.Matching("accept").Should().Equal($"m2: accept {Minion}");
    }

    [Fact]
    public async Task RunOnceAsync_LastOwedWorkSettled_RecordOwesNothingSinceNoLonger()
    {
        await using var rig = Rig();
        await SavedAsync(OwesAccept(rig));

        await PassAsync(rig);

        (await records.GetAsync(Minion, Ct)).Should().BeEquivalentTo(new { OwedAccepts = (string[]?)null, OwedSince = (DateTimeOffset?)null });
    }

    [Fact]
    public async Task RunOnceAsync_OwedAcceptFindsAnotherFingerprint_DroppedWithoutAccepting()
    {
        await using var rig = Rig();
        rig.Others[0].Fingerprints[Minion] = "aa:bb:cc";
        await SavedAsync(OwesAccept(rig));

        await PassAsync(rig);

        rig.Log.Matching("accept").Should().BeEmpty();
        (await records.GetAsync(Minion, Ct))!.OwedAccepts.Should().BeNull("it is not this minion's key: reconcile reports it");
    }

    [Fact]
    public async Task RunOnceAsync_OwedAcceptOfALaunchNotYetProvisioned_LeftUntilItIs()
    {
        await using var rig = Rig();
        await SavedAsync(OwesAccept(rig) with { ProvisionedAt = null });

        await PassAsync(rig);

        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_RecordHeldByThePipeline_Skipped()
    {
        await using var rig = Rig();
        await SavedAsync(OwesDelete(rig, "m2"));
        await using var pipeline = await rig.Leases.TryAcquireAsync(LeaseKey.Instance(Minion), Ct);

        await PassAsync(rig);

        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_AnotherReplicaHoldsTheTaskLease_TouchesNothing()
    {
        await using var rig = Rig();
        await SavedAsync(OwesDelete(rig, "m2"));
        await using var other = await rig.Leases.TryAcquireAsync(LeaseKey.OwedKeyWork, Ct);

        await PassAsync(rig);

        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_RecordWrittenSinceItWasRead_LeftForTheNextPass()
    {
        await using var rig = Rig();
        await SavedAsync(OwesAccept(rig));
        records.SaveFailure = r => new RecordConflictException(r.MinionId, r.Version);
        await PassAsync(rig);
        (await records.GetAsync(Minion, Ct))!.OwedAccepts.Should().Equal("m2");
        records.SaveFailure = _ => null;

        await PassAsync(rig);

        (await records.GetAsync(Minion, Ct))!.OwedAccepts.Should().BeNull();
    }

    [Fact]
    public async Task OldestAgeGauge_AfterAPass_AgeOfTheOldestDebtFound()
    {
        await using var rig = Rig();
        rig.Others[0].IsDown = true;
        await SavedAsync(OwesDelete(rig, "m2") with { OwedSince = rig.Time.GetUtcNow().AddSeconds(-100) });
        await SavedAsync(Record(rig, 2) with { OwedDeletes = ["m2"], OwedSince = rig.Time.GetUtcNow().AddSeconds(-40) });
        await PassAsync(rig);

        rig.Time.Advance(TimeSpan.FromSeconds(10));

        rig.Metrics.Last(OldestAge).Should().Be(110);
    }

    [Fact]
    public async Task OldestAgeGauge_NoDebt_Zero()
    {
        await using var rig = Rig();

        await PassAsync(rig);

        rig.Metrics.Last(OldestAge).Should().Be(0);
    }

    [Fact]
    public async Task OldestAgeGauge_AnotherReplicaTookTheTaskLease_Zero()
    {
        await using var rig = Rig();
        rig.Others[0].IsDown = true;
        await SavedAsync(OwesDelete(rig, "m2"));
        await PassAsync(rig);
        await using var other = await rig.Leases.TryAcquireAsync(LeaseKey.OwedKeyWork, Ct);

        await PassAsync(rig);

        rig.Metrics.Last(OldestAge).Should().Be(0, "the replica that settles the debts reports their age");
    }
}
