using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Cli.DryRun;

/// <summary>Made-up AWS credentials: a dry run signs its calls like a real one but must not read the machine's AWS setup.</summary>
internal sealed class DryRunCredentials : IAwsCredentialsSource
{
    private static readonly ImmutableCredentials Credentials = new("AKIDDRYRUN", "dry-run-secret-key", null);

    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(Credentials);
}
