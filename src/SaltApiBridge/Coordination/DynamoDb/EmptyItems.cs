using Amazon.DynamoDBv2.Model;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// A minion's item holds its record and its lease: whichever of the two goes last deletes the item, and only when
/// neither is on it any more (the condition says so at the moment of the delete, whoever wrote in between).
/// </summary>
internal static class EmptyItems
{
    /// <summary>Deletes the item if <paramref name="remaining"/> (the item after a REMOVE) holds its key only.</summary>
    public static async Task DeleteIfEmptyAsync(DynamoDbCaller calls, string pk, Dictionary<string, AttributeValue>? remaining, CancellationToken cancellationToken)
    {
        if (remaining is { Count: > 1 })
            return;
        try
        {
            await calls.DeleteItemAsync(new DeleteItemRequest
            {
                Key = CoordinationTable.Key(pk),
                ConditionExpression = "attribute_not_exists(#owner) AND attribute_not_exists(#version)",
                ExpressionAttributeNames = CoordinationTable.Names(CoordinationTable.Owner, CoordinationTable.RecordVersion),
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // A lease or a record arrived in between: the item is someone's again.
        }
    }
}
