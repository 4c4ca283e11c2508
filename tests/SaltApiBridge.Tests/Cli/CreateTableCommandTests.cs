using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Cli;

/// <summary><c>saltapibridge create-table</c> against dynalite: creates, is idempotent, and never touches a table of another shape.</summary>
public sealed class CreateTableCommandTests(DynaliteServer dynalite) : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"saltapibridge-create-table-{Guid.NewGuid():N}.json");
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        File.Delete(file);
        output.Dispose();
        error.Dispose();
    }

    [Fact]
    public async Task CreateTable_NoTable_CreatesTheDocumentedSchemaActiveAndSaysTheEmulatorHasNoTtlExit0()
    {
        var table = "create-" + Guid.NewGuid().ToString("N");

        var code = await RunAsync(table);

        code.Should().Be(0, error.ToString());
        output.ToString().Should().Contain($"created table {table}").And.Contain("ACTIVE")
            .And.Contain("has no TTL API", "dynalite 4.0.0 has DescribeTimeToLive (always DISABLED) but no UpdateTimeToLive: detected, not assumed");
        var description = await DescribeAsync(table);
        description.TableStatus.Should().Be(TableStatus.ACTIVE);
        CoordinationTable.Differences(description).Should().BeEmpty();
        description.BillingModeSummary?.BillingMode.Should().Be(BillingMode.PAY_PER_REQUEST);
    }

    [Fact]
    public async Task CreateTable_TableAlreadyThere_LeavesItAndExits0()
    {
        var table = "create-" + Guid.NewGuid().ToString("N");
        await RunAsync(table);
        output.GetStringBuilder().Clear();

        var code = await RunAsync(table);

        code.Should().Be(0, error.ToString());
        output.ToString().Should().Contain($"table {table}").And.Contain("already has the documented schema");
    }

    [Fact]
    public async Task CreateTable_TableOfAnotherSchema_OneErrorLineSayingWhatDiffersExit2()
    {
        var table = "other-" + Guid.NewGuid().ToString("N");
        using (var client = dynalite.CreateClient())
        {
            await client.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
                KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            }, Ct);
        }

        var code = await RunAsync(table);

        code.Should().Be(2);
        error.ToString().Trim().Split('\n').Should().ContainSingle().Which.Should()
            .StartWith($"error: table {table} exists with another schema")
            .And.Contain("its key is id (S, partition), not pk (S, partition)")
            .And.Contain("it has no index InProgress");
        (await DescribeAsync(table)).GlobalSecondaryIndexes.Should().BeNullOrEmpty("create-table never changes a table");
    }

    [Fact]
    public async Task CreateTable_NoTableName_ConfigurationErrorExit2()
    {
        var code = await RunAsync(null);

        code.Should().Be(2);
        error.ToString().Should().Contain("Coordination:TableName is required");
    }

    [Fact]
    public async Task CreateTable_StoreUnreachable_OneErrorLineExit3()
    {
        var closed = new CoordinationOptions { Region = DynaliteServer.Region, ServiceUrl = "http://127.0.0.1:9" };

        var code = await RunAsync("create-" + Guid.NewGuid().ToString("N"),
            DynamoDbClientFactory.Create(closed, new BasicAWSCredentials("AKIDEXAMPLE", "secret")));

        code.Should().Be(3);
        error.ToString().Should().StartWith("error: DynamoDB").And.NotContain("   at ");
    }

    private async Task<int> RunAsync(string? table, IAmazonDynamoDB? client = null)
    {
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            Coordination = new { Store = "DynamoDb", TableName = table, Region = DynaliteServer.Region, ServiceUrl = dynalite.Endpoint },
        }), Ct);
        return await BridgeCli.RunAsync(["create-table", "--config", file], output, error,
            services => services.Replace(ServiceDescriptor.Singleton(client ?? dynalite.CreateClient())));
    }

    private async Task<TableDescription> DescribeAsync(string table)
    {
        using var client = dynalite.CreateClient();
        return (await client.DescribeTableAsync(table, Ct)).Table;
    }
}
