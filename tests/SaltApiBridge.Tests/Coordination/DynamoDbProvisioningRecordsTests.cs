using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// Records in the DynamoDB store against dynalite, beyond the shared contract: which actions in progress count as
/// unattended (a dead holder's; not a lease given back, not a live renewer's), what finding them and the owed work
/// costs (one query of a sparse index, not the fleet), and a record removed under a held lease.
/// </summary>
public sealed class DynamoDbProvisioningRecordsTests(DynaliteServer dynalite) : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Start);
    private readonly List<DynamoDbReplica> replicas = [];
    private string table = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => table = await dynalite.CreateTableAsync("records");

    public ValueTask DisposeAsync()
    {
        replicas.ForEach(r => r.Dispose());
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ListUnattendedAsync_ActionWhoseLeaseWasGivenBack_NotReturned()
    {
        var a = Replica("a", time);
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await a.Records.SaveAsync(InProgress("web-1"), Ct);
        // The work ended with its message going back to the queue: the message resumes it, not a takeover.
        await lease!.DisposeAsync();
        time.Advance(Duration * 2);

        (await Replica("b", time).Records.ListUnattendedAsync(10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ListUnattendedAsync_ActionOfALiveRenewer_NotReturned()
    {
        var clock = new TimerWatchingTime(Start);
        var a = Replica("a", clock);
        await using var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        lease.Should().NotBeNull();
        await a.Records.SaveAsync(InProgress("web-1"), Ct);
        var renewEvery = Duration / 3;

        // Two lease durations of renewals. The renewer sets its next timer once the last renewal was answered, so
        // time moves on only then: never while a renewal is on its way to the table.
        for (var renewals = 0; renewals < 6; renewals++)
        {
            var set = renewals;
            await Eventually.UntilAsync(() => Task.FromResult(clock.TimersDue(renewEvery) > set), TimeSpan.FromSeconds(10), () => $"renewal {set} was never answered");
            clock.Advance(renewEvery);
        }

        await Eventually.UntilAsync(() => Task.FromResult(clock.TimersDue(renewEvery) > 6), TimeSpan.FromSeconds(10), () => "the last renewal was never answered");
        (await Replica("b", clock).Records.ListUnattendedAsync(10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ListUnattendedAsync_LargeFleetAtRest_OneQueryReadingAtMostTheLimit()
    {
        var dead = Replica("dead", new FakeTimeProvider(Start));
        for (var i = 0; i < 150; i++)
            await dead.Records.SaveAsync(Record($"rest-{i}") with { ProvisionedAt = Start, HighstateJid = "20261206120000000000_0123456789abcdef" }, Ct);
        for (var i = 0; i < 20; i++)
        {
            _ = await dead.Leases.TryAcquireAsync(LeaseKey.Instance($"dead-{i}"), Ct);
            await dead.Records.SaveAsync(InProgress($"dead-{i}"), Ct);
        }

        time.Advance(Duration * 2);
        var survivor = Replica("survivor", time);

        var unattended = await survivor.Records.ListUnattendedAsync(5, Ct);

        unattended.Should().HaveCount(5).And.OnlyContain(r => r.MinionId.StartsWith("dead-", StringComparison.Ordinal));
        survivor.Usage.Calls.Should().Equal(new Dictionary<string, long> { ["Query"] = 1 });
        var indexUnits = survivor.Usage.ReadUnits;
        indexUnits.Should().BeLessThanOrEqualTo(0.5, "five small items are half of one eventually consistent read unit");
        await survivor.Records.ListAsync(Ct);
        (survivor.Usage.ReadUnits - indexUnits).Should().BeGreaterThanOrEqualTo(10 * indexUnits, "reading the whole fleet costs what the index query avoids");
    }

    [Fact]
    public async Task ListOwedAsync_LargeFleet_ReadsOnlyTheOwedRecords()
    {
        var a = Replica("a", time);
        for (var i = 0; i < 100; i++)
            await a.Records.SaveAsync(Record($"rest-{i}"), Ct);
        await a.Records.SaveAsync(Record("owed-1") with { OwedDeletes = ["master2"], OwedSince = Start }, Ct);
        var b = Replica("b", time);

        var owed = await b.Records.ListOwedAsync(Ct);

        owed.Select(r => r.MinionId).Should().Equal("owed-1");
        b.Usage.Calls.Should().Equal(new Dictionary<string, long> { ["Query"] = 1 });
        b.Usage.ReadUnits.Should().BeLessThanOrEqualTo(0.5);
    }

    [Fact]
    public async Task SaveAsync_ConflictReDecidedFromTheFreshRecord_KeepsBothWriters()
    {
        var a = Replica("a", time);
        var b = Replica("b", time);
        var read = await a.Records.SaveAsync(Record("web-1"), Ct);
        await b.Records.SaveAsync(read with { HighstateJid = "20261206120000000000_0123456789abcdef" }, Ct);

        var conflict = () => a.Records.SaveAsync(read with { OwedAccepts = ["master2"] }, Ct);
        await conflict.Should().ThrowAsync<RecordConflictException>();
        var fresh = await a.Records.GetAsync("web-1", Ct);
        var saved = await a.Records.SaveAsync(fresh! with { OwedAccepts = ["master2"] }, Ct);

        saved.Version.Should().Be(3);
        (await b.Records.GetAsync("web-1", Ct)).Should().BeEquivalentTo(saved);
        saved.HighstateJid.Should().Be("20261206120000000000_0123456789abcdef");
    }

    [Fact]
    public async Task RemoveAsync_WhileTheInstanceLeaseIsHeld_KeepsTheLease()
    {
        var a = Replica("a", time);
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await a.Records.SaveAsync(Record("web-1"), Ct);

        await a.Records.RemoveAsync("web-1", Ct);
        var taken = await Replica("b", time).Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await lease!.DisposeAsync();

        taken.Should().BeNull();
        (await a.Records.GetAsync("web-1", Ct)).Should().BeNull();
        (await ItemAsync(CoordinationTable.MinionKey("web-1"))).Should().BeNull("the lease given back last takes the empty item with it");
    }

    [Fact]
    public async Task SaveAsync_ActionCompleted_LeavesTheInProgressIndex()
    {
        var a = Replica("a", new FakeTimeProvider(Start));
        _ = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        var saved = await a.Records.SaveAsync(InProgress("web-1"), Ct);
        await a.Records.SaveAsync(saved with { InProgress = null, ProvisionedAt = Start }, Ct);
        time.Advance(Duration * 2);

        (await Replica("b", time).Records.ListUnattendedAsync(10, Ct)).Should().BeEmpty();
    }

    private static ProvisioningRecord Record(string minionId) => new(minionId, "i-0123456789abcdef0", "web-asg", "action-key", Start);

    private static ProvisioningRecord InProgress(string minionId) =>
        Record(minionId) with { InProgress = new ActionInProgress(LifecycleEventKind.Launching, "provision", "action-key", Start, Replica: "a") };

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(string pk)
    {
        using var client = dynalite.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = CoordinationTable.Key(pk), ConsistentRead = true }, Ct);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private DynamoDbReplica Replica(string name, TimeProvider clock)
    {
        var replica = new DynamoDbReplica(dynalite, table, name, clock, Duration);
        replicas.Add(replica);
        return replica;
    }
}
