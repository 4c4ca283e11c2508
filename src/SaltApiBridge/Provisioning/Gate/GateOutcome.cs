namespace SaltApiBridge.Provisioning.Gate;

/// <summary>
/// What the accept gate decided. <see cref="Reason"/> is a short, bounded code (metric label, event outcome);
/// <see cref="Detail"/> the sentence for logs and the message summary. <see cref="InstanceConfirmed"/> says whether
/// Auto Scaling confirmed the instance waits in the event's group: only then is its lifecycle action ours to complete.
/// </summary>
public sealed record GateOutcome(GateVerdict Verdict, string? Reason, string? Detail, bool InstanceConfirmed)
{
    /// <summary>The key is accepted (now or before): provisioning may go on.</summary>
    public bool Passed => Verdict is GateVerdict.Accepted or GateVerdict.AlreadyAccepted;

    /// <summary>The master the launch's state jobs go through (one that accepted the key); null without an accept.</summary>
    public string? JobMaster { get; init; }

    /// <summary>Masters whose accept is owed (down or without the key, <c>SaltApi:MasterDown: Proceed</c>).</summary>
    public IReadOnlyList<string> OwedAccepts { get; init; } = [];

    /// <summary>The accepted key's fingerprint (multi-master only: what an owed accept must find).</summary>
    public string? Fingerprint { get; init; }

    public static GateOutcome Refuse(string reason, string detail, bool instanceConfirmed) =>
        new(GateVerdict.Refused, reason, detail, instanceConfirmed);
}
