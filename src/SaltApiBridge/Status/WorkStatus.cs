namespace SaltApiBridge.Status;

/// <summary>A lifecycle action in flight on this replica (<see cref="WorkInProgress"/>), as the status shows it.</summary>
/// <param name="Attempt">The message's receive count (1: first delivery); 0 for a takeover.</param>
/// <param name="HookTimeoutSeconds">The hook's heartbeat timeout, once heartbeats run: work older than half of it needs a look.</param>
public sealed record WorkStatus(
    string Kind,
    string InstanceId,
    string MinionId,
    string Step,
    DateTimeOffset Since,
    double AgeSeconds,
    int Attempt,
    string? MessageId,
    string? Master,
    string? Jid,
    double? HookTimeoutSeconds);
