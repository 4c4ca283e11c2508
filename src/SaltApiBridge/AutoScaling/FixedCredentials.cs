using Amazon.Runtime;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Made-up AWS credentials for runs whose calls are signed like real ones but must not read the machine's AWS setup:
/// <c>replay --dry-run</c>, and the demo and benches against the simulated Auto Scaling endpoint.
/// </summary>
internal sealed class FixedCredentials(string accessKeyId, string secretAccessKey) : IAwsCredentialsSource
{
    private readonly ImmutableCredentials credentials = new(accessKeyId, secretAccessKey, null);

    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(credentials);
}
