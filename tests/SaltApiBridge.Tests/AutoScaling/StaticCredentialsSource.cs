using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>Fixed credentials, or a fixed failure, instead of the SDK's chain.</summary>
internal sealed class StaticCredentialsSource(
    ImmutableCredentials? credentials, Exception? failure = null, Action? onCall = null) : IAwsCredentialsSource
{
    public int Calls { get; private set; }

    public Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        Calls++;
        onCall?.Invoke();
        return failure is null ? Task.FromResult(credentials!) : Task.FromException<ImmutableCredentials>(failure);
    }
}
