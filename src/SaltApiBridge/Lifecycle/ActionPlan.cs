namespace SaltApiBridge.Lifecycle;

/// <summary>What the bridge will do for one event, and why.</summary>
/// <param name="MinionId">The exact minion id every Salt step targets; null when the event names no instance.</param>
/// <param name="Reason">Why the plan is what it is (always set for AcknowledgeOnly and Reject).</param>
public sealed record ActionPlan(
    LifecycleEvent Event,
    PlanVerdict Verdict,
    string? MinionId,
    IReadOnlyList<PlannedStep> Steps,
    string? Reason)
{
    public static ActionPlan Acknowledge(LifecycleEvent lifecycleEvent, string? minionId, string reason) =>
        new(lifecycleEvent, PlanVerdict.AcknowledgeOnly, minionId, [], reason);

    public static ActionPlan Reject(LifecycleEvent lifecycleEvent, string reason) =>
        new(lifecycleEvent, PlanVerdict.Reject, null, [], reason);
}
