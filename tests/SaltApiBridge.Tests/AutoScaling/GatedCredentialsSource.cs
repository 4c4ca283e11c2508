using Amazon.Runtime;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>Credentials that arrive only once the test opens the gate: an instance metadata service that is slow to answer.</summary>
internal sealed class GatedCredentialsSource : IAwsCredentialsSource
{
    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => gate.TrySetResult();

    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        await gate.Task.WaitAsync(cancellationToken);
        return new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    }
}
