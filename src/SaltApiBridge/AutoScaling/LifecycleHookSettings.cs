namespace SaltApiBridge.AutoScaling;

/// <summary>
/// One lifecycle hook as DescribeLifecycleHooks reports it. <see cref="GlobalTimeout"/> is the longest an action
/// can be kept alive with heartbeats; AWS reports it, and documents it as min(48 h, 100 × HeartbeatTimeout).
/// </summary>
public sealed record LifecycleHookSettings(
    string AutoScalingGroupName,
    string LifecycleHookName,
    string? LifecycleTransition,
    TimeSpan HeartbeatTimeout,
    TimeSpan? GlobalTimeout,
    string? DefaultResult)
{
    private static readonly TimeSpan LongestGlobalTimeout = TimeSpan.FromHours(48);

    /// <summary>What AWS reported, else its documented rule.</summary>
    public TimeSpan EffectiveGlobalTimeout =>
        GlobalTimeout ?? (HeartbeatTimeout * 100 < LongestGlobalTimeout ? HeartbeatTimeout * 100 : LongestGlobalTimeout);
}
