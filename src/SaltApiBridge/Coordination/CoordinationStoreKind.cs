namespace SaltApiBridge.Coordination;

/// <summary>Where replicas keep what they share (<c>Coordination:Store</c>).</summary>
public enum CoordinationStoreKind
{
    /// <summary>One host: records in <c>Pipeline:RecordDirectory</c> (else memory), leases as lock files in <c>Pipeline:LockDirectory</c> (else within the process).</summary>
    File,

    /// <summary>Replicas on several hosts: leases, records and finished work in one DynamoDB table (<c>Coordination:TableName</c>).</summary>
    DynamoDb,
}
