using Amazon.DynamoDBv2.Model;
using SaltApiBridge.Hosting;
using static SaltApiBridge.Coordination.DynamoDb.CoordinationTable;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// <c>saltapibridge check</c> with <c>Coordination:Store</c> DynamoDb: the table exists, ACTIVE, with the documented
/// key and indexes and TTL on <c>expiresAt</c>, and every call the daemon makes is allowed: a conditional write, a
/// strongly consistent read, an index query and a conditional delete of a probe item of this replica's own
/// (<c>task#check-&lt;replica&gt;</c>, which no lease uses). A refusal names the IAM statement to add.
/// </summary>
public sealed class DynamoDbTableCheck(DynamoDbCaller calls, TableSetup setup, CoordinationOptions options, TimeProvider timeProvider)
{
    public const string TableCheck = "coordination table";
    public const string TimeToLiveCheck = "coordination table TTL";
    public const string RoundTripCheck = "coordination table calls";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        if (!table.Ok)
            return [table];
        return [table, await TimeToLiveAsync(cancellationToken), await RoundTripAsync(cancellationToken)];
    }

    private async Task<CheckResult> TableAsync(CancellationToken cancellationToken)
    {
        try
        {
            var table = await setup.DescribeAsync(cancellationToken);
            if (table is null)
                return new(TableCheck, false, DynamoDbFailures.TableMissing(calls.TableName, calls.Endpoint), "saltapibridge create-table --config FILE (docs/salt-setup.md, \"The coordination table\")");
            if (CoordinationTable.Differences(table) is { Count: > 0 } differences)
            {
                return new(TableCheck, false, $"table {calls.TableName} is not the coordination table: {string.Join("; ", differences)}",
                    "point Coordination:TableName at a table saltapibridge create-table made (a new name creates a new one)");
            }

            if (table.TableStatus != Amazon.DynamoDBv2.TableStatus.ACTIVE)
                return new(TableCheck, false, $"table {calls.TableName} is {table.TableStatus}, not ACTIVE", "wait until it is ACTIVE (saltapibridge create-table waits for it)");
            return new(TableCheck, true, $"{calls.TableName} at {calls.Endpoint}: key pk, indexes {InProgressIndex} and {OwedIndex}, ACTIVE");
        }
        catch (CoordinationStoreException e)
        {
            return Failed(TableCheck, "DescribeTable", e);
        }
    }

    private async Task<CheckResult> TimeToLiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await setup.HasTimeToLiveAsync(cancellationToken) switch
            {
                true => new(TimeToLiveCheck, true, $"on, attribute {ExpiresAt}: DynamoDB deletes finished work after its window"),
                null => new(TimeToLiveCheck, true, $"{calls.Endpoint} has no TTL API (an emulator): finished work is ignored after its window, but never deleted"),
                false => new(TimeToLiveCheck, false, $"TTL is not on for {ExpiresAt}: finished work would stay in the table for ever",
                    $"aws dynamodb update-time-to-live --table-name {calls.TableName} --time-to-live-specification Enabled=true,AttributeName={ExpiresAt} (or saltapibridge create-table --config FILE)"),
            };
        }
        catch (CoordinationStoreException e)
        {
            return Failed(TimeToLiveCheck, "DescribeTimeToLive", e);
        }
    }

    private async Task<CheckResult> RoundTripAsync(CancellationToken cancellationToken)
    {
        var replica = options.EffectiveReplicaName;
        var pk = TaskPrefix + "check-" + replica;
        var me = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":me"] = Text(replica) };
        var step = "PutItem";
        try
        {
            // A probe left by a check that died half-way is this replica's own: taken again.
            await calls.PutItemAsync(new PutItemRequest
            {
                Item = new(StringComparer.Ordinal)
                {
                    [PartitionKey] = Text(pk),
                    [Owner] = Text(replica),
                    // Should the delete below never happen, TTL takes it away.
                    [ExpiresAt] = Number((timeProvider.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds()),
                },
                ConditionExpression = "attribute_not_exists(#pk) OR #owner = :me",
                ExpressionAttributeNames = Names(PartitionKey, Owner),
                ExpressionAttributeValues = me,
            }, cancellationToken);
            step = "GetItem";
            var read = await calls.GetItemAsync(new GetItemRequest { Key = Key(pk), ConsistentRead = true }, cancellationToken);
            if (read.Item?.GetValueOrDefault(Owner)?.S != replica)
                return new(RoundTripCheck, false, $"the probe item {pk} written to {calls.TableName} did not read back", "is Coordination:ServiceUrl a DynamoDB endpoint?");
            step = "Query";
            await calls.QueryAsync(new QueryRequest
            {
                IndexName = InProgressIndex,
                KeyConditionExpression = "#inProgress = :marker",
                ExpressionAttributeNames = Names(InProgress),
                ExpressionAttributeValues = new(StringComparer.Ordinal) { [":marker"] = Text(Marker) },
                Limit = 1,
            }, cancellationToken);
            step = "DeleteItem";
            await calls.DeleteItemAsync(new DeleteItemRequest
            {
                Key = Key(pk),
                ConditionExpression = "#owner = :me",
                ExpressionAttributeNames = Names(Owner),
                ExpressionAttributeValues = me,
            }, cancellationToken);
            return new(RoundTripCheck, true, $"conditional write, consistent read, index query and conditional delete of {pk} allowed");
        }
        catch (ConditionalCheckFailedException)
        {
            return new(RoundTripCheck, false, $"the probe item {pk} belongs to another writer", "give this replica a Coordination:ReplicaName of its own");
        }
        catch (CoordinationStoreException e)
        {
            return Failed(RoundTripCheck, step, e);
        }
    }

    /// <summary>A refusal of <paramref name="operation"/> with the fix it needs: the IAM statement, the table, or the network path.</summary>
    private CheckResult Failed(string name, string operation, CoordinationStoreException e)
    {
        var fix = e.InnerException switch
        {
            Amazon.Runtime.AmazonServiceException { ErrorCode: "AccessDeniedException" or "AccessDenied" } denied =>
                "add to the bridge's IAM role: " + DynamoDbFailures.PolicyLine(operation, DynamoDbFailures.TableArn(denied.Message, calls.TableName)) + " (docs/salt-setup.md, \"The coordination table\")",
            ResourceNotFoundException => "saltapibridge create-table --config FILE",
            _ when e.IsTransient => "check the network path to DynamoDB (Coordination:Region, Coordination:ServiceUrl, a VPC endpoint or proxy)",
            _ => "see the error; docs/salt-setup.md, \"The coordination table\"",
        };
        return new(name, false, e.Message, fix);
    }
}
