using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>A terminated instance's key deleted on every master; a master that does not answer keeps the delete owed.</summary>
public sealed class KeyDeletionTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WorkOutcome> RunAsync(ProvisioningRig rig) =>
        rig.Get<KeyDeletion>().RunAsync(rig.Work(rig.Plan(LifecycleEventKind.Terminated)), Ct);

    private static ProvisioningRig Durable(int masters = 2, ScriptedRecords? records = null) =>
        new(masters: masters, records: records ?? new ScriptedRecords(new InMemoryProvisioningRecords(), durable: true));

    [Fact]
    public async Task RunAsync_DeletedOnEveryMaster_RecordForgotten()
    {
        await using var rig = Durable();
        await rig.Records.SaveAsync(new ProvisioningRecord(Minion, ProvisioningRig.InstanceId(1), ProvisioningRig.Group, null, rig.Time.GetUtcNow()), Ct);

        var outcome = await RunAsync(rig);

        outcome.Should().Be(WorkOutcome.Done("key deleted", $"key {Minion} deleted on every master"));
        (await rig.Records.GetAsync(Minion, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_TransientFailure_TriedAgainOnThatMaster()
    {
        await using var rig = new ProvisioningRig();
        var calls = 0;
        rig.Salt.Delete = (_, _) => ++calls == 1 ? throw new SaltApiException("salt-api did not answer in time", isTransient: true) : Task.CompletedTask;

        (await RunAsync(rig)).Result.Should().Be("key deleted");
        rig.Log.Matching($"delete {Minion}").Should().HaveCount(2);
    }

    [Fact]
    public async Task RunAsync_DeletedNowhere_ThrowsTheFirstMastersFailure()
    {
        await using var rig = Durable();
        rig.Salt.IsDown = true;
        rig.Others[0].Delete = (_, _) => throw new SaltApiException("wheel key.delete_dict is not permitted", isTransient: false);

        await rig.Invoking(RunAsync).Should().ThrowAsync<SaltApiException>().WithMessage("wheel key.delete_dict: connection refused*");
    }

    [Fact]
    public async Task RunAsync_OneMasterDownWithDurableRecords_DoneWithTheDeleteOwedSinceNow()
    {
        await using var rig = Durable();
        rig.Others[0].IsDown = true;

        var outcome = await RunAsync(rig);

        outcome.Disposition.Should().Be(MessageDisposition.Delete);
        (await rig.Records.GetAsync(Minion, Ct)).Should().BeEquivalentTo(new { OwedDeletes = new[] { "m2" }, OwedSince = rig.Time.GetUtcNow() });
    }

    [Fact]
    public async Task RunAsync_OneMasterDownWithoutDurableRecords_RetryKeepsTheMessage()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Others[0].IsDown = true;

        (await RunAsync(rig)).Disposition.Should().Be(MessageDisposition.RetryLater);
    }

    [Fact]
    public async Task RunAsync_OwedDeleteCannotBeRecorded_RetryKeepsTheMessage()
    {
        var records = new ScriptedRecords(new InMemoryProvisioningRecords(), durable: true) { SaveFailure = _ => new IOException("disk full") };
        await using var rig = Durable(records: records);
        rig.Others[0].IsDown = true;

        (await RunAsync(rig)).Disposition.Should().Be(MessageDisposition.RetryLater);
    }
}
