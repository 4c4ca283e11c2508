namespace SaltApiBridge.Status;

/// <summary>A finished piece of work (<see cref="WorkDone"/>): its result (CONTINUE, ABANDON, retry, …), how long it took.</summary>
public sealed record DoneStatus(
    string Kind,
    string InstanceId,
    string MinionId,
    string Result,
    string Summary,
    DateTimeOffset Ended,
    double TookSeconds,
    string? Master,
    string? Jid);
