namespace SaltApiBridge.Lifecycle;

/// <summary>
/// One Auto Scaling message, normalised from whatever format it arrived in. Immutable; names are as AWS sent them
/// and still unvalidated (see <see cref="LifecycleEventValidator"/>).
/// </summary>
/// <param name="MessageId">The most specific id the message carries: SNS MessageId, EventBridge id, or the hook's RequestId.</param>
/// <param name="InstanceId">Absent for test notifications (and empty in some launch-error notifications).</param>
/// <param name="LifecycleHookName">Only lifecycle hooks (Launching, Terminating) carry a hook and a token.</param>
/// <param name="Origin">Warm pools: EC2, AutoScalingGroup or WarmPool, when AWS says.</param>
/// <param name="Destination">Warm pools: EC2, AutoScalingGroup or WarmPool, when AWS says.</param>
/// <param name="Time">When AWS says the event happened; null when absent or not a timestamp.</param>
public sealed record LifecycleEvent(
    LifecycleEventKind Kind,
    SourceFormat Format,
    string? MessageId,
    string? InstanceId,
    string AutoScalingGroupName,
    string? LifecycleHookName,
    string? LifecycleActionToken,
    string? NotificationMetadata,
    string? Origin,
    string? Destination,
    DateTimeOffset? Time)
{
    /// <summary>The instance is moving into the warm pool (it will be stopped, not put in service).</summary>
    public bool IntoWarmPool => string.Equals(Destination, "WarmPool", StringComparison.Ordinal);

    /// <summary>A lifecycle hook: AWS waits for us to complete it.</summary>
    public bool IsLifecycleAction => Kind is LifecycleEventKind.Launching or LifecycleEventKind.Terminating;
}
