using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Status;

/// <summary>A finished piece of work: what it was, how it ended, how long it took.</summary>
public sealed record WorkDone(
    LifecycleEventKind Kind, string InstanceId, string MinionId, string Result, string Summary, DateTimeOffset Ended, TimeSpan Took, string? Master, string? Jid);
