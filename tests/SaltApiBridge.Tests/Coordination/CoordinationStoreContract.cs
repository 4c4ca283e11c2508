using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// The rules every coordination store keeps, whatever holds it (a directory on one host, a DynamoDB table): run against
/// each implementation by a sealed class of its own. Replicas are two views of one store, as two daemons see it.
/// </summary>
public abstract class CoordinationStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(Start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await SetUpAsync();

    public async ValueTask DisposeAsync()
    {
        await TearDownAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The store's own setup before each test (a table, a directory).</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    protected virtual Task TearDownAsync() => Task.CompletedTask;

    /// <summary>A replica named <paramref name="name"/> of this test's store (the same name: the same replica restarted).</summary>
    protected abstract Task<StoreReplica> ReplicaAsync(string name);

    /// <summary>
    /// A replica saves <paramref name="record"/> with an action in progress under the minion's lease, then dies without
    /// giving the lease back; afterwards that lease is no obstacle to the survivors.
    /// </summary>
    protected abstract Task AbandonAsync(ProvisioningRecord record);

    protected static ProvisioningRecord NewRecord(string minionId, bool inProgress = false, IReadOnlyList<string>? owedAccepts = null) =>
        new(minionId, "i-0123456789abcdef0", "web-asg", "action-key", Start)
        {
            InProgress = inProgress ? new ActionInProgress(LifecycleEventKind.Launching, "provision", "action-key", Start, Replica: "a") : null,
            OwedAccepts = owedAccepts,
        };

    [Fact]
    public async Task TryAcquireAsync_FreeLease_ReturnsIt()
    {
        var a = await ReplicaAsync("a");

        await using var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        lease.Should().NotBeNull();
        lease!.Key.Should().Be(LeaseKey.Instance("web-1"));
        lease.Lost.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public async Task TryAcquireAsync_HeldByAnotherReplica_ReturnsNull()
    {
        var a = await ReplicaAsync("a");
        var b = await ReplicaAsync("b");
        await using var held = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        var taken = await b.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        held.Should().NotBeNull();
        taken.Should().BeNull();
    }

    [Fact]
    public async Task TryAcquireAsync_HeldWithinThisReplica_ReturnsNull()
    {
        var a = await ReplicaAsync("a");
        await using var held = await a.Leases.TryAcquireAsync(LeaseKey.Task("owed-key-work"), Ct);

        var again = await a.Leases.TryAcquireAsync(LeaseKey.Task("owed-key-work"), Ct);

        held.Should().NotBeNull();
        again.Should().BeNull();
    }

    [Fact]
    public async Task TryAcquireAsync_GivenBackByAnotherReplica_ReturnsIt()
    {
        var a = await ReplicaAsync("a");
        var b = await ReplicaAsync("b");
        var held = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await held!.DisposeAsync();

        await using var taken = await b.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        taken.Should().NotBeNull();
    }

    [Fact]
    public async Task TryAcquireAsync_InstanceAndTaskOfOneName_AreTwoLeases()
    {
        var a = await ReplicaAsync("a");
        var b = await ReplicaAsync("b");
        await using var instance = await a.Leases.TryAcquireAsync(LeaseKey.Instance("reconcile"), Ct);

        await using var task = await b.Leases.TryAcquireAsync(LeaseKey.Reconcile, Ct);

        instance.Should().NotBeNull();
        task.Should().NotBeNull();
    }

    [Fact]
    public async Task GetAsync_NeverSaved_ReturnsNull()
    {
        var a = await ReplicaAsync("a");

        (await a.Records.GetAsync("web-1", Ct)).Should().BeNull();
    }

    [Fact]
    public async Task SaveAsync_NewRecord_StoresItAtVersion1()
    {
        var a = await ReplicaAsync("a");
        var record = NewRecord("web-1", inProgress: true) with { HighstateJid = "20261206120000000000_0123456789abcdef" };

        var saved = await a.Records.SaveAsync(record, Ct);

        saved.Should().Be(record with { Version = 1 });
        (await a.Records.GetAsync("web-1", Ct)).Should().BeEquivalentTo(saved);
    }

    [Fact]
    public async Task SaveAsync_AtTheVersionRead_ReplacesItAndBumpsTheVersion()
    {
        var a = await ReplicaAsync("a");
        var first = await a.Records.SaveAsync(NewRecord("web-1"), Ct);

        var second = await a.Records.SaveAsync(first with { ProvisionedAt = Start.AddMinutes(3) }, Ct);

        second.Version.Should().Be(2);
        (await a.Records.GetAsync("web-1", Ct))!.ProvisionedAt.Should().Be(Start.AddMinutes(3));
    }

    [Fact]
    public async Task SaveAsync_AnotherReplicaWroteSinceTheRead_ThrowsConflictAndKeepsTheStoredRecord()
    {
        var a = await ReplicaAsync("a");
        var b = await ReplicaAsync("b");
        var read = await a.Records.SaveAsync(NewRecord("web-1"), Ct);
        var winner = await b.Records.SaveAsync(read with { HighstateJid = "20261206120000000000_aaaaaaaaaaaaaaaa" }, Ct);

        var lost = () => a.Records.SaveAsync(read with { HighstateJid = "20261206120000000000_bbbbbbbbbbbbbbbb" }, Ct);

        (await lost.Should().ThrowAsync<RecordConflictException>()).Which.ExpectedVersion.Should().Be(1);
        (await a.Records.GetAsync("web-1", Ct)).Should().BeEquivalentTo(winner);
    }

    [Fact]
    public async Task SaveAsync_NewRecordWhereOneIsStored_ThrowsConflict()
    {
        var a = await ReplicaAsync("a");
        var b = await ReplicaAsync("b");
        await a.Records.SaveAsync(NewRecord("web-1"), Ct);

        var second = () => b.Records.SaveAsync(NewRecord("web-1"), Ct);

        await second.Should().ThrowAsync<RecordConflictException>();
    }

    [Fact]
    public async Task RemoveAsync_NeverSaved_Succeeds()
    {
        var a = await ReplicaAsync("a");

        var remove = () => a.Records.RemoveAsync("web-1", Ct);

        await remove.Should().NotThrowAsync();
    }

    [Fact]
    public async Task RemoveAsync_Saved_IsForgottenAndCanBeSavedAnew()
    {
        var a = await ReplicaAsync("a");
        await a.Records.SaveAsync(NewRecord("web-1"), Ct);

        await a.Records.RemoveAsync("web-1", Ct);

        (await a.Records.GetAsync("web-1", Ct)).Should().BeNull();
        (await a.Records.SaveAsync(NewRecord("web-1"), Ct)).Version.Should().Be(1);
    }

    [Fact]
    public async Task ListAsync_SeveralRecords_ReturnsEachOnce()
    {
        var a = await ReplicaAsync("a");
        foreach (var minion in new[] { "web-1", "web-2", "web-3" })
            await a.Records.SaveAsync(NewRecord(minion), Ct);

        (await a.Records.ListAsync(Ct)).Select(r => r.MinionId).Should().BeEquivalentTo(["web-1", "web-2", "web-3"]);
    }

    [Fact]
    public async Task ListOwedAsync_SomeWithKeyWorkOwed_ReturnsOnlyThose()
    {
        var a = await ReplicaAsync("a");
        await a.Records.SaveAsync(NewRecord("web-1", owedAccepts: ["master2"]), Ct);
        await a.Records.SaveAsync(NewRecord("web-2"), Ct);
        var settled = await a.Records.SaveAsync(NewRecord("web-3", owedAccepts: ["master2"]), Ct);
        await a.Records.SaveAsync(settled with { OwedAccepts = null }, Ct);

        (await a.Records.ListOwedAsync(Ct)).Select(r => r.MinionId).Should().Equal("web-1");
    }

    [Fact]
    public async Task ListUnattendedAsync_ActionOfAHolderThatDied_ReturnsItsRecord()
    {
        var a = await ReplicaAsync("a");
        var record = NewRecord("web-1", inProgress: true);
        await AbandonAsync(record);

        var unattended = await a.Records.ListUnattendedAsync(10, Ct);

        unattended.Should().ContainSingle().Which.Should().BeEquivalentTo(record with { Version = 1 });
    }

    [Fact]
    public async Task ListUnattendedAsync_RecordWithoutAnActionInProgress_NeverReturnsIt()
    {
        var a = await ReplicaAsync("a");
        await a.Records.SaveAsync(NewRecord("web-1"), Ct);

        (await a.Records.ListUnattendedAsync(10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ListUnattendedAsync_MoreThanTheLimit_ReturnsAtMostTheLimit()
    {
        var a = await ReplicaAsync("a");
        foreach (var minion in new[] { "web-1", "web-2", "web-3" })
            await AbandonAsync(NewRecord(minion, inProgress: true));

        (await a.Records.ListUnattendedAsync(2, Ct)).Should().HaveCount(2);
    }

    [Fact]
    public async Task ContainsAsync_NeverAdded_False()
    {
        var a = await ReplicaAsync("a");

        (await a.FinishedWork.ContainsAsync("message:m-1", Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task ContainsAsync_AddedWithinTheWindow_True()
    {
        var a = await ReplicaAsync("a");
        await a.FinishedWork.AddAsync("action:0a1b", Ct);
        Time.Advance(TimeSpan.FromMinutes(29));

        (await a.FinishedWork.ContainsAsync("action:0a1b", Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task ContainsAsync_AddedLongerAgoThanTheWindow_False()
    {
        var a = await ReplicaAsync("a");
        await a.FinishedWork.AddAsync("action:0a1b", Ct);
        Time.Advance(TimeSpan.FromMinutes(31));

        (await a.FinishedWork.ContainsAsync("action:0a1b", Ct)).Should().BeFalse();
    }
}
