using System.Text.Json.Serialization;

namespace SaltApiBridge.Reconcile;

/// <param name="Action">What the run did about it: <c>deleted</c>, <c>would delete</c>, <c>kept</c> (over the limit) or <c>none</c> (strays and split keys are reported only).</param>
/// <param name="Masters">
/// Several masters only (null, and left out of the JSON, with one): the key's state on each master that answered, in
/// configuration order.
/// </param>
public sealed record ReconcileFinding(
    FindingKind Kind,
    string MinionId,
    string InstanceId,
    string Group,
    string Reason,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MasterKey>? Masters = null);
