namespace SaltApiBridge.AutoScaling;

/// <summary>An instance as Auto Scaling describes it: its group and lifecycle state (Pending:Wait, InService, …).</summary>
public sealed record AutoScalingInstance(string InstanceId, string AutoScalingGroupName, string LifecycleState, string? HealthStatus)
{
    /// <summary>Waiting for a launch lifecycle action (into the group, or into its warm pool).</summary>
    public const string PendingWait = "Pending:Wait";

    public const string WarmedPendingWait = "Warmed:Pending:Wait";

    public const string InService = "InService";

    /// <summary>Gone for good: Terminated, or Warmed:Terminated.</summary>
    public bool IsTerminated => LifecycleState is "Terminated" or "Warmed:Terminated";
}
