using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static SaltApiBridge.Coordination.DynamoDb.CoordinationTable;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// Provisioning records on the minions' items of the coordination table, beside their instance leases: the record as
/// JSON, its <c>version</c> (each write conditional on the version read, then one more), and the sparse markers that
/// put it in the <c>InProgress</c> and <c>Owed</c> indexes. Reads are strongly consistent (the index queries cannot
/// be). Calls: get 1 read; save 1 write; remove 1 write (2 when no lease is on the item: it is deleted); unattended
/// actions 1 query of at most <c>limit</c> items; owed work 1 query per page of the owed records; list a scan of the table.
/// </summary>
public sealed class DynamoDbProvisioningRecords(DynamoDbCaller calls, TimeProvider timeProvider) : IProvisioningRecords
{
    public bool IsDurable => true;

    public async Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken)
    {
        var response = await calls.GetItemAsync(new GetItemRequest
        {
            Key = Key(MinionKey(minionId)),
            ConsistentRead = true,
            ProjectionExpression = "#version, #record",
            ExpressionAttributeNames = Names(RecordVersion, Record),
        }, cancellationToken);
        if (response.Item is not { } item || !item.ContainsKey(RecordVersion))
            return null;
        return RecordOf(item) ?? throw new CoordinationStoreException(
            $"the provisioning record of {minionId} in table {calls.TableName} is not a record this version can read", isTransient: false);
    }

    public async Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var saved = record with { Version = record.Version + 1 };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":new"] = Number(saved.Version),
            [":record"] = Text(JsonSerializer.Serialize(saved, ProvisioningRecordJsonContext.Default.ProvisioningRecord)),
        };
        var set = new List<string> { "#version = :new", "#record = :record" };
        var remove = new List<string>();
        // The markers exist only while true: an item without them is not in the index at all.
        foreach (var (marker, present) in new[] { (InProgress, saved.InProgress is not null), (Owed, saved.HasOwedWork) })
        {
            if (present)
                set.Add($"#{marker} = :marker");
            else
                remove.Add("#" + marker);
        }

        if (remove.Count < 2)
            values[":marker"] = Text(Marker);
        if (record.Version > 0)
            values[":expected"] = Number(record.Version);
        try
        {
            await calls.UpdateItemAsync(new UpdateItemRequest
            {
                Key = Key(MinionKey(record.MinionId)),
                UpdateExpression = "SET " + string.Join(", ", set) + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : ""),
                ConditionExpression = record.Version == 0 ? "attribute_not_exists(#version)" : "#version = :expected",
                ExpressionAttributeNames = Names(RecordVersion, Record, InProgress, Owed),
                ExpressionAttributeValues = values,
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new RecordConflictException(record.MinionId, record.Version);
        }

        return saved;
    }

    /// <summary>Removes the record's attributes; the item goes too unless a lease is on it (its holder gives it back later).</summary>
    public async Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        var pk = MinionKey(minionId);
        try
        {
            var response = await calls.UpdateItemAsync(new UpdateItemRequest
            {
                Key = Key(pk),
                UpdateExpression = "REMOVE #version, #record, #inProgress, #owed",
                ConditionExpression = "attribute_exists(#pk)",
                ExpressionAttributeNames = Names(PartitionKey, RecordVersion, Record, InProgress, Owed),
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            await EmptyItems.DeleteIfEmptyAsync(calls, pk, response.Attributes, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // No item: nothing to forget.
        }
    }

    /// <summary>Every record: a scan of the table (reconcile's, at its interval; never on the message path).</summary>
    public Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken) =>
        AllPagesAsync(async start =>
        {
            var response = await calls.ScanAsync(new ScanRequest
            {
                ConsistentRead = true,
                FilterExpression = "begins_with(#pk, :prefix) AND attribute_exists(#version)",
                ProjectionExpression = "#pk, #version, #record",
                ExpressionAttributeNames = Names(PartitionKey, RecordVersion, Record),
                ExpressionAttributeValues = new(StringComparer.Ordinal) { [":prefix"] = Text(MinionPrefix) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            return (response.Items, response.LastEvaluatedKey);
        });

    /// <summary>
    /// Actions in progress whose lease ran out without being given back, oldest expiry first: one query of the sparse
    /// InProgress index, reading at most <paramref name="limit"/> items however large the fleet.
    /// </summary>
    public async Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
            return [];
        var response = await calls.QueryAsync(new QueryRequest
        {
            IndexName = InProgressIndex,
            KeyConditionExpression = "#inProgress = :marker AND #leaseExpires < :now",
            ExpressionAttributeNames = Names(InProgress, LeaseExpires),
            ExpressionAttributeValues = new(StringComparer.Ordinal)
            {
                [":marker"] = Text(Marker),
                [":now"] = Number(timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            },
            Limit = limit,
        }, cancellationToken);
        return [.. Readable(response.Items)];
    }

    /// <summary>Records with key work owed: the sparse Owed index, which holds them and nothing else.</summary>
    public Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken) =>
        AllPagesAsync(async start =>
        {
            var response = await calls.QueryAsync(new QueryRequest
            {
                IndexName = OwedIndex,
                KeyConditionExpression = "#owed = :marker",
                ExpressionAttributeNames = Names(Owed),
                ExpressionAttributeValues = new(StringComparer.Ordinal) { [":marker"] = Text(Marker) },
                ExclusiveStartKey = start,
            }, cancellationToken);
            return (response.Items, response.LastEvaluatedKey);
        });

    /// <summary>The records of every page <paramref name="page"/> returns, each asked from where the last one stopped.</summary>
    private static async Task<IReadOnlyList<ProvisioningRecord>> AllPagesAsync(
        Func<Dictionary<string, AttributeValue>?, Task<(List<Dictionary<string, AttributeValue>>? Items, Dictionary<string, AttributeValue>? Next)>> page)
    {
        var records = new List<ProvisioningRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var (items, next) = await page(start);
            records.AddRange(Readable(items));
            start = next is { Count: > 0 } ? next : null;
        }
        while (start is not null);
        return records;
    }

    /// <summary>The records of <paramref name="items"/>; one this version cannot read is left out (it cannot act on it).</summary>
    private static IEnumerable<ProvisioningRecord> Readable(List<Dictionary<string, AttributeValue>>? items) =>
        (items ?? []).Select(RecordOf).OfType<ProvisioningRecord>();

    /// <summary>The stored record at the item's version (the attribute, which conditions check, is the truth).</summary>
    private static ProvisioningRecord? RecordOf(Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(Record, out var json) || json.S is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize(json.S, ProvisioningRecordJsonContext.Default.ProvisioningRecord) is { } record
                ? record with { Version = NumberOf(item, RecordVersion) }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
