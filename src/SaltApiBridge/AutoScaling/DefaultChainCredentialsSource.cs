using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The AWS SDK's default credential chain: environment, shared profile, web identity, container and EC2 instance role
/// (IMDSv2). The resolver caches what it found and refreshing credentials renew themselves, so asking per request is cheap.
/// </summary>
internal sealed class DefaultChainCredentialsSource : IAwsCredentialsSource, IDisposable
{
    private readonly DefaultAWSCredentialsIdentityResolver resolver = new();

    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await resolver.ResolveIdentityAsync(null, cancellationToken);
            return await credentials.GetCredentialsAsync().WaitAsync(cancellationToken);
        }
        catch (AmazonClientException e)
        {
            throw new AutoScalingException(
                "No usable AWS credentials for the bridge (looked at environment, profile, web identity, container and " +
                "EC2 instance role): give the instance a role or configure credentials.",
                isTransient: false, errorCode: "MissingCredentials", innerException: e);
        }
    }

    public void Dispose() => resolver.Dispose();
}
