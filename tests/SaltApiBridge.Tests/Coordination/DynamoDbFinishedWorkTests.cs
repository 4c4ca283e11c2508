using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>Finished work in the DynamoDB store against dynalite: shared between replicas, forgotten after its window.</summary>
public sealed class DynamoDbFinishedWorkTests(DynaliteServer dynalite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, 500, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Start);
    private readonly List<DynamoDbReplica> replicas = [];
    private string table = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => table = await dynalite.CreateTableAsync("finished");

    public ValueTask DisposeAsync()
    {
        replicas.ForEach(r => r.Dispose());
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ContainsAsync_FinishedByAnotherReplica_True()
    {
        await Replica("a").FinishedWork.AddAsync("message:m-1", Ct);

        (await Replica("b").FinishedWork.ContainsAsync("message:m-1", Ct)).Should().BeTrue();
    }

    [Fact]
    public async Task ContainsAsync_FinishedByAnotherReplicaLongerAgoThanTheWindow_FalseThoughTheItemIsStillThere()
    {
        await Replica("a").FinishedWork.AddAsync("action:0a1b", Ct);
        time.Advance(DynamoDbReplica.Window + TimeSpan.FromSeconds(1));

        var known = await Replica("b").FinishedWork.ContainsAsync("action:0a1b", Ct);

        known.Should().BeFalse();
        (await ItemAsync("done#action:0a1b")).Should().NotBeNull("TTL deletes late (and dynalite never): the read itself ignores expired items");
    }

    [Fact]
    public async Task ContainsAsync_KnownToThisReplica_AsksTheTableNothing()
    {
        var a = Replica("a");
        await a.FinishedWork.AddAsync("message:m-1", Ct);
        await Replica("b").FinishedWork.ContainsAsync("message:m-1", Ct);

        await a.FinishedWork.ContainsAsync("message:m-1", Ct);

        a.Usage.Calls.Should().Equal(new Dictionary<string, long> { ["PutItem"] = 1 });
    }

    [Fact]
    public async Task AddAsync_Key_ExpiresAtTheWindowsEndInWholeSecondsRoundedUp()
    {
        await Replica("a").FinishedWork.AddAsync("message:m-1", Ct);

        var item = await ItemAsync("done#message:m-1");

        item![CoordinationTable.ExpiresAt].N.Should().Be((Start + DynamoDbReplica.Window).ToUnixTimeSeconds() + 1 + "");
    }

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(string pk)
    {
        using var client = dynalite.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = CoordinationTable.Key(pk), ConsistentRead = true }, Ct);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private DynamoDbReplica Replica(string name)
    {
        var replica = new DynamoDbReplica(dynalite, table, name, time);
        replicas.Add(replica);
        return replica;
    }
}
