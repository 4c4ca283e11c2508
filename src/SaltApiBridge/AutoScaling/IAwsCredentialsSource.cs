using Amazon.Runtime;

namespace SaltApiBridge.AutoScaling;

/// <summary>Where the signer gets the AWS credentials for each request (a seam so tests never touch the real chain).</summary>
internal interface IAwsCredentialsSource
{
    /// <summary>Current credentials; throws <see cref="AutoScalingException"/> (not transient) when there are none.</summary>
    Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken);
}
