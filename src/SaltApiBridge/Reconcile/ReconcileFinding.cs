namespace SaltApiBridge.Reconcile;

/// <param name="Action">What the run did about it: <c>deleted</c>, <c>would delete</c>, <c>kept</c> (over the limit) or <c>none</c> (strays are reported only).</param>
public sealed record ReconcileFinding(FindingKind Kind, string MinionId, string InstanceId, string Group, string Reason, string Action);
