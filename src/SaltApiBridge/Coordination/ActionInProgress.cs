using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Coordination;

/// <summary>
/// A lifecycle action a replica works on, kept in the record until it is completed: what a takeover needs to rebuild
/// its event without the message (Auto Scaling accepts the instance id, hook and group instead of the token).
/// </summary>
/// <param name="ActionKey">The hash of the action's token (<see cref="ProvisioningRecord.KeyOf"/>): a duplicate's key.</param>
/// <param name="Destination">Warm pools: where the instance goes, as the event said.</param>
/// <param name="Replica">The replica that took the action on last (<c>Coordination:ReplicaName</c>).</param>
public sealed record ActionInProgress(
    LifecycleEventKind Kind,
    string HookName,
    string? ActionKey,
    DateTimeOffset Since,
    string? Destination = null,
    DateTimeOffset? EventTime = null,
    string? Replica = null);
