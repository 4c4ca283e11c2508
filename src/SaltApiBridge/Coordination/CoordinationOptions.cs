namespace SaltApiBridge.Coordination;

/// <summary>What replicas share, and where (configuration section "Coordination").</summary>
public sealed class CoordinationOptions
{
    public const string SectionName = "Coordination";

    /// <summary>File (the default: one host) or DynamoDb (replicas on several hosts).</summary>
    public CoordinationStoreKind Store { get; set; } = CoordinationStoreKind.File;

    /// <summary>The DynamoDB table (required with DynamoDb; <c>saltapibridge create-table</c> creates it).</summary>
    public string? TableName { get; set; }

    /// <summary>The table's region; empty: the AWS SDK's region chain (AWS_REGION, the profile, the instance's metadata).</summary>
    public string? Region { get; set; }

    /// <summary>Another endpoint for DynamoDB: a VPC endpoint, or a local emulator.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>This replica's name in leases, records, logs and status; empty: the host name.</summary>
    public string? ReplicaName { get; set; }

    /// <summary>How long a lease lasts unless renewed; renewed every third of it. A dead replica's work is taken over once it runs out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The replica's name as used: <see cref="ReplicaName"/>, else the host name.</summary>
    public string EffectiveReplicaName => string.IsNullOrWhiteSpace(ReplicaName) ? Environment.MachineName : ReplicaName;
}
