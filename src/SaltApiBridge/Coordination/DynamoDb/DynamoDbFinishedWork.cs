using Amazon.DynamoDBv2.Model;
using SaltApiBridge.Coordination.Local;
using static SaltApiBridge.Coordination.DynamoDb.CoordinationTable;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// Finished work remembered in the coordination table for <paramref name="window"/> (<c>done#&lt;key&gt;</c> items
/// whose <c>expiresAt</c> TTL lets DynamoDB delete them later), behind this replica's own memory
/// (<see cref="CompletedWork"/>): a key this replica finished or already found costs no call. An item past its
/// <c>expiresAt</c> counts as gone (TTL deletion lags by hours). A key not found is asked again next time: another
/// replica may finish it any moment. Calls: check 0 reads when known here, else 1 (strongly consistent); add 1 write.
/// </summary>
public sealed class DynamoDbFinishedWork(DynamoDbCaller calls, CompletedWork local, TimeSpan window, TimeProvider timeProvider) : IFinishedWork
{
    public async Task<bool> ContainsAsync(string key, CancellationToken cancellationToken)
    {
        if (local.Contains(key))
            return true;
        var response = await calls.GetItemAsync(new GetItemRequest
        {
            Key = Key(DonePrefix + key),
            ConsistentRead = true,
            ProjectionExpression = "#expiresAt",
            ExpressionAttributeNames = Names(ExpiresAt),
        }, cancellationToken);
        var expiresAt = NumberOf(response.Item, ExpiresAt);
        if (expiresAt * 1000 <= timeProvider.GetUtcNow().ToUnixTimeMilliseconds())
            return false;
        local.Add(key);
        return true;
    }

    public async Task AddAsync(string key, CancellationToken cancellationToken)
    {
        local.Add(key);
        var expires = timeProvider.GetUtcNow() + window;
        // Whole seconds, rounded up: never forgotten before the window ends.
        var expiresAt = expires.ToUnixTimeSeconds() + (expires.ToUnixTimeMilliseconds() % 1000 == 0 ? 0 : 1);
        await calls.PutItemAsync(new PutItemRequest
        {
            Item = new(StringComparer.Ordinal) { [PartitionKey] = Text(DonePrefix + key), [ExpiresAt] = Number(expiresAt) },
        }, cancellationToken);
    }
}
