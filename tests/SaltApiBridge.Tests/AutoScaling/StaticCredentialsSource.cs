using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>Fixed credentials, or a fixed failure, instead of the SDK's chain.</summary>
internal sealed class StaticCredentialsSource(ImmutableCredentials? credentials, Exception? failure = null) : IAwsCredentialsSource
{
    public int Calls { get; private set; }

    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        Calls++;
        return failure is null ? Task.FromResult(credentials!) : Task.FromException<ImmutableCredentials>(failure);
    }
}
