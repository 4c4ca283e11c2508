using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using static SaltApiBridge.Coordination.DynamoDb.CoordinationTable;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// Leases in the coordination table (the pattern of the DynamoDB lock client and the Kinesis Client Library's lease
/// table): <c>owner</c> and <c>leaseExpires</c> on the minion's or the task's item, taken with one conditional write
/// (free, run out, or already this replica's: a restarted replica takes its own back at once), renewed every third of
/// <c>Coordination:LeaseDuration</c> and given back conditionally on still being its holder (<c>owner</c> and the
/// <c>leaseVersion</c> of its take: a second process under the same replica name makes the first one's renewal fail,
/// so it stops). Within this process a lease is exclusive like a lock file: a second take of a held lease is refused.
/// Calls: take 1 write; renew 1 write; give back 1 write (2 when nothing else is on the item: it is deleted).
/// </summary>
public sealed class DynamoDbLeases(DynamoDbCaller calls, CoordinationOptions options, TimeProvider timeProvider, ILogger<DynamoDbLeases> logger) : ILeases, ILeaseListing
{
    /// <summary>At most this many instance leases in one status listing.</summary>
    internal const int ListLimit = 100;

    /// <summary>A status view redrawn every 2 s reads the table at most this often.</summary>
    private static readonly TimeSpan ListingReuse = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<LeaseKey, byte> held = new();
    private (DateTimeOffset At, IReadOnlyList<LeaseInfo> Leases)? listed;

    internal string Replica { get; } = options.EffectiveReplicaName;

    internal TimeSpan Duration { get; } = options.LeaseDuration;

    internal TimeSpan RenewInterval => Duration / 3;

    /// <summary>After a failed renewal: try again sooner, several times before the lease could run out.</summary>
    internal TimeSpan RetryInterval => Duration / 12;

    /// <summary>
    /// Clocks differ between hosts: this replica counts its lease as lost this long before its own clock says it runs
    /// out, so a taker whose clock is ahead by less than this never overlaps with it.
    /// </summary>
    internal TimeSpan SafetyMargin => Duration / 6;

    internal TimeProvider Time => timeProvider;

    internal ILogger Logger => logger;

    public async Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken)
    {
        if (!held.TryAdd(key, 0))
            return null;
        try
        {
            var start = timeProvider.GetUtcNow();
            var response = await calls.UpdateItemAsync(new UpdateItemRequest
            {
                Key = Key(KeyOf(key)),
                UpdateExpression = "SET #owner = :me, #leaseExpires = :expires, #leaseVersion = if_not_exists(#leaseVersion, :zero) + :one",
                ConditionExpression = "attribute_not_exists(#owner) OR #leaseExpires < :now OR #owner = :me",
                ExpressionAttributeNames = Names(Owner, LeaseExpires, LeaseVersion),
                ExpressionAttributeValues = new(StringComparer.Ordinal)
                {
                    [":me"] = Text(Replica),
                    [":expires"] = Number((start + Duration).ToUnixTimeMilliseconds()),
                    [":now"] = Number(start.ToUnixTimeMilliseconds()),
                    [":zero"] = Number(0),
                    [":one"] = Number(1),
                },
                ReturnValues = ReturnValue.UPDATED_NEW,
            }, cancellationToken);
            return new DynamoDbLease(this, key, NumberOf(response.Attributes, LeaseVersion), start);
        }
        catch (ConditionalCheckFailedException)
        {
            held.TryRemove(key, out _);
            return null;
        }
        catch
        {
            held.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>
    /// Every replica's leases, for the status view: those of actions in progress that are live (the sparse InProgress
    /// index: one query, at most <see cref="ListLimit"/> items) and the task leases (two reads). Reused for a few seconds.
    /// </summary>
    public async Task<IReadOnlyList<LeaseInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (listed is { } cached && now - cached.At < ListingReuse)
            return cached.Leases;
        var response = await calls.QueryAsync(new QueryRequest
        {
            IndexName = InProgressIndex,
            KeyConditionExpression = "#inProgress = :marker AND #leaseExpires > :now",
            ProjectionExpression = "#pk, #owner, #leaseExpires",
            ExpressionAttributeNames = Names(InProgress, LeaseExpires, PartitionKey, Owner),
            ExpressionAttributeValues = new(StringComparer.Ordinal)
            {
                [":marker"] = Text(Marker),
                [":now"] = Number(now.ToUnixTimeMilliseconds()),
            },
            Limit = ListLimit,
        }, cancellationToken);
        var leases = (response.Items ?? []).Select(item => LeaseOf(item, now)).OfType<LeaseInfo>().ToList();
        foreach (var task in new[] { LeaseKey.OwedKeyWork, LeaseKey.Reconcile })
        {
            var item = await calls.GetItemAsync(new GetItemRequest
            {
                Key = Key(KeyOf(task)),
                ProjectionExpression = "#pk, #owner, #leaseExpires",
                ExpressionAttributeNames = Names(PartitionKey, Owner, LeaseExpires),
            }, cancellationToken);
            if (LeaseOf(item.Item, now) is { } lease)
                leases.Add(lease);
        }

        listed = (now, leases);
        return leases;
    }

    /// <summary>The lease on an item, when one is held and not run out.</summary>
    private static LeaseInfo? LeaseOf(Dictionary<string, AttributeValue>? item, DateTimeOffset now)
    {
        if (item is null || !item.TryGetValue(Owner, out var owner) || owner.S is null || !item.TryGetValue(PartitionKey, out var pk))
            return null;
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(NumberOf(item, LeaseExpires));
        if (expires <= now)
            return null;
        return pk.S.StartsWith(MinionPrefix, StringComparison.Ordinal) ? new LeaseInfo("instance", pk.S[MinionPrefix.Length..], owner.S, expires)
            : pk.S.StartsWith(TaskPrefix, StringComparison.Ordinal) ? new LeaseInfo("task", pk.S[TaskPrefix.Length..], owner.S, expires)
            : null;
    }

    /// <summary>Moves the lease's expiry on, if this take still holds it (else <see cref="ConditionalCheckFailedException"/>).</summary>
    internal Task RenewAsync(LeaseKey key, long leaseVersion, DateTimeOffset expires, CancellationToken cancellationToken) =>
        calls.UpdateItemAsync(new UpdateItemRequest
        {
            Key = Key(KeyOf(key)),
            UpdateExpression = "SET #leaseExpires = :expires",
            ConditionExpression = "#owner = :me AND #leaseVersion = :version",
            ExpressionAttributeNames = Names(Owner, LeaseExpires, LeaseVersion),
            ExpressionAttributeValues = new(StringComparer.Ordinal)
            {
                [":me"] = Text(Replica),
                [":version"] = Number(leaseVersion),
                [":expires"] = Number(expires.ToUnixTimeMilliseconds()),
            },
        }, cancellationToken);

    /// <summary>
    /// Gives the lease back if this take still holds it: its attributes go (so an action in progress on the item is not
    /// taken for a dead replica's), and the item with them when nothing else is on it.
    /// </summary>
    internal async Task ReleaseAsync(LeaseKey key, long leaseVersion, CancellationToken cancellationToken)
    {
        var pk = KeyOf(key);
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":me"] = Text(Replica), [":version"] = Number(leaseVersion) };
        try
        {
            if (key.Kind == LeaseKind.Task)
            {
                // A task's item holds its lease only.
                await calls.DeleteItemAsync(new DeleteItemRequest
                {
                    Key = Key(pk),
                    ConditionExpression = "#owner = :me AND #leaseVersion = :version",
                    ExpressionAttributeNames = Names(Owner, LeaseVersion),
                    ExpressionAttributeValues = values,
                }, cancellationToken);
                return;
            }

            var response = await calls.UpdateItemAsync(new UpdateItemRequest
            {
                Key = Key(pk),
                UpdateExpression = "REMOVE #owner, #leaseExpires, #leaseVersion",
                ConditionExpression = "#owner = :me AND #leaseVersion = :version",
                ExpressionAttributeNames = Names(Owner, LeaseExpires, LeaseVersion),
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            await EmptyItems.DeleteIfEmptyAsync(calls, pk, response.Attributes, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // No longer this take's: another replica has it after it ran out. Nothing to give back.
        }
    }

    /// <summary>The lease object is done with: this process may take the lease again.</summary>
    internal void Forget(LeaseKey key) => held.TryRemove(key, out _);
}
