using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// The coordination table's design: one table, partition key <c>pk</c> (S) only, three kinds of item.
/// <list type="bullet">
/// <item><c>minion#&lt;id&gt;</c>: the minion's provisioning record and its instance lease on the SAME item. Lease:
/// <c>owner</c> (S, the replica's name), <c>leaseExpires</c> (N, epoch ms), <c>leaseVersion</c> (N, bumped by each
/// take). Record: <c>version</c> (N, the optimistic-concurrency counter), <c>record</c> (S, the record as JSON),
/// <c>inProgress</c> (S, "1" only while a lifecycle action is in progress) and <c>owed</c> (S, "1" only while key work
/// is owed to a master).</item>
/// <item><c>task#&lt;name&gt;</c>: a named task's lease (owed key work, reconcile): the lease attributes only.</item>
/// <item><c>done#&lt;key&gt;</c>: finished work (<c>message:&lt;id&gt;</c>, <c>action:&lt;hash&gt;</c>) with
/// <c>expiresAt</c> (N, epoch seconds), the table's TTL attribute: DynamoDB deletes it some time after.</item>
/// </list>
/// Two sparse global secondary indexes (projection ALL), so that no periodic question reads the whole fleet:
/// <c>InProgress</c> (partition <c>inProgress</c>, sort <c>leaseExpires</c>) holds only items with an action in
/// progress AND a lease on them: a lease given back (the work ended, its message went back to the queue) removes
/// <c>leaseExpires</c>, so only a holder that died (never gave it back) leaves an expired one, found by
/// <c>inProgress = "1" AND leaseExpires &lt; now</c> with a Limit. <c>Owed</c> (partition <c>owed</c>) holds only the
/// records with key work owed. On-demand billing (PAY_PER_REQUEST): no capacity to plan.
/// </summary>
public static class CoordinationTable
{
    public const string PartitionKey = "pk";
    public const string Owner = "owner";
    public const string LeaseExpires = "leaseExpires";
    public const string LeaseVersion = "leaseVersion";
    public const string RecordVersion = "version";
    public const string Record = "record";
    public const string InProgress = "inProgress";
    public const string Owed = "owed";
    public const string ExpiresAt = "expiresAt";

    /// <summary>The value of the sparse markers <see cref="InProgress"/> and <see cref="Owed"/> (one partition each).</summary>
    public const string Marker = "1";

    public const string InProgressIndex = "InProgress";
    public const string OwedIndex = "Owed";

    public const string MinionPrefix = "minion#";
    public const string TaskPrefix = "task#";
    public const string DonePrefix = "done#";

    public static string KeyOf(LeaseKey key) => (key.Kind == LeaseKind.Instance ? MinionPrefix : TaskPrefix) + key.Name;

    public static string MinionKey(string minionId) => MinionPrefix + minionId;

    public static Dictionary<string, AttributeValue> Key(string pk) => new(StringComparer.Ordinal) { [PartitionKey] = new AttributeValue { S = pk } };

    /// <summary>Expression names <c>#name</c> for these attributes (some, like <c>owner</c>, are DynamoDB reserved words).</summary>
    public static Dictionary<string, string> Names(params string[] attributes) =>
        attributes.ToDictionary(a => "#" + a, a => a, StringComparer.Ordinal);

    public static AttributeValue Number(long value) => new() { N = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static AttributeValue Text(string value) => new() { S = value };

    public static long NumberOf(Dictionary<string, AttributeValue>? item, string attribute) =>
        item is not null && item.TryGetValue(attribute, out var value) && value.N is { } number
            ? long.Parse(number, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    /// <summary>What <c>saltapibridge create-table</c> sends (TTL is a call of its own: UpdateTimeToLive).</summary>
    public static CreateTableRequest Definition(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(InProgress, ScalarAttributeType.S),
            new AttributeDefinition(LeaseExpires, ScalarAttributeType.N),
            new AttributeDefinition(Owed, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = InProgressIndex,
                KeySchema = [new KeySchemaElement(InProgress, KeyType.HASH), new KeySchemaElement(LeaseExpires, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
            new GlobalSecondaryIndex
            {
                IndexName = OwedIndex,
                KeySchema = [new KeySchemaElement(Owed, KeyType.HASH)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };

    /// <summary>
    /// How an existing table differs from <see cref="Definition"/>, one phrase each (empty: it is ours). Billing and
    /// other settings are the operator's business; only what the store's calls rely on is compared.
    /// </summary>
    public static IReadOnlyList<string> Differences(TableDescription table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var expected = Definition(table.TableName);
        var differences = new List<string>();
        var types = (table.AttributeDefinitions ?? []).ToDictionary(a => a.AttributeName, a => a.AttributeType.Value, StringComparer.Ordinal);
        var keys = Describe(table.KeySchema, types);
        var expectedTypes = expected.AttributeDefinitions.ToDictionary(a => a.AttributeName, a => a.AttributeType.Value, StringComparer.Ordinal);
        var expectedKeys = Describe(expected.KeySchema, expectedTypes);
        if (keys != expectedKeys)
            differences.Add($"its key is {keys}, not {expectedKeys}");
        var indexes = (table.GlobalSecondaryIndexes ?? []).ToDictionary(i => i.IndexName, StringComparer.Ordinal);
        foreach (var index in expected.GlobalSecondaryIndexes)
        {
            var wanted = Describe(index.KeySchema, expectedTypes);
            if (!indexes.TryGetValue(index.IndexName, out var found))
            {
                differences.Add($"it has no index {index.IndexName} ({wanted})");
                continue;
            }

            var actual = Describe(found.KeySchema, types);
            if (actual != wanted)
                differences.Add($"its index {index.IndexName} is keyed {actual}, not {wanted}");
            if (found.Projection?.ProjectionType != ProjectionType.ALL)
                differences.Add($"its index {index.IndexName} projects {found.Projection?.ProjectionType?.Value ?? "nothing"}, not ALL");
        }

        return differences;
    }

    private static string Describe(List<KeySchemaElement>? keySchema, Dictionary<string, string> types) =>
        keySchema is not { Count: > 0 }
            ? "(none)"
            : string.Join(" + ", keySchema.OrderBy(k => k.KeyType == KeyType.HASH ? 0 : 1)
                .Select(k => $"{k.AttributeName} ({types.GetValueOrDefault(k.AttributeName, "?")}, {(k.KeyType == KeyType.HASH ? "partition" : "sort")})"));
}
