using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// Leases in the DynamoDB store against dynalite: replicas contending, a dead replica's lease taken over once it ran
/// out, renewals keeping a lease, and a lease lost the moment another holder shows. Each replica has a client of its
/// own; time is fake (a dead replica's clock stands still), the table calls are real.
/// </summary>
public sealed class DynamoDbLeasesTests(DynaliteServer dynalite) : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly List<DynamoDbReplica> replicas = [];
    private string table = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => table = await dynalite.CreateTableAsync("leases");

    public ValueTask DisposeAsync()
    {
        replicas.ForEach(r => r.Dispose());
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TryAcquireAsync_EightReplicasAtOnce_ExactlyOneWinsAndTheOthersGetNull()
    {
        var contenders = Enumerable.Range(1, 8).Select(i => Replica("r" + i)).ToList();

        var leases = await Task.WhenAll(contenders.Select(r => r.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct)));

        leases.Count(l => l is not null).Should().Be(1);
        await leases.Single(l => l is not null)!.DisposeAsync();
    }

    [Fact]
    public async Task ListAsync_AnActionInProgressAndATaskHeldByTwoReplicas_ListsBothWithTheirHolders()
    {
        var (a, b) = (Replica("a"), Replica("b"));
        await a.Records.SaveAsync(new ProvisioningRecord("web-1", "i-00000001", "web", "k", time.GetUtcNow(),
            InProgress: new ActionInProgress(SaltApiBridge.Lifecycle.LifecycleEventKind.Launching, "provision", "k", time.GetUtcNow())), Ct);
        await using var instance = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await using var task = await b.Leases.TryAcquireAsync(LeaseKey.OwedKeyWork, Ct);

        var listed = await Replica("c").Leases.ListAsync(Ct);

        listed.Select(l => (l.Kind, l.Name, l.Holder)).Should().BeEquivalentTo([("instance", "web-1", "a"), ("task", "owed-key-work", "b")]);
        listed.Should().OnlyContain(l => l.Expires == time.GetUtcNow() + Duration);
    }

    [Fact]
    public async Task ListAsync_LeaseRanOut_NotListed()
    {
        await using var task = await Dead("a").Leases.TryAcquireAsync(LeaseKey.Reconcile, Ct);
        time.Advance(Duration + TimeSpan.FromMilliseconds(1));

        (await Replica("b").Leases.ListAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseOfADeadReplicaRanOut_TakesItOver()
    {
        await using var abandoned = await Dead("a").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        time.Advance(Duration + TimeSpan.FromMilliseconds(1));

        await using var taken = await Replica("b").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        abandoned.Should().NotBeNull();
        taken.Should().NotBeNull();
    }

    [Fact]
    public async Task TryAcquireAsync_LeaseOfADeadReplicaNotYetRunOut_ReturnsNull()
    {
        await using var abandoned = await Dead("a").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        time.Advance(Duration - TimeSpan.FromSeconds(1));

        var taken = await Replica("b").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        taken.Should().BeNull();
    }

    [Fact]
    public async Task TryAcquireAsync_ItsOwnReplicaRestarted_TakesItBackAtOnce()
    {
        await using var beforeTheCrash = await Dead("a").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        await using var afterTheRestart = await Replica("a").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        afterTheRestart.Should().NotBeNull();
    }

    [Fact]
    public async Task Lost_RenewedThroughSeveralDurations_NeverCancelledAndNobodyElseTakesIt()
    {
        var a = Replica("a");
        await using var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        for (var i = 0; i < 9; i++)
            await AdvanceThroughRenewalAsync(a, Duration / 3);
        var taken = await Replica("b").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        lease!.Lost.IsCancellationRequested.Should().BeFalse();
        taken.Should().BeNull();
    }

    [Fact]
    public async Task Lost_TakenElsewhereUnderTheSameReplicaName_CancelledAtTheNextRenewal()
    {
        var first = Replica("a");
        await using var lease = await first.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await using var second = await Replica("a").Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        await AdvanceThroughRenewalAsync(first, Duration / 3);

        second.Should().NotBeNull();
        await Eventually.UntilAsync(() => Task.FromResult(lease!.Lost.IsCancellationRequested), TimeSpan.FromSeconds(10), () => "the first holder never learnt it lost the lease");
        time.GetUtcNow().Should().BeBefore(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero) + Duration);
    }

    [Fact]
    public async Task DisposeAsync_MinionWithoutARecord_LeavesNoItemBehind()
    {
        var a = Replica("a");
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        await lease!.DisposeAsync();

        (await ItemAsync(CoordinationTable.MinionKey("web-1"))).Should().BeNull();
    }

    [Fact]
    public async Task DisposeAsync_TaskLease_LeavesNoItemBehind()
    {
        var a = Replica("a");
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.OwedKeyWork, Ct);

        await lease!.DisposeAsync();

        (await ItemAsync(CoordinationTable.TaskPrefix + "owed-key-work")).Should().BeNull();
    }

    [Fact]
    public async Task DisposeAsync_MinionWithARecord_KeepsTheRecordAndDropsTheLeaseAttributes()
    {
        var a = Replica("a");
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await a.Records.SaveAsync(new ProvisioningRecord("web-1", "i-0123456789abcdef0", "web-asg", "key", time.GetUtcNow()), Ct);

        await lease!.DisposeAsync();

        var item = await ItemAsync(CoordinationTable.MinionKey("web-1"));
        item!.Keys.Should().Contain([CoordinationTable.RecordVersion, CoordinationTable.Record])
            .And.NotContain([CoordinationTable.Owner, CoordinationTable.LeaseExpires, CoordinationTable.LeaseVersion]);
    }

    [Fact]
    public async Task TryAcquireAsync_Take_IsOneConditionalWrite()
    {
        var a = Replica("a");

        await using var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);

        a.Usage.Calls.Should().Equal(new Dictionary<string, long> { ["UpdateItem"] = 1 });
    }

    /// <summary>Moves the clock on by <paramref name="step"/> and waits until the renewal it starts has been answered.</summary>
    private async Task AdvanceThroughRenewalAsync(DynamoDbReplica replica, TimeSpan step)
    {
        var before = replica.Usage.Writes;
        time.Advance(step);
        await Eventually.UntilAsync(() => Task.FromResult(replica.Usage.Writes > before), TimeSpan.FromSeconds(10), () => "no renewal was answered");
    }

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(string pk)
    {
        using var client = dynalite.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = CoordinationTable.Key(pk), ConsistentRead = true }, Ct);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private DynamoDbReplica Replica(string name) => Add(new DynamoDbReplica(dynalite, table, name, time, Duration));

    /// <summary>A replica that takes leases and then dies: its clock stands still, so it never renews.</summary>
    private DynamoDbReplica Dead(string name) => Add(new DynamoDbReplica(dynalite, table, name, new FakeTimeProvider(time.GetUtcNow()), Duration));

    private DynamoDbReplica Add(DynamoDbReplica replica)
    {
        replicas.Add(replica);
        return replica;
    }
}
