using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The two Auto Scaling calls the bridge needs. A small seam so that the official AWSSDK.AutoScaling client can
/// replace the hand-built Query API client, and tests can record calls.
/// Failures throw <see cref="AutoScalingException"/>.
/// </summary>
public interface ILifecycleActionClient
{
    Task<LifecycleActionOutcome> CompleteAsync(
        LifecycleActionIdentity action, LifecycleActionResult result, CancellationToken cancellationToken);

    Task<LifecycleActionOutcome> RecordHeartbeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken);
}
