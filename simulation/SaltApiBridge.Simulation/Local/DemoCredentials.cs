using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Simulation.Local;

/// <summary>Fixed credentials for the simulated Auto Scaling endpoint: the demo must not look at the machine's AWS setup.</summary>
internal sealed class DemoCredentials : IAwsCredentialsSource
{
    public const string AccessKeyId = "AKIDDEMO";

    public const string SecretAccessKey = "demo-secret-key";

    private static readonly ImmutableCredentials Credentials = new(AccessKeyId, SecretAccessKey, null);

    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => Task.FromResult(Credentials);
}
