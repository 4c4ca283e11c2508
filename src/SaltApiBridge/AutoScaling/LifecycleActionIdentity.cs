namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Identifies one lifecycle action. AWS accepts either the token or the instance id; the token is preferred
/// because it names this very action, while an instance id would also match a later action of the same instance.
/// </summary>
public sealed record LifecycleActionIdentity(
    string AutoScalingGroupName,
    string LifecycleHookName,
    string? LifecycleActionToken,
    string InstanceId);
