using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// The DynamoDB store against dynalite: a table of its own per test, each replica with its own client. A dead replica
/// is one whose clock stands still (it never renews) while the survivors' clock moves past its lease.
/// </summary>
public sealed class DynamoDbStoreContractTests(DynaliteServer dynalite) : CoordinationStoreContract
{
    private readonly List<DynamoDbReplica> replicas = [];
    private string table = "";

    protected override async Task SetUpAsync() => table = await dynalite.CreateTableAsync("contract");

    protected override Task TearDownAsync()
    {
        replicas.ForEach(r => r.Dispose());
        return Task.CompletedTask;
    }

    protected override Task<StoreReplica> ReplicaAsync(string name)
    {
        var replica = Add(name, Time);
        return Task.FromResult(new StoreReplica(replica.Leases, replica.Records, replica.FinishedWork));
    }

    protected override async Task AbandonAsync(ProvisioningRecord record)
    {
        var dead = Add("dead", new FakeTimeProvider(Time.GetUtcNow()));
        var lease = await dead.Leases.TryAcquireAsync(LeaseKey.Instance(record.MinionId), Ct);
        await dead.Records.SaveAsync(record, Ct);
        lease.Should().NotBeNull();
        Time.Advance(dead.Options.LeaseDuration + TimeSpan.FromSeconds(1));
    }

    private DynamoDbReplica Add(string name, TimeProvider time)
    {
        var replica = new DynamoDbReplica(dynalite, table, name, time);
        replicas.Add(replica);
        return replica;
    }
}
