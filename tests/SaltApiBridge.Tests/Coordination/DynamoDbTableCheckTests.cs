using Amazon.DynamoDBv2.Model;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary><c>saltapibridge check</c>'s verification of the coordination table, against dynalite.</summary>
public sealed class DynamoDbTableCheckTests(DynaliteServer dynalite) : IDisposable
{
    private readonly List<DynamoDbReplica> replicas = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => replicas.ForEach(r => r.Dispose());

    [Fact]
    public async Task RunAsync_TableMadeByCreateTable_EveryCheckPassesAndTheProbeIsGone()
    {
        var table = await dynalite.CreateTableAsync("check");
        var replica = Replica(table);

        var results = await CheckAsync(replica);

        results.Select(r => (r.Name, r.Ok)).Should().Equal(
            (DynamoDbTableCheck.TableCheck, true), (DynamoDbTableCheck.TimeToLiveCheck, true), (DynamoDbTableCheck.RoundTripCheck, true));
        results[1].Detail.Should().Contain("has no TTL API");
        replica.Usage.Calls.Should().ContainKeys("PutItem", "GetItem", "Query", "DeleteItem");
        (await ItemAsync(table, CoordinationTable.TaskPrefix + "check-checker")).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_NoTable_FailsWithTheCreateTableFix()
    {
        var results = await CheckAsync(Replica("missing-" + Guid.NewGuid().ToString("N")));

        results.Should().ContainSingle().Which.Should().Match<CheckResult>(r =>
            !r.Ok && r.Detail.Contains("does not exist") && r.Fix!.Contains("saltapibridge create-table"));
    }

    [Fact]
    public async Task RunAsync_TableOfAnotherSchema_FailsSayingWhatDiffers()
    {
        var table = "other-" + Guid.NewGuid().ToString("N");
        using (var client = dynalite.CreateClient())
        {
            var definition = CoordinationTable.Definition(table);
            definition.GlobalSecondaryIndexes.RemoveAll(i => i.IndexName == CoordinationTable.OwedIndex);
            definition.AttributeDefinitions.RemoveAll(a => a.AttributeName == CoordinationTable.Owed);
            await client.CreateTableAsync(definition, Ct);
        }

        var result = (await CheckAsync(Replica(table))).Should().ContainSingle().Subject;

        result.Ok.Should().BeFalse();
        result.Detail.Should().Contain("it has no index Owed (owed (S, partition))");
    }

    [Fact]
    public async Task RunAsync_ProbeLeftByACheckThatDied_TakesItAgainAndPasses()
    {
        var table = await dynalite.CreateTableAsync("check");
        var replica = Replica(table);
        using (var client = dynalite.CreateClient())
        {
            await client.PutItemAsync(table, new Dictionary<string, AttributeValue>
            {
                [CoordinationTable.PartitionKey] = new() { S = CoordinationTable.TaskPrefix + "check-checker" },
                [CoordinationTable.Owner] = new() { S = "checker" },
            }, Ct);
        }

        var results = await CheckAsync(replica);

        results.Should().OnlyContain(r => r.Ok, string.Join("\n", results));
    }

    private static Task<IReadOnlyList<CheckResult>> CheckAsync(DynamoDbReplica replica) =>
        new DynamoDbTableCheck(replica.Calls, new TableSetup(replica.Calls, TimeProvider.System), replica.Options, TimeProvider.System).RunAsync(Ct);

    private async Task<Dictionary<string, AttributeValue>?> ItemAsync(string table, string pk)
    {
        using var client = dynalite.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = CoordinationTable.Key(pk), ConsistentRead = true }, Ct);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private DynamoDbReplica Replica(string table)
    {
        var replica = new DynamoDbReplica(dynalite, table, "checker", TimeProvider.System);
        replicas.Add(replica);
        return replica;
    }
}
