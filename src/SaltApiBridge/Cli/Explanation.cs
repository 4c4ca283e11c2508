using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Cli;

/// <summary>What <c>explain</c> prints: the normalised event, the minion id and the plan.</summary>
public sealed record Explanation(LifecycleEvent Event, string? MinionId, PlanVerdict Verdict, string? Reason, IReadOnlyList<PlannedStep> Steps);
