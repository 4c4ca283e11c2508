using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Status;

/// <summary>
/// One lifecycle action this replica works on now, as the status view shows it. The work updates <see cref="Step"/>,
/// <see cref="Master"/> and <see cref="Jid"/> as it goes; readers take a snapshot (<see cref="WorkBoard.InFlight"/>).
/// </summary>
public sealed class WorkInProgress(LifecycleEventKind kind, string instanceId, string minionId, string? messageId, int attempt, DateTimeOffset since)
{
    public LifecycleEventKind Kind { get; } = kind;

    public string InstanceId { get; } = instanceId;

    public string MinionId { get; } = minionId;

    /// <summary>The SQS message; null for an action taken over from its record.</summary>
    public string? MessageId { get; } = messageId;

    /// <summary>The message's receive count (1: first delivery); 0 for a takeover.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>When the action began (the record's start, when it was taken on before), else when this work began.</summary>
    public DateTimeOffset Since { get; set; } = since;

    /// <summary>The current step, in words ("waiting for the key", "highstate running", …).</summary>
    public string Step { get; set; } = "starting";

    public string? Master { get; set; }

    public string? Jid { get; set; }

    /// <summary>The hook's heartbeat timeout, once known: work older than half of it needs a look.</summary>
    public TimeSpan? HookTimeout { get; set; }
}
