using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// <c>saltapibridge create-table</c>'s work: the table of <see cref="CoordinationTable.Definition"/>, ACTIVE, with TTL
/// on <c>expiresAt</c>. Idempotent: an existing table of the right shape is left as it is (TTL switched on if it is
/// not); one of another shape is never changed. An endpoint without the TTL API (dynalite, a local emulator) gets the
/// table without TTL, and says so: finished work is still ignored after its window, only not deleted.
/// </summary>
public sealed class TableSetup(DynamoDbCaller calls, TimeProvider timeProvider)
{
    public static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(2);

    public async Task<TableSetupResult> EnsureAsync(CancellationToken cancellationToken)
    {
        var created = false;
        var table = await DescribeAsync(cancellationToken);
        if (table is null)
        {
            try
            {
                table = (await calls.CreateTableAsync(CoordinationTable.Definition(calls.TableName), cancellationToken)).TableDescription;
                created = true;
            }
            catch (CoordinationStoreException e) when (e.InnerException is ResourceInUseException)
            {
                // Another create-table got there first: describe what it made.
                table = await DescribeAsync(cancellationToken);
            }
        }

        if (table is not null && CoordinationTable.Differences(table) is { Count: > 0 } differences)
            return new TableSetupResult(TableSetupOutcome.OtherSchema, differences, TimeToLive: null);
        await WaitUntilActiveAsync(cancellationToken);
        var ttl = await EnsureTimeToLiveAsync(cancellationToken);
        return new TableSetupResult(created ? TableSetupOutcome.Created : TableSetupOutcome.AlreadyThere, [], ttl);
    }

    /// <summary>The table, or null when it does not exist.</summary>
    public async Task<TableDescription?> DescribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await calls.DescribeTableAsync(cancellationToken)).Table;
        }
        catch (CoordinationStoreException e) when (e.InnerException is ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether TTL deletes expired items: true when on (or being switched on) for <c>expiresAt</c>, false when off or on
    /// another attribute, null when the endpoint has no TTL API at all (an emulator: DescribeTimeToLive says DISABLED
    /// whatever was asked, and UpdateTimeToLive is an unknown operation).
    /// </summary>
    public async Task<bool?> HasTimeToLiveAsync(CancellationToken cancellationToken)
    {
        var description = (await calls.DescribeTimeToLiveAsync(cancellationToken)).TimeToLiveDescription;
        if (IsOn(description))
            return true;
        return await SupportsTimeToLiveAsync(cancellationToken) ? false : null;
    }

    private async Task<bool?> EnsureTimeToLiveAsync(CancellationToken cancellationToken)
    {
        var description = (await calls.DescribeTimeToLiveAsync(cancellationToken)).TimeToLiveDescription;
        if (IsOn(description))
            return true;
        try
        {
            await calls.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = calls.TableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = CoordinationTable.ExpiresAt, Enabled = true },
            }, cancellationToken);
            return true;
        }
        catch (CoordinationStoreException e) when (IsUnknownOperation(e.InnerException))
        {
            return null;
        }
    }

    /// <summary>
    /// Asks UpdateTimeToLive about a table name no table can have: DynamoDB refuses it (validation, or access denied
    /// to a daemon that needs no such right), changing nothing; an endpoint without the operation says it is unknown.
    /// </summary>
    private async Task<bool> SupportsTimeToLiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await calls.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = "x",
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = CoordinationTable.ExpiresAt, Enabled = true },
            }, cancellationToken);
            return true;
        }
        catch (CoordinationStoreException e) when (!e.IsTransient)
        {
            return !IsUnknownOperation(e.InnerException);
        }
    }

    private async Task WaitUntilActiveAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ActiveTimeout);
        var wait = FirstPoll;
        while (true)
        {
            var table = await DescribeAsync(deadline.Token);
            if (table?.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
                return;
            // DynamoDB takes seconds, an emulator a moment: ask often at first, then less.
            await Task.Delay(wait, timeProvider, deadline.Token);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks));
        }
    }

    private static bool IsOn(TimeToLiveDescription? description) =>
        description?.AttributeName == CoordinationTable.ExpiresAt
        && (description.TimeToLiveStatus == TimeToLiveStatus.ENABLED || description.TimeToLiveStatus == TimeToLiveStatus.ENABLING);

    private static bool IsUnknownOperation(Exception? e) => e is AmazonDynamoDBException { ErrorCode: "UnknownOperationException" };
}
