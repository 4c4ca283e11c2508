using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// The low-level DynamoDB client for <c>Coordination:*</c>: credentials and region from the SDK's chains (unless
/// given), explicit timeouts, and the SDK's standard retries (backoff with jitter for throttling, 5xx and connection
/// failures); <see cref="DynamoDbCaller"/> bounds the whole of one call's tries.
/// </summary>
public static class DynamoDbClientFactory
{
    /// <summary>One try's limit: DynamoDB answers in milliseconds; a try that takes seconds is a network fault.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Retries after the first try (throttling, 5xx, timeouts, refused connections), with the SDK's backoff.</summary>
    public const int MaxRetries = 3;

    /// <param name="credentials">Null: the SDK's default chain (environment, profile, web identity, instance role).</param>
    public static AmazonDynamoDBClient Create(CoordinationOptions options, AWSCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        AwsRuntimeDependencies.Register();
        var config = new AmazonDynamoDBConfig
        {
            Timeout = AttemptTimeout,
            ConnectTimeout = AttemptTimeout,
            MaxErrorRetry = MaxRetries,
            RetryMode = RequestRetryMode.Standard,
        };
        if (!string.IsNullOrWhiteSpace(options.Region))
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            // A VPC endpoint or an emulator: sign for the configured region, not one guessed from the host name.
            if (!string.IsNullOrWhiteSpace(options.Region))
                config.AuthenticationRegion = options.Region;
        }

        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }
}
